"""Render the fleet's templates with Python's Jinja2 over the data sot's templates see.

Used by bench/jinja.sh (see docs/performance.md). Arguments: the templates directory, the
directory of per-device JSON documents (each {"template": NAME, "ctx": {...}}, exported by
sot itself), and sot's own configs directory to compare with. Only the rendering is timed
(CPU time of this process); loading the JSON is not.
"""

import json
import os
import sys
import time

import jinja2


def main() -> int:
    templates, exported, configs = sys.argv[1:4]
    # As sot renders by default (project.rs, RenderOptions: trim_blocks, lstrip_blocks,
    # keep_trailing_newline, strict undefined).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    jobs = []
    for name in sorted(os.listdir(exported)):
        with open(os.path.join(exported, name), encoding="utf-8") as f:
            doc = json.load(f)
        jobs.append((name, env.get_template(doc["template"] + ".j2"), doc["ctx"]))
    out = []
    cpu = time.process_time()
    wall = time.perf_counter()
    for name, template, ctx in jobs:
        out.append((name, template.render(**ctx)))
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    size = sum(len(text.encode()) for _, text in out)
    same = 0
    for name, text in out:
        with open(os.path.join(configs, name), encoding="utf-8") as f:
            same += f.read() == text
    print(f"jinja2 {jinja2.__version__}: {len(out)} configs, {size} bytes, cpu {cpu:.3f} s, wall {wall:.3f} s, "
          f"{size / 1e6 / cpu:.2f} MB/s per core, {same} of {len(out)} identical to sot's")
    return 0 if same == len(out) else 1


if __name__ == "__main__":
    sys.exit(main())
