//! NetBox's objects as its template renderer shows them: related managers
//! (`device.interfaces.all()`, `.count()`, `.first()`, `.exists()`,
//! `.filter(name='lo0')`, `.exclude(...)`) and model objects that print as their
//! `__str__` (`{{ device.site }}` is the site's name, `{{ ip.vrf }}` `mgmt (65000:999)`).
//!
//! A manager also iterates, indexes and has a length as a list does, so sot's plain
//! style (`for i in device.interfaces`) keeps working; NetBox needs `.all()`.

use std::cmp::Ordering;
use std::sync::Arc;

use indexmap::IndexMap;
use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, Value, ValueKind, from_args};
use minijinja::{Error, ErrorKind, State};

/// A related manager (or the query set it gives): objects in NetBox's order.
#[derive(Debug)]
pub struct Related(pub Vec<Value>);

impl Related {
    pub fn value(items: Vec<Value>) -> Value {
        Value::from_object(Related(items))
    }
}

impl Object for Related {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        index(&self.0, key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.0.is_empty()
    }

    fn call_method(self: &Arc<Self>, _state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        manager_method(&self.0, method, args, Related::value).unwrap_or_else(|| {
            Err(Error::new(ErrorKind::UnknownMethod, format!("a related manager has no method `{method}`")))
        })
    }
}

/// `items[key]` for an integer key (negative from the end).
pub(crate) fn index(items: &[Value], key: &Value) -> Option<Value> {
    let i = key.as_i64()?;
    let i = if i < 0 { items.len() as i64 + i } else { i };
    usize::try_from(i).ok().and_then(|i| items.get(i).cloned())
}

/// The query-set methods NetBox templates use, over `items`; `make` wraps a result set.
/// `None`: no such method.
pub(crate) fn manager_method(
    items: &[Value],
    method: &str,
    args: &[Value],
    make: impl Fn(Vec<Value>) -> Value,
) -> Option<Result<Value, Error>> {
    let none = || Value::from(());
    let no_args = |r: Value| -> Result<Value, Error> {
        let () = from_args(args)?;
        Ok(r)
    };
    Some(match method {
        "all" => no_args(make(items.to_vec())),
        "count" => no_args(Value::from(items.len())),
        "exists" => no_args(Value::from(!items.is_empty())),
        "first" => no_args(items.first().cloned().unwrap_or_else(none)),
        "last" => no_args(items.last().cloned().unwrap_or_else(none)),
        "filter" | "exclude" => (|| {
            let (kwargs,): (Kwargs,) = from_args(args)?;
            let lookups = lookups(&kwargs)?;
            let keep = method == "filter";
            Ok(make(
                items
                    .iter()
                    .filter(|item| lookups.iter().all(|(path, v)| matches(item, path, v)) == keep)
                    .cloned()
                    .collect(),
            ))
        })(),
        "get" => (|| {
            let (kwargs,): (Kwargs,) = from_args(args)?;
            let lookups = lookups(&kwargs)?;
            let found: Vec<&Value> =
                items.iter().filter(|item| lookups.iter().all(|(path, v)| matches(item, path, v))).collect();
            match found.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(Error::new(ErrorKind::InvalidOperation, "get(): no object matches")),
                _ => Err(Error::new(ErrorKind::InvalidOperation, "get(): more than one object matches")),
            }
        })(),
        _ => return None,
    })
}

fn lookups(kwargs: &Kwargs) -> Result<Vec<(Vec<String>, Value)>, Error> {
    let mut out = Vec::new();
    for k in kwargs.args() {
        let v: Value = kwargs.get(k)?;
        out.push((k.split("__").map(str::to_string).collect(), v));
    }
    Ok(out)
}

const OPS: &[&str] = &[
    "exact",
    "iexact",
    "in",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "isnull",
    "gt",
    "gte",
    "lt",
    "lte",
];

