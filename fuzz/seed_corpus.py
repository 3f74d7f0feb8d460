#!/usr/bin/env python3
"""Write the seed corpora fuzz/corpus/{yaml,inventory,rules}/ from the repository's
own example inventory and test fixtures. Run from anywhere; it replaces the three
directories. Then, optionally, minimise each with `cargo fuzz cmin <target>`.

Seeds:
  yaml       every YAML file of the example, the device-type fixtures, and every
             YAML section of tests/fixtures/codes and tests/fixtures/broken;
  inventory  every fixture of tests/fixtures/codes (its own `--- path` layout,
             `\\xNN` escapes turned into bytes), every tests/fixtures/broken
             repository in that layout, and the example itself (minus one site);
  rules      a flag byte, then `assert \\0 where \\0 message \\0 template \\0 partial`:
             the rules and templates of the example and the fixtures.
"""
import hashlib
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")

# Seeds above this size are skipped: big inputs slow every mutation down.
MAX_SEED = 64 * 1024


def unescape(text):
    return re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), text)


def fixture_sections(path):
    """(path, bytes) sections of a tests/fixtures/codes file."""
    out, cur = [], None
    with open(path, "rb") as f:
        for line in f.read().splitlines(keepends=True):
            if line.startswith(b"--- "):
                if cur:
                    out.append(cur)
                header = line[4:].strip().decode()
                if header.startswith("symlink "):
                    cur = None
                    continue
                raw = header.startswith("bytes ")
                cur = [header[6:] if raw else header, b"", raw]
            elif cur is not None:
                cur[1] += line
    if cur:
        out.append(cur)
    return [(p, unescape(b) if raw else b) for p, b, raw in out]


def repo_files(root, skip=()):
    files = []
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            full = os.path.join(dirpath, n)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if rel == "expect" or os.path.islink(full) or any(rel.startswith(s) for s in skip):
                continue
            with open(full, "rb") as f:
                files.append((rel, f.read()))
    return sorted(files)


def layout(files):
    return b"".join(b"--- " + p.encode() + b"\n" + (b if b.endswith(b"\n") or not b else b + b"\n") for p, b in files)


def write(target, data, name=None):
    if len(data) > MAX_SEED:
        return
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for t in ("yaml", "inventory", "rules"):
        shutil.rmtree(os.path.join(CORPUS, t), ignore_errors=True)

    codes = os.path.join(ROOT, "tests/fixtures/codes")
    broken = os.path.join(ROOT, "tests/fixtures/broken")
    example_dirs = ["sot.yaml", "inventory", "device-types", "templates", "schemas"]

    # yaml
    yaml_seen = set()
    def yaml_seed(data):
        if data not in yaml_seen:
            yaml_seen.add(data)
            write("yaml", data)
    for d in example_dirs + ["tests/fixtures/device-types", "tests/fixtures/article"]:
        p = os.path.join(ROOT, d)
        items = [(d, open(p, "rb").read())] if os.path.isfile(p) else repo_files(p)
        for rel, data in items:
            if rel.endswith((".yaml", ".yml")):
                yaml_seed(data)
    for n in sorted(os.listdir(codes)):
        for p, data in fixture_sections(os.path.join(codes, n)):
            if p.endswith((".yaml", ".yml")):
                yaml_seed(data)
    for n in sorted(os.listdir(broken)):
        if os.path.isdir(os.path.join(broken, n)):
            for p, data in repo_files(os.path.join(broken, n)):
                if p.endswith((".yaml", ".yml")):
                    yaml_seed(data)

    # inventory
    for n in sorted(os.listdir(codes)):
        write("inventory", layout(fixture_sections(os.path.join(codes, n))), "codes-" + n[:-4])
    for n in sorted(os.listdir(broken)):
        if os.path.isdir(os.path.join(broken, n)):
            write("inventory", layout(repo_files(os.path.join(broken, n))), "broken-" + n)
    example = []
    for d in example_dirs:
        p = os.path.join(ROOT, d)
        if os.path.isfile(p):
            example.append((d, open(p, "rb").read()))
        else:
            example += [(d + "/" + r, b) for r, b in repo_files(p)]
    write("inventory", layout([f for f in example if "amsterdam" not in f[0]]), "example-london")

    # rules: flags byte (bits 0-4 applies_to index, see fuzz_targets/rules.rs)
    applies = ["devices", "interfaces", "prefixes", "ip_addresses", "vlans", "vlan_groups", "vrfs", "circuits",
               "cables", "sites", "regions", "site_groups", "locations", "racks", "tenants", "device_roles",
               "platforms", "device_types", "manufacturers", "tags", "config_contexts", "widgets"]
    rules = []
    rule_re = re.compile(r"applies_to: (\w+)|where: (.*)|assert: (.*)|message: (.*)")
    sources = [os.path.join(ROOT, "inventory/rules.yaml")]
    sources += [os.path.join(codes, n) for n in sorted(os.listdir(codes)) if n.startswith(("E043",))]
    for n in sorted(os.listdir(broken)):
        p = os.path.join(broken, n, "inventory/rules.yaml")
        if os.path.exists(p):
            sources.append(p)
    for src in sources:
        cur = None
        for line in open(src, encoding="utf-8"):
            line = line.strip().lstrip("- ").strip()
            if line.startswith("name:"):
                if cur:
                    rules.append(cur)
                cur = {"applies_to": "devices", "where": "", "assert": "true", "message": ""}
                continue
            m = rule_re.match(line)
            if m and cur is not None:
                key = ["applies_to", "where", "assert", "message"][[i for i, g in enumerate(m.groups()) if g is not None][0]]
                val = next(g for g in m.groups() if g is not None).strip()
                if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
                    val = val[1:-1]
                cur[key] = val
        if cur:
            rules.append(cur)
    templates = []
    for p in sorted(os.listdir(os.path.join(ROOT, "templates"))):
        full = os.path.join(ROOT, "templates", p)
        if os.path.isfile(full):
            templates.append(open(full, "rb").read())
    for n in sorted(os.listdir(codes)):
        if n.startswith("E05"):
            templates += [b for p, b in fixture_sections(os.path.join(codes, n)) if p.startswith("templates/")]
    for n in sorted(os.listdir(broken)):
        p = os.path.join(broken, n, "templates/eos.j2")
        if n.startswith("template-") and os.path.exists(p):
            templates.append(open(p, "rb").read())
    templates.append(b"{% import 'partials/fuzz.j2' as p %}{{ p.label(device.site) }}\n"
                     b"{% for i in device.interfaces %}{{ i.name }} {{ i.ip_addresses | map(attribute='address') | join(',') }}"
                     b" {{ i.link_peer.device.name if i.link_peer else '' }}\n{% endfor %}"
                     b"{{ inventory.prefixes | length }} {{ device.primary_ip4.address.ip if device.primary_ip4 else '' }}"
                     b" {{ secret('env:TOKEN') }} {{ device.config_context | to_yaml }}\n")
    for i, r in enumerate(rules):
        flags = applies.index(r["applies_to"]) if r["applies_to"] in applies else 0
        body = "\0".join([r["assert"], r["where"], r["message"]]).encode()
        write("rules", bytes([flags | (0x80 if i % 2 else 0)]) + body, "rule-%02d" % i)
    for i, t in enumerate(templates):
        write("rules", bytes([0x20 if i % 2 else 0]) + b"true\0\0\0" + t, "template-%02d" % i)

    for t in ("yaml", "inventory", "rules"):
        d = os.path.join(CORPUS, t)
        files = os.listdir(d)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in files)
        print(f"{t}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
