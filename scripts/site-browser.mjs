// The browser test of `sot site`: headless Chromium (the system's, driven by puppeteer-core
// from the npm registry) opens the generated site of the example inventory from file://,
// follows every link (a link must lead to a page of the site that exists, and an anchor to an
// element on it), fails on any console error, failed load or request leaving the site, runs a
// search, zooms a drawing, takes screenshots of a rack elevation, the topology and a device
// page, and runs axe-core's accessibility rules (WCAG 2 A and AA: landmarks, names and alt
// text, contrast) on the main kinds of page. As .ci/run does:
//
//   npm install --prefix DIR puppeteer-core@25.16.0 axe-core@4.14.1
//   sot site --out SITE
//   NODE_PATH=DIR/node_modules node scripts/site-browser.mjs SITE ARTIFACTS
//
// CHROMIUM names the browser (default: chromium, chromium-browser or google-chrome on PATH).
// Exit status 1 when anything is found; the screenshots are written to ARTIFACTS either way.

import { createRequire } from "node:module";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const require = createRequire(resolve(process.env.NODE_PATH ?? ".", "x.js"));
const puppeteer = require("puppeteer-core");
const axePath = require.resolve("axe-core/axe.min.js");

const [siteArg, outArg] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error("usage: node scripts/site-browser.mjs SITE_DIR ARTIFACT_DIR");
  process.exit(2);
}
const site = resolve(siteArg);
const out = resolve(outArg);
mkdirSync(out, { recursive: true });
const started = Date.now();

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`]).toString().trim();
    } catch {}
  }
  console.error("!! no Chromium found (install the `chromium` package, or set CHROMIUM)");
  process.exit(2);
}

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);
const siteUrl = pathToFileURL(site + "/").href;
const rel = (url) => url.startsWith(siteUrl) ? url.slice(siteUrl.length) : url;

const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  let current = "";
  page.on("console", (m) => { if (m.type() === "error") problem(current, `console error: ${m.text()}`); });
  page.on("pageerror", (e) => problem(current, `script error: ${e.message}`));
  page.on("requestfailed", (r) => problem(current, `failed to load ${rel(r.url())}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(siteUrl) && !u.startsWith("data:")) problem(current, `a request leaves the site: ${u}`);
  });

  // 1. Every page reachable from the index, every link and anchor on them.
  const seen = new Set(["index.html"]);
  const queue = ["index.html"];
  const ids = new Map(); // page -> Set of element ids
  const anchors = []; // [from, page, fragment]
  while (queue.length) {
    const path = queue.shift();
    current = path;
    const resp = await page.goto(siteUrl + path, { waitUntil: "load" });
    if (!resp) problem(path, "did not load");
    const { links, pageIds } = await page.evaluate(() => ({
      // SVG links too (their `href` is not a string: resolve the attribute).
      links: [...document.querySelectorAll("a[href]")].map((a) => new URL(a.getAttribute("href"), document.baseURI).href),
      pageIds: [...document.querySelectorAll("[id]")].map((e) => e.id),
    }));
    ids.set(path, new Set(pageIds));
    for (const href of links) {
      if (!href.startsWith(siteUrl)) {
        problem(path, `a link leaves the site: ${href}`);
        continue;
      }
      const u = new URL(href);
      const target = decodeURIComponent(u.pathname).slice(fileURLToPath(siteUrl).length);
      const file = join(site, target);
      if (!existsSync(file) || statSync(file).isDirectory()) {
        problem(path, `broken link: ${rel(href)}`);
        continue;
      }
      if (u.hash) anchors.push([path, target, decodeURIComponent(u.hash.slice(1))]);
      if (target.endsWith(".html") && !seen.has(target) && !u.search) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  for (const [from, target, id] of anchors) {
    const known = ids.get(target);
    if (known && !known.has(id)) problem(from, `anchor #${id} is not on ${target}`);
  }
  console.log(`followed the links of ${seen.size} pages (${anchors.length} links with anchors)`);
  if (seen.size < 50) problem("index.html", `only ${seen.size} pages reachable`);

  // 2. Search: a device by name and a device by address.
  for (const [q, expect] of [["lon1-spine1", "devices/lon1-spine1.html"], ["10.1.255.11", "devices/lon1-leaf1.html"]]) {
    current = `search.html?q=${q}`;
    await page.goto(siteUrl + current, { waitUntil: "load" });
    const hits = await page.$$eval("#results a", (as) => as.map((a) => a.href));
    if (!hits.some((h) => h.endsWith(expect))) problem(current, `no result links to ${expect} (${hits.length} results)`);
  }
  // Typing in the box narrows the results as one types.
  await page.goto(siteUrl + "search.html", { waitUntil: "load" });
  await page.type("#q", "ams1 leaf");
  const typed = await page.$$eval("#results a", (as) => as.map((a) => a.textContent));
  // The four leaves first, then their addresses (found by the device they are on).
  const leaves = typed.slice(0, 4).join(",");
  if (leaves !== "ams1-leaf1,ams1-leaf2,ams1-leaf3,ams1-leaf4" || typed.some((t) => t.startsWith("lon1")))
    problem("search.html", `typing "ams1 leaf" found ${JSON.stringify(typed)}`);
  else console.log(`search: "ams1 leaf" finds the 4 Amsterdam leaves first (${typed.length} results)`);

  // 3. Zoom on the topology, and the screenshots.
  current = "topology.html";
  await page.goto(siteUrl + current, { waitUntil: "load" });
  const before = await page.$eval(".diagram svg", (s) => Number(s.getAttribute("width")));
  await page.click(".zoom button[aria-label='Zoom in']");
  const after = await page.$eval(".diagram svg", (s) => Number(s.getAttribute("width")));
  if (!(after > before)) problem(current, `zoom in did not enlarge the drawing (${before} -> ${after})`);
  await page.setViewport({ width: 1600, height: 900 });
  await page.click(".zoom button[aria-label='Fit to width']");
  await (await page.$(".diagram")).screenshot({ path: join(out, "topology.png") });

  current = "racks/london-dc1-r1.html";
  await page.goto(siteUrl + current, { waitUntil: "load" });
  await page.setViewport({ width: 1280, height: 900 });
  const rack = await page.$(".elevations");
  if (!rack) problem(current, "no elevations");
  else await rack.screenshot({ path: join(out, "rack.png") });

  current = "devices/lon1-spine1.html";
  await page.goto(siteUrl + current, { waitUntil: "load" });
  await page.screenshot({ path: join(out, "device.png") });
  console.log(`screenshots: ${["topology.png", "rack.png", "device.png"].map((f) => join(out, f)).join(", ")}`);

  // Without JavaScript a page shows all it holds (only search and zoom need the script).
  await page.setJavaScriptEnabled(false);
  current = "devices/lon1-leaf1.html (no JavaScript)";
  await page.goto(siteUrl + "devices/lon1-leaf1.html", { waitUntil: "load" });
  const text = await page.$eval("main", (m) => m.textContent);
  for (const want of ["Interfaces", "Config context", "Rendered configuration", "lon1-spine1"])
    if (!text.includes(want)) problem(current, `"${want}" is not shown`);
  await page.setJavaScriptEnabled(true);

  // 4. Accessibility: axe-core's WCAG 2 A/AA rules and its best practices for landmarks.
  const audited = ["index.html", "search.html?q=leaf", "sites/london-dc1.html", "racks/london-dc1-r1.html", "devices/lon1-spine1.html", "topology.html", "prefixes.html", "diagnostics.html"];
  for (const path of audited) {
    current = path;
    await page.goto(siteUrl + path, { waitUntil: "load" });
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      // No preload: axe would fetch the style sheets itself, which file:// refuses.
      await axe.run(document, { preload: false, runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] } }),
    );
    if (result.passes.length < 10) problem(path, `accessibility: axe-core checked only ${result.passes.length} rules`);
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
      problem(path, `accessibility: ${v.id} (${v.impact}): ${v.help} [${v.nodes.length} elements: ${where}]`);
    }
  }
  console.log(`accessibility: ${audited.length} pages audited`);
} finally {
  await browser.close();
}

const secs = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`!! ${problems.length} problems in the site (${secs} s)`);
  process.exit(1);
}
console.log(`site: no broken link, no console error, search and zoom work, accessible (${secs} s)`);