/// Does `item` satisfy the Django lookup `path` (`name`, `untagged_vlan__vid`, `name__startswith`,
/// `tags__name`) with `want`? Through a list (a many-to-many), any element may satisfy it.
fn matches(item: &Value, path: &[String], want: &Value) -> bool {
    let (op, fields) = match path.split_last() {
        Some((last, rest)) if OPS.contains(&last.as_str()) && !rest.is_empty() => (last.as_str(), rest),
        _ => ("exact", path),
    };
    fn walk(v: &Value, fields: &[String], op: &str, want: &Value) -> bool {
        let Some((f, rest)) = fields.split_first() else { return compare(v, op, want) };
        let is_list = v.as_object().is_some_and(|o| matches!(o.repr(), ObjectRepr::Seq | ObjectRepr::Map))
            && v.get_attr(f).map_or(true, |x| x.is_undefined())
            && v.try_iter().is_ok();
        if is_list || v.kind() == ValueKind::Seq {
            return v.try_iter().is_ok_and(|mut it| it.any(|x| walk(&x, fields, op, want)));
        }
        match v.get_attr(f) {
            Ok(x) if !x.is_undefined() => walk(&x, rest, op, want),
            _ => false,
        }
    }
    walk(item, fields, op, want)
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn compare(have: &Value, op: &str, want: &Value) -> bool {
    let eq =
        |a: &Value, b: &Value| a == b || (a.as_object().is_some() || b.as_object().is_some()) && text(a) == text(b);
    match op {
        "exact" => eq(have, want),
        "iexact" => text(have).to_lowercase() == text(want).to_lowercase(),
        "in" => want.try_iter().is_ok_and(|mut it| it.any(|w| eq(have, &w))),
        "contains" => text(have).contains(&text(want)),
        "icontains" => text(have).to_lowercase().contains(&text(want).to_lowercase()),
        "startswith" => text(have).starts_with(&text(want)),
        "istartswith" => text(have).to_lowercase().starts_with(&text(want).to_lowercase()),
        "endswith" => text(have).ends_with(&text(want)),
        "iendswith" => text(have).to_lowercase().ends_with(&text(want).to_lowercase()),
        "isnull" => have.is_none() == want.is_true(),
        "gt" => have.partial_cmp(want) == Some(Ordering::Greater),
        "gte" => matches!(have.partial_cmp(want), Some(Ordering::Greater | Ordering::Equal)),
        "lt" => have.partial_cmp(want) == Some(Ordering::Less),
        "lte" => matches!(have.partial_cmp(want), Some(Ordering::Less | Ordering::Equal)),
        _ => false,
    }
}

/// A NetBox object with named fields that prints as its `__str__`.
#[derive(Debug)]
pub struct Model {
    pub fields: IndexMap<&'static str, Value>,
    pub display: String,
}

/// A model value from its `__str__` and its fields, in order.
pub(crate) fn model(display: impl Into<String>, pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::from_object(Model { fields: pairs.into_iter().collect(), display: display.into() })
}

impl Object for Model {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            // NetBox's names for custom fields: `cf` (values) and `custom_field_data` (as stored).
            "cf" | "custom_field_data" => self.fields.get("custom_fields").cloned(),
            _ => self.fields.get(key).cloned(),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.fields.keys().map(|k| Value::from(*k)).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.fields.len())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display)
    }
}

/// NetBox's order of interface names (`naturalize_interface`): slot, subslot, position and
/// subposition (four digits each, `9999` when absent), the type, then id, channel and virtual
/// circuit (six digits each, `......` when absent), then the rest with its numbers padded to
/// eight digits; at most 100 characters, compared as bytes.
pub fn interface_sort_key(name: &str) -> String {
    let mut out = String::with_capacity(48);
    push_interface_sort_key(name, &mut out);
    out
}

