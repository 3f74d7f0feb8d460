#!/usr/bin/env python3
"""Vendor a NetBox REST schema for the tests: minified, gzip-compressed, reproducible.

Usage:
  python3 scripts/refresh-openapi.py --url http://127.0.0.1:8000 --token TOKEN
  python3 scripts/refresh-openapi.py --file openapi.json

Fetches `/api/schema/?format=json` from a running NetBox (scripts/netbox-up.sh starts one
on 127.0.0.1) or reads a saved copy, and writes tests/fixtures/netbox/openapi.json.gz and
tests/fixtures/netbox/VERSION (the `info.version` NetBox reports). The tests read only
these files: nothing outside the repository. Afterwards rerun
`python3 scripts/gen_choices.py tests/fixtures/netbox/openapi.json.gz > src/model/choices.rs`.
"""
import argparse
import gzip
import io
import json
import os
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "netbox")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--token")
    ap.add_argument("--file")
    a = ap.parse_args()
    if a.file:
        with open(a.file, encoding="utf-8") as f:
            doc = json.load(f)
    elif a.url:
        req = urllib.request.Request(a.url.rstrip("/") + "/api/schema/?format=json")
        if a.token:
            kind = "Bearer" if a.token.startswith("nbt_") else "Token"
            req.add_header("Authorization", f"{kind} {a.token}")
        with urllib.request.urlopen(req) as r:
            doc = json.load(r)
    else:
        ap.error("give --url (a running NetBox) or --file")
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    buf = io.BytesIO()
    # mtime=0 and no file name: the same schema always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(text)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "openapi.json.gz"), "wb") as f:
        f.write(buf.getvalue())
    with open(os.path.join(OUT, "VERSION"), "w", encoding="utf-8") as f:
        f.write(doc["info"]["version"] + "\n")
    print(f"wrote openapi.json.gz ({len(buf.getvalue())} bytes), NetBox {doc['info']['version']}")


if __name__ == "__main__":
    main()
