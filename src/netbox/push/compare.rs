//! Comparing the inventory's payload with what NetBox holds, in NetBox's normal
//! form: nested objects by id, choices by value, blank and null alike, numbers
//! by value, tags and other sets in any order, strings trimmed (NetBox's API trims
//! them), custom fields only those the inventory sets.

use serde_json::{Map, Value};

use crate::netbox::model::Model;

/// A field that differs: (field, NetBox's value, the inventory's value).
pub type FieldChange = (String, Value, Value);

/// NetBox's representation of a field reduced to what a payload sends: nested
/// objects to their id, choices to their value.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.contains_key("id") => m["id"].clone(),
        Value::Object(m) if m.contains_key("value") && m.contains_key("label") && m.len() <= 3 => m["value"].clone(),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        v => v.clone(),
    }
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut a: Vec<Value> = a.clone();
            a.sort_by_key(|x| x.to_string());
            Value::Array(a)
        }
        v => v.clone(),
    }
}

/// Whether NetBox's value `have` already says what the inventory's `want` says.
pub fn same(field: &str, want: &Value, have: &Value) -> bool {
    let have = normalize(have);
    match (want, &have) {
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) | (Value::String(b), Value::Number(a)) => {
            b.parse::<f64>().ok() == a.as_f64()
        }
        (Value::Object(w), Value::Object(h)) if field == "custom_fields" => {
            w.iter().all(|(k, v)| same(k, v, h.get(k).unwrap_or(&Value::Null)))
        }
        (Value::Array(_), Value::Array(_)) => sorted(want) == sorted(&have),
        // NetBox's API trims the white space around every string it stores.
        (Value::String(a), Value::String(b)) if a != b && a.trim() == b.trim() => true,
        (Value::String(a), Value::String(b)) if a != b && field == "mac_address" => {
            crate::validate::mac::parse(a).is_some_and(|a| Some(a) == crate::validate::mac::parse(b))
        }
        (Value::String(a), Value::String(b)) if a != b => datetime(a).is_some_and(|a| Some(a) == datetime(b)),
        (Value::Object(_), Value::Null) if field == "custom_fields" => want.as_object().is_some_and(Map::is_empty),
        _ => *want == have,
    }
}

/// A date-time in the form NetBox gives it back (`2027-01-01 10:00` is stored and
/// returned as `2027-01-01T10:00:00`; measured on NetBox 4.7.3): `T` between date and
/// time, seconds always, a fraction of six digits unless it is zero, a zone as
/// `+hh:mm` (`Z` as `+00:00`). `None` for a string that is not a date-time.
pub fn datetime(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let ok_date = b.len() >= 16 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    if !ok_date || !matches!(b[10], b'T' | b' ') || !digits(11..13) || b[13] != b':' || !digits(14..16) {
        return None;
    }
    let mut out = format!("{}T{}", &s[..10], &s[11..16]);
    let mut rest = &s[16..];
    match rest.strip_prefix(':') {
        Some(r) if r.len() >= 2 && r.as_bytes()[..2].iter().all(u8::is_ascii_digit) => {
            out.push_str(&format!(":{}", &r[..2]));
            rest = &r[2..];
        }
        Some(_) => return None,
        None => out.push_str(":00"),
    }
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let frac: String = r[..n].chars().chain(std::iter::repeat('0')).take(6).collect();
        if frac != "000000" {
            out.push('.');
            out.push_str(&frac);
        }
        rest = &r[n..];
    }
    match rest {
        "" => {}
        "Z" | "z" => out.push_str("+00:00"),
        z if (z.starts_with('+') || z.starts_with('-')) && matches!(z.len(), 5 | 6) => {
            let d: String = z[1..].chars().filter(|c| *c != ':').collect();
            if d.len() != 4 || !d.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            out.push_str(&format!("{}{}:{}", &z[..1], &d[..2], &d[2..]));
        }
        _ => return None,
    }
    Some(out)
}

/// The fields of `want` that differ from `have`, as (field, have, want).
pub fn differences(want: &Map<String, Value>, have: &Value, skip: &[&str]) -> Vec<FieldChange> {
    let changed = |k: &str| {
        let h = have.get(k).unwrap_or(&Value::Null);
        want.get(k).is_some_and(|w| !same(k, w, h))
    };
    want.iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter(|(k, _)| {
            // A generic reference (`scope_type` + `scope_id`) is sent whole.
            changed(k) || PAIRS.iter().any(|(t, i)| (k == t || k == i) && (changed(t) || changed(i)))
        })
        .map(|(k, w)| (k.clone(), normalize(have.get(k).unwrap_or(&Value::Null)), w.clone()))
        .collect()
}

/// The generic references: a type field and an id field, sent together.
pub const PAIRS: [(&str, &str); 3] = [
    ("scope_type", "scope_id"),
    ("assigned_object_type", "assigned_object_id"),
    ("termination_type", "termination_id"),
];