/// [`interface_sort_key`] appended to `out`: a device's keys are built in one buffer (a
/// fleet orders hundreds of thousands of interfaces, and a string per key was a seventh of
/// `sot check`).
pub fn push_interface_sort_key(name: &str, out: &mut String) {
    const MAX: usize = 100;
    let start = out.len();
    let b = name.as_bytes();
    let digits = |i: usize| b.get(i..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    let mut i = 0;
    while i < b.len() && !b[i].is_ascii_digit() && b[i] != b'.' && b[i] != b':' {
        i += 1;
    }
    let kind = &name[..i];
    let mut slots = [""; 4];
    let mut found = 0;
    while found < 4 {
        let n = digits(i);
        if n > 0 && b.get(i + n) == Some(&b'/') {
            slots[found] = &name[i..i + n];
            found += 1;
            i += n + 1;
        } else {
            break;
        }
    }
    for (k, s) in slots.iter().enumerate() {
        if k < found {
            pad(out, s, 4);
        } else {
            out.push_str("9999");
        }
    }
    out.push_str(kind);
    for lead in [None, Some(b':'), Some(b'.')] {
        let from = i + usize::from(lead.is_some());
        let n = if lead.is_some_and(|l| b.get(i) != Some(&l)) { 0 } else { digits(from) };
        if n == 0 {
            out.push_str("......");
        } else {
            pad(out, &name[from..from + n], 6);
            i = from + n;
        }
    }
    // NetBox's `naturalize` of the rest: every run of digits padded to eight.
    let rest = &name[i..];
    let r = rest.as_bytes();
    let mut j = 0;
    while j < r.len() && out.len() - start < MAX {
        let n = r[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n > 0 {
            pad(out, &rest[j..j + n], 8);
            j += n;
        } else {
            // A run without ASCII digits ends at one or at the end: a character boundary.
            let m = r[j..].iter().take_while(|c| !c.is_ascii_digit()).count();
            out.push_str(&rest[j..j + m]);
            j += m;
        }
    }
    let mut end = (start + MAX).min(out.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
}

/// `digits` left-padded with zeros to `width` (digits are ASCII: bytes are characters).
fn pad(out: &mut String, digits: &str, width: usize) {
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// PostgreSQL's order of `inet` values (NetBox orders addresses by it): family, then the
/// network bits both share, then the prefix length, then every bit.
pub fn inet_cmp(a: &ipnet::IpNet, b: &ipnet::IpNet) -> Ordering {
    fn bits(n: &ipnet::IpNet) -> (u8, u128) {
        match n.addr() {
            std::net::IpAddr::V4(a) => (4, u128::from(u32::from(a)) << 96),
            std::net::IpAddr::V6(a) => (6, u128::from(a)),
        }
    }
    let ((fa, xa), (fb, xb)) = (bits(a), bits(b));
    // Addresses are left-aligned in 128 bits, so the first `m` bits are the network's.
    let m = u32::from(a.prefix_len().min(b.prefix_len()));
    let mask = |x: u128| if m == 0 { 0 } else { x & (u128::MAX << (128 - m)) };
    fa.cmp(&fb).then(mask(xa).cmp(&mask(xb))).then(a.prefix_len().cmp(&b.prefix_len())).then(xa.cmp(&xb))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key as first written (a string per part), kept as the reference the buffered key
    /// must equal (it truncates at a character boundary where the first version panicked).
    /// NetBox's order of interface names (`naturalize_interface`): slot, subslot, position and
    /// subposition (four digits each, `9999` when absent), the type, then id, channel and virtual
    /// circuit (six digits each, `......` when absent), then the rest with its numbers padded to
    /// eight digits; at most 100 characters, compared as bytes.
    fn reference_key(name: &str) -> String {
        const MAX: usize = 100;
        let b = name.as_bytes();
        let mut i = 0;
        let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        while i < b.len() && !b[i].is_ascii_digit() && b[i] != b'.' && b[i] != b':' {
            i += 1;
        }
        let kind = &name[..i];
        let mut slots: Vec<&str> = Vec::new();
        while slots.len() < 4 {
            let n = digits(i);
            if n > 0 && b.get(i + n) == Some(&b'/') {
                slots.push(&name[i..i + n]);
                i += n + 1;
            } else {
                break;
            }
        }
        let mut out = String::new();
        for k in 0..4 {
            match slots.get(k) {
                Some(s) => out.push_str(&format!("{s:0>4}")),
                None => out.push_str("9999"),
            }
        }
        out.push_str(kind);
        let take = |i: &mut usize, lead: Option<u8>| -> Option<String> {
            let start = *i + usize::from(lead.is_some());
            if let Some(l) = lead
                && b.get(*i) != Some(&l)
            {
                return None;
            }
            let n = b.get(start..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
            if n == 0 {
                return None;
            }
            *i = start + n;
            Some(name[start..start + n].to_string())
        };
        for lead in [None, Some(b':'), Some(b'.')] {
            match take(&mut i, lead) {
                Some(s) => out.push_str(&format!("{s:0>6}")),
                None => out.push_str("......"),
            }
        }
        if out.len() < MAX {
            out.push_str(&reference_naturalize(&name[i..], MAX - out.len()));
        }
        out.truncate(out.floor_char_boundary(MAX.min(out.len())));
        out
    }

    /// NetBox's `naturalize`: every run of digits padded to eight.
    fn reference_naturalize(s: &str, max: usize) -> String {
        let mut out = String::new();
        let mut run = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                run.push(c);
            } else {
                if !run.is_empty() {
                    out.push_str(&format!("{run:0>8}"));
                    run.clear();
                }
                out.push(c);
            }
        }
        if !run.is_empty() {
            out.push_str(&format!("{run:0>8}"));
        }
        let mut end = max.min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The key built in a buffer is the reference key, on names made of the characters
        /// the key treats apart (digits, `/`, `:`, `.`, letters, a multi-byte one), long ones
        /// included (the 100-byte cut), and appended after other text as a device's are.
        #[test]
        fn the_buffered_key_is_the_reference_key(name in "[0-9/:.aZé-]{0,12}|[a-z0-9/:.é]{40,140}") {
            proptest::prop_assert_eq!(interface_sort_key(&name), reference_key(&name));
            let mut buf = String::from("ae1");
            push_interface_sort_key(&name, &mut buf);
            proptest::prop_assert_eq!(&buf[3..], reference_key(&name));
        }
    }

    #[test]
    fn keys_of_usual_names_are_the_reference_keys() {
        for name in [
            "",
            "Ethernet1",
            "Ethernet49/1",
            "et-0/0/10",
            "xe-0/0/1:2",
            "ge-0/0/0.100",
            "1/2/3/4/5",
            "lo0",
            "Gi1/0/1.2:3",
        ] {
            assert_eq!(interface_sort_key(name), reference_key(name), "{name}");
        }
        assert_eq!(interface_sort_key("Ethernet49/1"), "0049999999999999Ethernet000001............");
    }

    #[test]
    fn interfaces_sort_as_netbox_orders_them() {
        // Measured on NetBox 4.7.3: `device.interfaces.all()` of an Arista and a Juniper.
        let mut names = vec![
            "Management1",
            "Loopback0",
            "Ethernet10",
            "Ethernet2",
            "Ethernet1",
            "Ethernet50/1",
            "Ethernet49/1",
            "et-0/0/10",
            "et-0/0/9",
            "ae0",
            "lo0",
            "em0",
            "xe-0/0/1:2",
            "xe-0/0/1:10",
        ];
        names.sort_by_key(|n| interface_sort_key(n));
        assert_eq!(
            names,
            [
                "et-0/0/9",
                "et-0/0/10",
                "xe-0/0/1:2",
                "xe-0/0/1:10",
                "Ethernet49/1",
                "Ethernet50/1",
                "Ethernet1",
                "Ethernet2",
                "Ethernet10",
                "Loopback0",
                "Management1",
                "ae0",
                "em0",
                "lo0",
            ]
        );
    }

    #[test]
    fn addresses_sort_as_postgresql_orders_inet() {
        let mut v: Vec<ipnet::IpNet> =
            ["2001:db8::1/64", "10.0.0.2/31", "10.0.0.1/24", "9.9.9.9/32"].iter().map(|s| s.parse().unwrap()).collect();
        v.sort_by(inet_cmp);
        let got: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(got, ["9.9.9.9/32", "10.0.0.1/24", "10.0.0.2/31", "2001:db8::1/64"]);
    }
}
