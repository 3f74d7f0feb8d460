//! Required custom fields (without a default) set on every object of their object types.

use super::*;

/// Whether `cfs` sets field `f`.
pub(super) fn is_set(cfs: &[CustomValue], f: &Field<'_>) -> bool {
    cfs.iter().any(|v| v.name.value == f.def.name.value && !is_unset(&v.value))
}

/// Report `object`, at `span`, for leaving required field `f` unset.
pub(super) fn missing(out: &mut Vec<Diagnostic>, f: &Field<'_>, span: Span, object: String) {
    let name = &f.def.name.value;
    out.push(
        Diagnostic::new(
            Code::CustomFieldRequired,
            span,
            format!("{object} does not set the required custom field `{name}`"),
        )
        .label(format!("no `{name}`"))
        .related(f.def.name.span, "the field is defined here, required and without a default")
        .help(format!("set `custom_fields: {{{name}: ...}}`, or give the field a `default`")),
    );
}

/// Report objects that leave a required field without a default unset.
pub(super) fn required(inv: &Inventory, fields: Vec<&Field<'_>>, out: &mut Vec<Diagnostic>) {
    // The required fields of each kind of object, gathered once.
    let mut by: Vec<Vec<&Field<'_>>> = vec![Vec::new(); targets().len()];
    for f in fields {
        if f.def.required && f.def.default.as_ref().is_none_or(is_unset) {
            for (t, of) in by.iter_mut().enumerate() {
                if f.targets & bit(t) != 0 {
                    of.push(f);
                }
            }
        }
    }
    struct Required<'a, 'f> {
        inv: &'a Inventory,
        by: &'a [Vec<&'a Field<'f>>],
        out: &'a mut Vec<Diagnostic>,
    }
    impl KindVisitor for Required<'_, '_> {
        fn visit<K: crate::model::Kind>(&mut self) {
            if !K::INFO.custom_fields {
                return;
            }
            let required = &self.by[target(K::INFO)];
            if required.is_empty() {
                return;
            }
            for x in K::all(self.inv) {
                let cfs = x.custom_fields();
                for f in required.iter().filter(|f| !is_set(cfs, f)) {
                    missing(self.out, f, x.span(), x.label());
                }
            }
        }
    }
    each_kind(&mut Required { inv, by: &by, out: &mut *out });
    let iface = &by[target(&INTERFACE)];
    if !iface.is_empty() {
        for d in &inv.devices {
            // Interfaces only the device type defines carry no custom fields: one finding per
            // device and field, at the device, rather than one per interface in the type's file.
            let mut from_type: Vec<&str> = Vec::new();
            for i in &d.interfaces {
                if i.inline {
                    for f in iface.iter().filter(|f| !is_set(&i.custom_fields, f)) {
                        let what = format!("interface `{}` of device `{}`", i.name.value, d.name.value);
                        missing(out, f, i.name.span, what);
                    }
                } else {
                    from_type.push(&i.name.value);
                }
            }
            let (listed, verb, on) = match from_type.as_slice() {
                [one] => (format!("interface `{one}`"), "does", format!("interface `{one}`")),
                [a, b] => (format!("interfaces `{a}` and `{b}`"), "do", "2 interfaces".into()),
                [a, b, rest @ ..] => (
                    format!("interfaces `{a}`, `{b}` and {} more", rest.len()),
                    "do",
                    format!("{} interfaces", rest.len() + 2),
                ),
                [] => continue,
            };
            for f in iface {
                let name = &f.def.name.value;
                out.push(
                    Diagnostic::new(
                        Code::CustomFieldRequired,
                        d.name.span,
                        format!(
                            "{listed} of device `{}` (from its device type) {verb} not set the required custom field `{name}`",
                            d.name.value
                        ),
                    )
                    .label(format!("no `{name}` on {on}"))
                    .related(f.def.name.span, "the field is defined here, required and without a default")
                    .help(format!(
                        "list them under the device's `interfaces` with `custom_fields: {{{name}: ...}}`, or give the field a `default`"
                    )),
                );
            }
        }
    }
}
