//! `sot netbox push` against a fake NetBox: a tiny HTTP(S) server on 127.0.0.1
//! that answers like an empty NetBox unless a test's handler says otherwise.
//! These are the cases a real NetBox does not produce: redirects, certificates
//! from a private CA, error bodies that echo the token, a failure halfway
//! through, a list whose count never runs out.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One request the fake received.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    /// After `/api/`, query included (`dcim/sites/?limit=1000&offset=0`).
    path: String,
    authorization: Option<String>,
    body: String,
}

impl Req {
    fn endpoint(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }
}

struct Resp {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn json_resp(status: u16, body: Value) -> Resp {
    Resp { status, headers: vec![("Content-Type", "application/json".into())], body: body.to_string() }
}

/// A test's answers: `None` leaves the request to the empty NetBox.
type Handler = dyn Fn(&Req) -> Option<Resp> + Send + Sync;

struct Fake {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
    tls: bool,
}

impl Fake {
    fn url(&self) -> String {
        format!("{}://127.0.0.1:{}", if self.tls { "https" } else { "http" }, self.addr.port())
    }

    fn requests(&self) -> Vec<Req> {
        self.log.lock().expect("log").clone()
    }
}

/// Serve on a free port of 127.0.0.1 until the test process ends.
fn serve(handler: impl Fn(&Req) -> Option<Resp> + Send + Sync + 'static) -> Fake {
    start(Arc::new(handler), None)
}

fn serve_tls(handler: impl Fn(&Req) -> Option<Resp> + Send + Sync + 'static) -> Fake {
    start(Arc::new(handler), Some(tls_config()))
}

fn start(handler: Arc<Handler>, tls: Option<Arc<rustls::ServerConfig>>) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("address");
    let log = Arc::new(Mutex::new(Vec::new()));
    let ids = Arc::new(AtomicU64::new(100));
    let fake = Fake { addr, log: log.clone(), tls: tls.is_some() };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (handler, log, ids, tls) = (handler.clone(), log.clone(), ids.clone(), tls.clone());
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                match tls {
                    None => answer(stream, &*handler, &log, &ids),
                    Some(cfg) => {
                        let Ok(conn) = rustls::ServerConnection::new(cfg) else { return };
                        answer(rustls::StreamOwned::new(conn, stream), &*handler, &log, &ids)
                    }
                }
            });
        }
    });
    fake
}

/// Read one request from `stream`, answer it, close.
fn answer(stream: impl Read + Write, handler: &Handler, log: &Mutex<Vec<Req>>, ids: &AtomicU64) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return; // e.g. a TLS handshake the client gave up
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let (mut length, mut authorization) = (0usize, None);
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(v.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let req = Req {
        method,
        path: target.strip_prefix("/api/").unwrap_or(&target).to_string(),
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().expect("log").push(req.clone());
    let resp = handler(&req).unwrap_or_else(|| empty_netbox(&req, ids));
    let mut stream = reader.into_inner();
    let mut head =
        format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n", resp.status, resp.body.len());
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(resp.body.as_bytes());
    let _ = stream.flush();
}

/// An empty NetBox 4.7 without owners: lists are empty, whatever is posted is
/// created with a fresh id.
fn empty_netbox(req: &Req, ids: &AtomicU64) -> Resp {
    match (req.method.as_str(), req.endpoint()) {
        ("GET", "status/") => json_resp(200, json!({"netbox-version": "4.7.3"})),
        ("GET", e) if e.starts_with("users/") => json_resp(404, json!({"detail": "Not found."})),
        ("GET", _) => json_resp(200, json!({"count": 0, "next": null, "previous": null, "results": []})),
        ("POST", _) => {
            let with_id = |mut o: Value| {
                o["id"] = json!(ids.fetch_add(1, Ordering::SeqCst));
                o
            };
            match serde_json::from_str::<Value>(&req.body) {
                Ok(Value::Array(a)) => json_resp(201, Value::Array(a.into_iter().map(with_id).collect())),
                Ok(o) => json_resp(201, with_id(o)),
                Err(_) => json_resp(400, json!({"detail": "not JSON"})),
            }
        }
        ("PATCH", _) => json_resp(200, json!([])),
        _ => Resp { status: 204, headers: Vec::new(), body: String::new() },
    }
}

fn tls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(tls_dir().join("server.pem"))
        .expect("server.pem")
        .collect::<Result<_, _>>()
        .expect("server.pem parses");
    let key = PrivateKeyDer::from_pem_file(tls_dir().join("server.key")).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("certificate and key match");
    Arc::new(cfg)
}