/// What NetBox holds in a field the inventory leaves out, for the fields the
/// records send only when set (choices, numbers NetBox fills in): sent in their
/// place to an object NetBox has, so that removing `status: planned` from git makes
/// NetBox's object active again (a new object gets them by leaving them out). Measured on NetBox 4.7.3. A device's `airflow` is not here: NetBox gives a
/// new device its type's, and so does `sot`.
const DEFAULTS: &[(Model, &[(&str, &str)])] = &[
    (Model::Site, &[("status", r#""active""#), ("time_zone", "null")]),
    (Model::Location, &[("status", r#""active""#)]),
    (Model::Rack, &[("status", r#""active""#), ("u_height", "42"), ("starting_unit", "1")]),
    (Model::DeviceType, &[("airflow", "null"), ("weight_unit", "null"), ("subdevice_role", "null")]),
    (Model::IpamRole, &[("weight", "1000")]),
    (Model::Vlan, &[("status", r#""active""#)]),
    (Model::Prefix, &[("status", r#""active""#)]),
    (Model::Device, &[("status", r#""active""#), ("face", "null")]),
    (Model::Interface, &[("enabled", "true"), ("mgmt_only", "false"), ("mode", "null")]),
    (Model::Circuit, &[("status", r#""active""#)]),
    (Model::Cable, &[("status", r#""connected""#), ("type", "null"), ("length_unit", "null")]),
    (Model::IpAddress, &[("status", r#""active""#)]),
];

/// `want` (a record's payload) with what leaving a field out means in NetBox: the
/// default of each [`DEFAULTS`] field it does not send, and `null` for each of
/// `custom_fields` (the custom fields the inventory defines for this model) it does
/// not set. Custom fields NetBox has that the inventory does not define are left alone.
pub fn complete(model: Model, want: &mut Map<String, Value>, custom_fields: &[String]) {
    if let Some((_, fields)) = DEFAULTS.iter().find(|(m, _)| *m == model) {
        for (k, v) in *fields {
            if !want.contains_key(*k) {
                want.insert((*k).to_string(), serde_json::from_str(v).unwrap_or(Value::Null));
            }
        }
    }
    if let Some(Value::Object(cf)) = want.get_mut("custom_fields") {
        for name in custom_fields {
            if !cf.contains_key(name) {
                cf.insert(name.clone(), Value::Null);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_and_choices_compare_by_id_and_value() {
        assert!(same("site", &json!(3), &json!({"id": 3, "url": "x", "display": "lon1", "slug": "lon1"})));
        assert!(!same("site", &json!(4), &json!({"id": 3, "slug": "lon1"})));
        assert!(same("status", &json!("active"), &json!({"value": "active", "label": "Active"})));
        assert!(!same("status", &json!("planned"), &json!({"value": "active", "label": "Active"})));
    }

    #[test]
    fn blank_strings_numbers_and_sets_compare_as_netbox_stores_them() {
        assert!(same("description", &json!(""), &Value::Null));
        assert!(same("position", &json!(1), &json!(1.0)));
        assert!(same("weight", &json!(1.5), &json!("1.50")));
        assert!(same("tags", &json!([2, 1]), &json!([{"id": 1, "slug": "a"}, {"id": 2, "slug": "b"}])));
        assert!(!same("tags", &json!([1]), &json!([{"id": 1}, {"id": 2}])));
    }

    #[test]
    fn custom_fields_compare_only_the_fields_the_inventory_sets() {
        assert!(same("custom_fields", &json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!same("custom_fields", &json!({"a": 2}), &json!({"a": 1})));
        assert!(same("custom_fields", &json!({}), &Value::Null));
    }

    #[test]
    fn differences_name_the_changed_fields_with_both_values() {
        let want: Map<String, Value> =
            serde_json::from_value(json!({"name": "r1", "status": "active", "serial": ""})).unwrap();
        let have = json!({"name": "r1", "status": {"value": "planned", "label": "Planned"}, "serial": ""});
        let d = differences(&want, &have, &[]);
        assert_eq!(d, vec![("status".to_string(), json!("planned"), json!("active"))]);
    }

    #[test]
    fn strings_compare_as_netbox_stores_them_trimmed() {
        assert!(same("template_code", &json!("a\n{% endif %}\n"), &json!("a\n{% endif %}")));
        assert!(!same("template_code", &json!("a\n b"), &json!("a\nb")));
    }

    #[test]
    fn date_times_compare_in_the_form_netbox_returns_them() {
        assert!(same("custom_fields", &json!({"at": "2027-01-01 10:00"}), &json!({"at": "2027-01-01T10:00:00"})));
        assert!(same("at", &json!("2027-01-01 10:00:05.25"), &json!("2027-01-01T10:00:05.250000")));
        assert!(same("at", &json!("2027-01-01T10:00:00Z"), &json!("2027-01-01T10:00:00+00:00")));
        assert!(!same("at", &json!("2027-01-01 10:00"), &json!("2027-01-01T10:01:00")));
        assert!(!same("at", &json!("2027-01-01T10:00:00+02:00"), &json!("2027-01-01T10:00:00")));
        assert_eq!(datetime("2027-01-01"), None);
        assert_eq!(datetime("2027-01-01 10:00:0"), None);
        assert_eq!(datetime("not a date, but long enough"), None);
    }

    #[test]
    fn fields_left_out_are_completed_with_netbox_defaults() {
        let mut want: Map<String, Value> =
            serde_json::from_value(json!({"name": "d1", "custom_fields": {"a": 1}})).unwrap();
        complete(Model::Device, &mut want, &["a".to_string(), "b".to_string()]);
        assert_eq!(want["status"], json!("active"));
        assert_eq!(want["face"], Value::Null);
        assert_eq!(want["custom_fields"], json!({"a": 1, "b": null}));
        let mut set: Map<String, Value> = serde_json::from_value(json!({"status": "planned"})).unwrap();
        complete(Model::Device, &mut set, &[]);
        assert_eq!(set["status"], json!("planned"));
    }
}
