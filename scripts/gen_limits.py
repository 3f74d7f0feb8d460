#!/usr/bin/env python3
"""Write src/model/limits.rs: the length, bound and pattern limits of every field NetBox
accepts on a write, read from its OpenAPI schema.

Usage: python3 scripts/gen_limits.py tests/fixtures/netbox/openapi.json.gz > src/model/limits.rs
(`model/mod.rs` keeps rustfmt off the generated file.)
A test (tests/limits.rs) checks the generated table against the vendored schema
(scripts/refresh-openapi.py refreshes it from a running NetBox).

Every model with a list endpoint that takes POST is listed, by NetBox's object type name
(`dcim.site`), from the request schema of that POST. Left out, because another check
owns them: the `slug` pattern (E0106 `invalid-slug` checks slugs, with a fix).
"""
import gzip
import json
import re
import sys

# Request schemas whose class name is not the model's.
MODEL_OF_SCHEMA = {
    "DeviceWithConfigContext": "device",
    "VirtualMachineWithConfigContext": "virtualmachine",
}
SKIP_PATTERN = {"slug"}
# (model, field): bounds another check owns, with its own message.
CHECKED_ELSEWHERE = {
    ("ipam.vlan", "vid"): "E0320 vlan-range",
    ("ipam.vlangroup", "min_vid"): "E0320 vlan-range",
    ("ipam.vlangroup", "max_vid"): "E0320 vlan-range",
}


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(v):
    f = float(v)
    return repr(f) if f != int(f) else f"{int(f)}.0"


def main():
    path = sys.argv[1]
    spec = json.load(gzip.open(path, "rt") if path.endswith(".gz") else open(path))
    version = spec["info"]["version"].split(" ")[0]
    schemas = spec["components"]["schemas"]
    models = {}
    for url, ops in spec["paths"].items():
        m = re.fullmatch(r"/api/([a-z-]+)/([a-z0-9-]+)/", url)
        if not m or "post" not in ops:
            continue
        body = ops["post"].get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        ref = body.get("$ref") or body.get("items", {}).get("$ref")
        if not ref and "oneOf" in body:
            ref = next((o["$ref"] for o in body["oneOf"] if "$ref" in o), None)
        if not ref:
            continue
        schema = ref.rsplit("/", 1)[1]
        name = schema.removeprefix("Writable").removesuffix("Request")
        model = MODEL_OF_SCHEMA.get(name, name.lower())
        app = m.group(1).replace("-", "_")
        model = f"{app}.{model}"
        fields = []
        for prop, v in sorted(schemas[schema].get("properties", {}).items()):
            lim = {k: v[k] for k in ("minLength", "maxLength", "minimum", "maximum", "pattern") if k in v}
            if prop in SKIP_PATTERN:
                lim.pop("pattern", None)
            if v.get("type") == "integer" and v.get("format") == "int64":
                # The whole i64 range: nothing a YAML integer can exceed.
                lim.pop("minimum", None) if lim.get("minimum", 0) <= -(2**63) else None
                lim.pop("maximum", None) if lim.get("maximum", 0) >= 2**63 - 1 else None
            if (model, prop) in CHECKED_ELSEWHERE:
                for k in ("minimum", "maximum"):
                    lim.pop(k, None)
            if lim:
                fields.append((prop, lim))
        if fields:
            models[model] = (schema, fields)

    out = []
    w = out.append
    w(f"//! NetBox {version}'s limits on the fields it accepts, generated from its OpenAPI schema by")
    w("//! scripts/gen_limits.py. Do not edit by hand; tests/limits.rs checks this table against the schema.")
    w("")
    w("use super::limit::{Field, Model};")
    w("")
    w(f"/// The NetBox version whose schema this table was generated from.")
    w(f"pub const NETBOX_VERSION: &str = {rust_str(version)};")
    w("")
    w("/// (model, field, the check that owns its bounds): left out of [`MODELS`].")
    w("pub const CHECKED_ELSEWHERE: &[(&str, &str, &str)] = &[")
    for (model, prop), code in sorted(CHECKED_ELSEWHERE.items()):
        w(f"    ({rust_str(model)}, {rust_str(prop)}, {rust_str(code)}),")
    w("];")
    w("")
    w("/// Every model with limits, sorted by name.")
    w("pub static MODELS: &[Model] = &[")
    for model in sorted(models):
        schema, fields = models[model]
        shortest = min((l["maxLength"] for _, l in fields if "maxLength" in l), default=2**32 - 1)
        w("    Model {")
        w(f"        name: {rust_str(model)},")
        w(f"        schema: {rust_str(schema)},")
        w(f"        shortest: {shortest},")
        w(f"        patterned: {'true' if any('pattern' in l for _, l in fields) else 'false'},")
        w("        fields: &[")
        for prop, l in fields:
            parts = [f"name: {rust_str(prop)}"]
            parts.append(f"min_length: {l['minLength'] if 'minLength' in l else 0}")
            parts.append(f"max_length: {l['maxLength'] if 'maxLength' in l else 2**32 - 1}")
            parts.append(f"minimum: {num(l['minimum']) if 'minimum' in l else 'f64::NEG_INFINITY'}")
            parts.append(f"maximum: {num(l['maximum']) if 'maximum' in l else 'f64::INFINITY'}")
            parts.append(f"pattern: {('Some(' + rust_str(l['pattern']) + ')') if 'pattern' in l else 'None'}")
            w("            Field { " + ", ".join(parts) + " },")
        w("        ],")
        w("    },")
    w("];")
    print("\n".join(out))


main()