/// A small inventory: the `sot-managed` tag and three sites.
fn repo() -> common::Fixture {
    common::materialise_str(
        "--- sot.yaml\n\
         --- inventory/sites.yaml\n\
         sites:\n  - {name: London, slug: lon}\n  - {name: Paris, slug: par}\n  - {name: Rome, slug: rom}\n",
    )
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

fn sot(dir: &Path, url: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sot"));
    cmd.args(["netbox", "push", "--color", "never", "-C"])
        .arg(dir)
        .args(["--url", url, "--retries", "0", "--timeout", "20"])
        .args(extra)
        .env("NETBOX_TOKEN", TOKEN)
        .env_remove("NETBOX_URL")
        .env_remove("NETBOX_CA_CERT")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("sot runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {}\nstderr {}", text(&out.stdout), text(&out.stderr)))
}

#[test]
fn the_fake_netbox_takes_a_whole_push() {
    let fake = serve(|_| None);
    let dir = repo();
    let out = sot(dir.root(), &fake.url(), &["--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan = json_of(&out);
    assert_eq!(plan["failed"], json!(false));
    assert_eq!(plan["summary"]["create"], json!(4), "{plan}");
    assert!(fake.requests().iter().all(|r| r.authorization.as_deref() == Some(&*format!("Token {TOKEN}"))));
    // The loopback address is no clear-text risk: no warning.
    assert!(!text(&out.stderr).contains("clear text"), "{}", text(&out.stderr));
}

// 1. Redirects.

#[test]
fn a_redirect_is_refused_for_every_method_and_names_where_it_pointed() {
    let elsewhere = serve(|_| None);
    let target = format!("{}/api/elsewhere/", elsewhere.url());
    for (method, endpoint) in [("GET", "status/"), ("GET", "dcim/sites/"), ("POST", "dcim/sites/")] {
        let location = target.clone();
        let fake = serve(move |r| {
            (r.method == method && r.endpoint() == endpoint).then(|| Resp {
                status: 302,
                headers: vec![("Location", location.clone())],
                body: String::new(),
            })
        });
        let dir = repo();
        let out = sot(dir.root(), &fake.url(), &[], &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{method} {endpoint}: {stderr}");
        assert!(stderr.contains(&format!("{method} {endpoint}")), "{stderr}");
        assert!(stderr.contains("HTTP 302, a redirect to"), "{stderr}");
        assert!(stderr.contains(&target), "{stderr}");
        assert!(!text(&out.stdout).contains("create dcim.site"), "{}", text(&out.stdout));
    }
    // PATCH and DELETE, through a NetBox that has one stale managed site (update + prune).
    for method in ["PATCH", "DELETE"] {
        let location = target.clone();
        let fake = serve(move |r| {
            if r.method == method {
                return Some(Resp { status: 307, headers: vec![("Location", location.clone())], body: String::new() });
            }
            (r.method == "GET" && r.endpoint() == "dcim/sites/").then(|| {
                let tag = json!([{"id": 1, "slug": "sot-managed"}]);
                json_resp(
                    200,
                    json!({"count": 2, "results": [
                        {"id": 7, "name": "London", "slug": "lon", "description": "old", "tags": tag},
                        {"id": 8, "name": "Gone", "slug": "gone", "tags": tag}]}),
                )
            })
        });
        let dir = repo();
        let out = sot(dir.root(), &fake.url(), &["--prune"], &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{method}: {stderr}");
        assert!(stderr.contains(&format!("{method} dcim/sites/")), "{stderr}");
        assert!(stderr.contains(&format!("HTTP 307, a redirect to {target}")), "{stderr}");
    }
    assert!(elsewhere.requests().is_empty(), "a redirect was followed: {:?}", elsewhere.requests());
}

// 2. TLS trust.

#[test]
fn https_trusts_the_ca_given_by_ca_cert_or_ssl_cert_file_and_says_why_it_refuses_otherwise() {
    let fake = serve_tls(|_| None);
    let ca = tls_dir().join("ca.pem");
    let ca = ca.to_str().expect("UTF-8 path");
    let dir = repo();

    let out = sot(dir.root(), &fake.url(), &["--ca-cert", ca], &[]);
    assert_eq!(out.status.code(), Some(0), "--ca-cert: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("4 created"), "{}", text(&out.stdout));

    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[("NETBOX_CA_CERT", ca)]);
    assert_eq!(out.status.code(), Some(0), "NETBOX_CA_CERT: {}", text(&out.stderr));

    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[("SSL_CERT_FILE", ca)]);
    assert_eq!(out.status.code(), Some(0), "SSL_CERT_FILE: {}", text(&out.stderr));

    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[("SSL_CERT_DIR", tls_dir().to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0), "SSL_CERT_DIR: {}", text(&out.stderr));

    // Without it, the system's store does not know the test CA.
    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GET status/"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains("--ca-cert"), "{stderr}");
}

#[test]
fn a_missing_or_broken_ca_cert_is_a_clear_error_before_anything_is_sent() {
    let fake = serve(|_| None);
    let dir = repo();
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("missing.pem");
    let not_pem = tmp.path().join("not.pem");
    std::fs::write(&not_pem, "hello, I am not a certificate\n").expect("write");
    let broken = tmp.path().join("broken.pem");
    std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").expect("write");
    let key_only = tls_dir().join("server.key");
    for (path, says) in [
        (&missing, "cannot be read"),
        (&not_pem, "holds no PEM certificate"),
        (&broken, "not a valid PEM file"),
        (&key_only, "holds no PEM certificate"),
    ] {
        let out = sot(dir.root(), &fake.url(), &["--ca-cert", path.to_str().unwrap()], &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(stderr.starts_with(&format!("error: --ca-cert {}: {says}", path.display())), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // So is an SSL_CERT_FILE that cannot be read, for HTTPS.
    let out = sot(dir.root(), "https://127.0.0.1:9", &[], &[("SSL_CERT_FILE", missing.to_str().unwrap())]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("trust store (set by SSL_CERT_FILE) could not be read"), "{stderr}");
    assert!(stderr.contains(missing.to_str().unwrap()), "{stderr}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn plain_http_beyond_this_machine_warns_that_the_token_travels_in_clear() {
    // An inventory with errors is never pushed: the warning is all that concerns
    // the URL, and no request leaves this machine.
    let dir = common::materialise_str("--- sot.yaml\n--- inventory/a.yaml\nsites:\n  - name: A\n    region: nowhere\n");
    let out = sot(dir.root(), "http://user:secretpw@netbox.example.com:8000", &[], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "warning: http://***@netbox.example.com:8000 is plain http to netbox.example.com: the token travels in clear text"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("secretpw"), "{stderr}");
}

// 3. Secrets never printed.

#[test]
fn a_token_echoed_by_netbox_and_credentials_in_the_url_are_never_printed() {
    let fake = serve(|r| {
        (r.method == "POST" && r.endpoint() == "dcim/sites/").then(|| {
            let auth = r.authorization.clone().unwrap_or_default();
            let bare = auth.split_whitespace().last().unwrap_or_default().to_string();
            json_resp(
                400,
                json!({"name": [format!("refused for {auth} (token {bare})")],
                                  format!("{bare}"): ["the key is the token"]}),
            )
        })
    });
    let dir = repo();
    let url = format!("http://admin:hunter22@{}", fake.url().trim_start_matches("http://"));
    for format in ["text", "json"] {
        let out = sot(dir.root(), &url, &["--format", format], &[]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        for secret in [TOKEN, "hunter22", "admin:"] {
            assert!(!stdout.contains(secret) && !stderr.contains(secret), "{secret} printed:\n{stdout}\n{stderr}");
        }
        assert!(stderr.contains("refused for Token ***"), "{stderr}");
        let shown = format!("http://***@{}", fake.url().trim_start_matches("http://"));
        assert!(stdout.contains(&shown), "{stdout}");
        if format == "json" {
            assert_eq!(json_of(&out)["url"], json!(shown));
        }
    }
    // The credentials are not sent as the authorization either: the token is.
    assert!(fake.requests().iter().all(|r| r.authorization.as_deref() == Some(&*format!("Token {TOKEN}"))));
}

// 4. A push that fails halfway.

#[test]
fn a_push_that_fails_halfway_says_what_it_had_done() {
    // Sites are created one request at a time (--batch 1); the second POST finds NetBox gone.
    let posts = Arc::new(AtomicU64::new(0));
    let seen = posts.clone();
    let fake = serve(move |r| {
        (r.method == "POST" && r.endpoint() == "dcim/sites/" && seen.fetch_add(1, Ordering::SeqCst) == 1)
            .then(|| json_resp(403, json!({"detail": "You do not have permission to perform this action."})))
    });
    let dir = repo();
    let out = sot(dir.root(), &fake.url(), &["--batch", "1"], &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stdout.contains("create extras.tag sot-managed"), "{stdout}");
    assert!(stdout.contains("create dcim.site lon"), "{stdout}");
    assert!(!stdout.contains("dcim.site par") && !stdout.contains("dcim.site rom"), "{stdout}");
    assert!(stdout.contains("the push stopped on an error; before it: 2 created, 0 updated, 0 deleted"), "{stdout}");
    assert!(stdout.contains("    extras.tag: 1 created\n    dcim.site: 1 created\n"), "{stdout}");
    assert!(stderr.contains("error: NetBox refused POST dcim/sites/: HTTP 403"), "{stderr}");
    assert!(stderr.contains("the 2 changes listed above were made before this error"), "{stderr}");

    posts.store(0, Ordering::SeqCst);
    let out = sot(dir.root(), &fake.url(), &["--batch", "1", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let plan = json_of(&out);
    assert_eq!(plan["failed"], json!(true));
    assert!(plan["error"].as_str().unwrap_or_default().contains("HTTP 403"), "{plan}");
    assert_eq!(plan["summary"]["create"], json!(2), "{plan}");
    assert_eq!(
        plan["by_model"],
        json!({"extras.tag": {"create": 1, "update": 0, "delete": 0},
                                        "dcim.site": {"create": 1, "update": 0, "delete": 0}})
    );
    let keys: Vec<&str> = plan["changes"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["sot-managed", "lon"]);
}

// 5. Paging.

#[test]
fn a_list_whose_count_never_runs_out_is_an_error_not_a_loop() {
    // Every page is full and claims a thousand more objects (up to fifty pages, so
    // that a client which believes it still ends).
    let fake = serve(|r| {
        (r.method == "GET" && r.endpoint() == "extras/tags/").then(|| {
            let offset: u64 = r
                .path
                .split(['?', '&'])
                .find_map(|kv| kv.strip_prefix("offset="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let n = if offset < 50_000 { 1000 } else { 0 };
            let results: Vec<Value> =
                (offset..offset + n).map(|i| json!({"id": i + 1, "slug": format!("t{i}")})).collect();
            json_resp(200, json!({"count": offset + 2000, "results": results}))
        })
    });
    let dir = repo();
    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GET extras/tags/: NetBox first reported 2000 objects, sent 2000, and now reports 3000"));
    let pages = fake.requests().iter().filter(|r| r.endpoint() == "extras/tags/").count();
    assert_eq!(pages, 2);
}

#[test]
fn a_list_that_sends_pages_beyond_its_first_count_is_cut_off() {
    // A count of two thousand, then pages of one object each (for a while).
    let fake = serve(|r| {
        (r.method == "GET" && r.endpoint() == "extras/tags/").then(|| {
            let offset: u64 = r
                .path
                .split(['?', '&'])
                .find_map(|kv| kv.strip_prefix("offset="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let n = match offset {
                0 => 1000,
                o if o < 1100 => 1,
                _ => 0,
            };
            let results: Vec<Value> =
                (offset..offset + n).map(|i| json!({"id": i + 1, "slug": format!("t{i}")})).collect();
            json_resp(200, json!({"count": 2000, "results": results}))
        })
    });
    let dir = repo();
    let out = sot(dir.root(), &fake.url(), &["--dry-run"], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GET extras/tags/: NetBox kept sending pages: after 3 pages"), "{stderr}");
}
