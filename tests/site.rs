//! `sot site`: the pages it writes for the example and for small repositories, the links
//! between them, the output rules it shares with `sot build`, and the change view.
//! (The browser test, `scripts/site-browser.mjs`, opens the example's site in Chromium.)

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sot(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_sot")).args(args).current_dir(dir).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Every file of a directory, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        out.insert(rel, std::fs::read(e.path()).unwrap());
    }
    out
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `href` and `src` values of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_example_site_links_only_to_its_own_pages_and_is_written_the_same_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let (code, stdout, stderr) = sot(&example(), &["site", "--out", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.starts_with("wrote ") && stdout.contains(" pages "), "{stdout}");
    }
    let site = files(&a);
    assert_eq!(site, files(&b), "two runs on the same input write the same bytes");
    for page in [
        "index.html",
        "search.html",
        "topology.html",
        "devices/lon1-spine1.html",
        "racks/london-dc1-r1.html",
        "sites/london-dc1.html",
        "style.css",
        "site.js",
        "search-index.js",
        ".sot-build",
    ] {
        assert!(site.contains_key(page), "{page} missing: {:?}", site.keys().take(20).collect::<Vec<_>>());
    }
    // One page per device, rack and site of the example.
    assert_eq!(site.keys().filter(|k| k.starts_with("devices/")).count(), 14);
    assert_eq!(site.keys().filter(|k| k.starts_with("racks/")).count(), 4);
    let mut checked = 0;
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        let base = Path::new(path).parent().unwrap();
        for l in links(&html) {
            assert!(!l.contains("://") && !l.starts_with("//"), "{path}: a link leaves the site: {l}");
            if l.starts_with('#') || l.starts_with("data:") {
                continue;
            }
            let target = l.split(['#', '?']).next().unwrap();
            let mut p = base.to_path_buf();
            for part in target.split('/') {
                match part {
                    ".." => assert!(p.pop(), "{path}: {l} climbs out of the site"),
                    x => p.push(x),
                }
            }
            let p = p.to_string_lossy().replace('\\', "/");
            assert!(site.contains_key(&p), "{path}: broken link {l}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn a_device_page_shows_its_cabling_its_context_with_provenance_and_its_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(sot(&example(), &["site", "--out", out.to_str().unwrap()]).0, 0);
    let page = read(&out, "devices/lon1-spine1.html");
    // The cable peer, linked to its interface on the peer's page.
    assert!(page.contains("href=\"../devices/lon1-leaf1.html#if-"), "no link to the cable peer");
    // The merged context: each value with the context that set it and the source line.
    assert!(page.contains("Each value, the context that set it, and those it overrode"));
    assert!(page.contains("href=\"../config-contexts/"), "no link to a context");
    assert!(page.contains("href=\"../source/inventory-contexts-"), "no link to a context's source line");
    // Its configuration as rendered, and its own source line.
    assert!(page.contains("<pre class=\"config\">") && page.contains("lon1-spine1"));
    assert!(page.contains("inventory/london-dc1.yaml:40"));
    let source = std::fs::read_dir(out.join("source"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("inventory-london-dc1-yaml"))
        .unwrap();
    assert!(
        read(&out, &format!("source/{source}"))
            .contains("<span id=\"L40\" class=\"line\">  - name: lon1-spine1</span>")
    );
    // The rack elevation places it at U38, the topology draws spines above leaves.
    let rack = read(&out, "racks/london-dc1-r1.html");
    assert!(rack.contains("lon1-spine1 · spine · U38"), "no spine at U38 on the elevation");
    let topo = read(&out, "sites/london-dc1.html");
    let y = |name: &str| -> f64 {
        let at = topo.find(&format!(">{name}</text>")).unwrap();
        let rect = topo[..at].rfind("<rect ").unwrap();
        let ys = topo[rect..].find(" y=\"").unwrap() + rect + 4;
        topo[ys..ys + topo[ys..].find('"').unwrap()].parse().unwrap()
    };
    assert!(y("lon1-spine1") < y("lon1-leaf1"), "the spine is drawn above the leaf");
}

const BASE: &str = "--- sot.yaml
--- inventory/dcim.yaml
sites: [{name: lon1}, {name: ams1}]
racks: [{name: R1, site: lon1, u_height: 10}]
manufacturers: [{name: M}]
device_types:
  - {manufacturer: M, model: T, slug: t, u_height: 2, is_full_depth: true, interfaces: [{name: e1, type: 10gbase-x-sfpp}, {name: e2, type: 10gbase-x-sfpp}]}
device_roles: [{name: Spine, color: 3f51b5}, {name: Leaf, color: 009688}]
devices:
  - {name: lon1-s1, site: lon1, role: spine, device_type: t, rack: R1, position: 8, face: front}
  - {name: lon1-l1, site: lon1, role: leaf, device_type: t, rack: R1, position: 1, face: front, serial: A1}
  - {name: lon1-l2, site: lon1, role: leaf, device_type: t, rack: R1, position: 3, face: rear}
  - {name: ams1-l1, site: ams1, role: leaf, device_type: t}
cables:
  - {a: \"lon1-s1:e1\", b: \"lon1-l1:e1\"}
";

fn repo() -> common::Fixture {
    let fx = common::materialise_str(BASE);
    git(fx.root(), &["init", "-q"]);
    git(fx.root(), &["add", "-A"]);
    git(fx.root(), &["commit", "-qm", "base"]);
    fx
}

#[test]
fn the_change_view_marks_added_changed_and_removed_objects_on_pages_and_drawings() {
    let fx = repo();
    let dcim = fx.root().join("inventory/dcim.yaml");
    let text = std::fs::read_to_string(&dcim).unwrap();
    let text = text
        .replace("serial: A1}", "serial: B2}")
        .replace("  - {name: lon1-l2, site: lon1, role: leaf, device_type: t, rack: R1, position: 3, face: rear}\n", "")
        .replace(
            "cables:\n",
            "  - {name: lon1-l3, site: lon1, role: leaf, device_type: t, rack: R1, position: 5, face: front}\ncables:\n  - {a: \"lon1-s1:e2\", b: \"lon1-l3:e1\"}\n",
        );
    std::fs::write(&dcim, text).unwrap();
    let out = fx.root().join("out");
    let (code, _, stderr) = sot(fx.root(), &["site", "--diff", "HEAD", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "the fixture checks clean: {stderr}");
    let changes = read(&out, "changes.html");
    for want in ["lon1-l3", "lon1-l2", "lon1-l1", "serial"] {
        assert!(changes.contains(want), "changes.html lacks {want}");
    }
    assert!(read(&out, "devices/lon1-l3.html").contains("<span class=\"badge added\">added</span>"));
    assert!(read(&out, "devices/lon1-l1.html").contains("<span class=\"badge changed\">changed</span>"));
    assert!(!out.join("devices/lon1-l2.html").exists(), "a removed device has no page");
    let rack = read(&out, "racks/lon1-r1.html");
    assert!(rack.contains("<g class=\"device added\"><title>lon1-l3"), "the new device is marked on the elevation");
    assert!(rack.contains("<g class=\"device changed\"><title>lon1-l1"));
    assert!(rack.contains("<g class=\"device removed\"><title>lon1-l2"), "the removed device is drawn where it was");
    let site = read(&out, "sites/lon1.html");
    assert!(site.contains("class=\"edge added\""), "the new cable is marked on the topology");
    // Without --diff, nothing is marked.
    let plain = fx.root().join("plain");
    assert_eq!(sot(fx.root(), &["site", "--out", plain.to_str().unwrap()]).0, 0);
    assert!(!read(&plain, "racks/lon1-r1.html").contains("added"));
    assert!(!plain.join("changes.html").exists());
}

#[test]
fn an_unknown_base_revision_is_refused_and_nothing_is_written() {
    let fx = repo();
    let out = fx.root().join("out");
    let (code, _, stderr) = sot(fx.root(), &["site", "--diff", "no-such-rev", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-rev"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_directory_sot_did_not_write_is_refused_and_left_alone() {
    let fx = repo();
    let out = fx.root().join("docs-of-mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (code, _, stderr) = sot(fx.root(), &["site", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("refusing to write the output"), "{stderr}");
    assert_eq!(files(&out).len(), 1, "the directory is untouched");
    // Inside the inventory's folders, too.
    let (code, _, stderr) = sot(fx.root(), &["site", "--out", "inventory/site"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!fx.root().join("inventory/site").exists());
    // The default is `site` in the repository, and a second run replaces the first.
    assert_eq!(sot(fx.root(), &["site"]).0, 0);
    assert_eq!(sot(fx.root(), &["site"]).0, 0);
    assert!(fx.root().join("site/index.html").exists());
}

#[test]
fn the_diagnostics_of_a_broken_inventory_are_listed_with_their_objects() {
    let fx = common::materialise_str(
        &BASE.replace("device_type: t, rack: R1, position: 8", "device_type: nope, rack: R1, position: 8"),
    );
    let out = fx.root().join("out");
    let (code, _, stderr) = sot(fx.root(), &["site", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "the site of a broken inventory is written: {stderr}");
    assert!(stderr.contains("errors"), "{stderr}");
    let diags = read(&out, "diagnostics.html");
    assert!(diags.contains("<code>E0202</code>"), "{diags}");
    // The unknown device type, and the cable to the device's interface that cannot exist.
    assert_eq!(diags.matches("<span class=\"sev error\">").count(), 2, "{diags}");
    assert_eq!(diags.matches("href=\"devices/lon1-s1.html\"").count(), 1, "a cable has no page: {diags}");
    assert!(diags.contains("href=\"devices/lon1-s1.html\""), "the finding links to the device's page");
    assert!(diags.contains("inventory/dcim.yaml:8"), "and to its source line");
    assert!(read(&out, "devices/lon1-s1.html").contains("<h2 id=\"diags\">Diagnostics</h2>"));
}
