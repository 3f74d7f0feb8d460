//! A small blocking NetBox REST client: token auth (both kinds), JSON bodies,
//! pagination, and bounded retries with backoff.
//!
//! It never follows a redirect (the token would go wherever the answer points,
//! and a POST would turn into a GET): a 3xx answer is an error naming where it
//! pointed. HTTPS trusts the certificate authorities it is given ([`Roots`]).
//! Whatever it reports has the token and the URL's credentials blanked out
//! ([`Redactor`]).

use std::sync::LazyLock;
use std::time::Duration;

use serde_json::Value;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// NetBox answered with an error status; `body` is its JSON (or text).
    #[error("NetBox refused {method} {path}: HTTP {status}: {}", short(body))]
    Status { method: &'static str, path: String, status: u16, body: Value },
    /// The answer was a redirect, which is never followed.
    #[error(
        "{method} {path}: the server answered HTTP {status}, a redirect to {}; sot does not follow \
         redirects (the token would go with it): give --url the address NetBox answers at",
        location.as_deref().unwrap_or("nowhere (no Location header)")
    )]
    Redirect { method: &'static str, path: String, status: u16, location: Option<String> },
    /// No usable answer (connection, timeout, not JSON), after retries.
    #[error("{method} {path}: {message}")]
    Transport { method: &'static str, path: String, message: String },
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    if s.chars().count() > 400 { format!("{}…", s.chars().take(400).collect::<String>()) } else { s }
}

/// The `Authorization` header for a token: `nbt_…` tokens (NetBox ≥ 4.5) are
/// Bearer tokens, 40-hex tokens are legacy `Token` ones; a value that already
/// names its scheme is used as given.
pub fn authorization(token: &str) -> String {
    let t = token.trim();
    if t.starts_with("Token ") || t.starts_with("Bearer ") {
        t.to_string()
    } else if t.starts_with("nbt_") {
        format!("Bearer {t}")
    } else {
        format!("Token {t}")
    }
}

/// Which certificate authorities an HTTPS NetBox's certificate may chain to.
#[derive(Debug, Clone)]
pub enum Roots {
    /// The Mozilla roots built into the binary.
    Bundled,
    /// These certificates, DER-encoded (the operating system's store, a `--ca-cert` file).
    Certs(Vec<Vec<u8>>),
}

/// The certificates of a PEM text, DER-encoded; an error when it holds none or
/// a broken one.
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c.der().to_vec()),
            Ok(_) => {}
            Err(e) => return Err(format!("not a valid PEM file: {e}")),
        }
    }
    if certs.is_empty() {
        return Err("holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".into());
    }
    Ok(certs)
}

/// `url` with its credentials (`user:pass@`) replaced by `***@`.
pub fn redact_url(url: &str) -> String {
    URL_USERINFO.replace_all(url, "$1***@").into_owned()
}

static URL_USERINFO: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s]+@").expect("a valid regex literal"));

/// An `Authorization` value of either scheme: the scheme followed by something
/// token-shaped (long enough not to be a word of a sentence).
static AUTH_VALUE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b(Token|Bearer)(\s+)(nbt_[A-Za-z0-9_.\-]+|[A-Za-z0-9_.\-]{16,})")
        .expect("a valid regex literal")
});

/// Blanks the secrets of a NetBox connection out of text: the token (bare or
/// with its scheme), anything shaped like an `Authorization` value, and the
/// credentials of any URL.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for `token` and the credentials in `url`.
    pub fn new(token: &str, url: &str) -> Redactor {
        let mut secrets = Vec::new();
        let t = token.trim();
        let bare = t.strip_prefix("Token ").or_else(|| t.strip_prefix("Bearer ")).unwrap_or(t).trim();
        for s in [t, bare] {
            // A value this short would blank out ordinary words; none is a real token.
            if s.len() >= 4 {
                secrets.push(s.to_string());
            }
        }
        if let Some(rest) = url.split_once("://").map(|(_, r)| r)
            && let Some((userinfo, _)) = rest.split('/').next().and_then(|auth| auth.rsplit_once('@'))
        {
            let password = userinfo.split_once(':').map_or(userinfo, |(_, p)| p);
            for s in [userinfo, password] {
                if s.len() >= 4 {
                    secrets.push(s.to_string());
                }
            }
        }
        // Longest first: a secret that contains another is blanked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// `text` with every secret replaced by `***`.
    pub fn text(&self, text: &str) -> String {
        let mut s = redact_url(text);
        for secret in &self.secrets {
            if s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), "***");
            }
        }
        AUTH_VALUE.replace_all(&s, "$1$2***").into_owned()
    }

    /// Every string (and key) of `v` redacted.
    pub fn value(&self, v: Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(a) => Value::Array(a.into_iter().map(|x| self.value(x)).collect()),
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, x)| (self.text(&k), self.value(x))).collect()),
            v => v,
        }
    }
}

pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: String,
    redactor: Redactor,
    /// Attempts per request (the first included).
    pub attempts: u32,
    /// The wait before the first retry; doubled for each next one.
    pub backoff: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

const MAX_BODY: u64 = 512 * 1024 * 1024;

/// Objects asked for per page of a list.
const PAGE: usize = 1000;

/// The most pages one list may take, whatever NetBox says its count is (with
/// NetBox's default page size, a hundred million objects).
const MAX_PAGES: usize = 100_000;

impl Client {
    /// A client for the NetBox at `url` (its root, e.g. `https://netbox.example.com`),
    /// trusting `roots` for HTTPS.
    pub fn new(url: &str, token: &str, timeout: Duration, roots: Roots) -> Client {
        let roots = match roots {
            Roots::Bundled => ureq::tls::RootCerts::WebPki,
            Roots::Certs(der) => ureq::tls::RootCerts::from(
                der.iter().map(|d| ureq::tls::Certificate::from_der(d).to_owned()).collect::<Vec<_>>(),
            ),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // A redirect is answered as it is, and refused in `send`.
            .max_redirects(0)
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .user_agent(concat!("sot/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let base = url.trim_end_matches('/').trim_end_matches("/api").to_string();
        Client {
            agent,
            base,
            auth: authorization(token),
            redactor: Redactor::new(token, url),
            attempts: 4,
            backoff: Duration::from_millis(500),
        }
    }

    /// NetBox's root address as it may be shown: credentials blanked out.
    pub fn base(&self) -> String {
        redact_url(&self.base)
    }

    /// What blanks this client's secrets out of text.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, Error> {
        let url = format!("{}/api/{}", self.base, path);
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            let result = match (method, body) {
                (Method::Get, _) => self.agent.get(&url).header("Authorization", &self.auth).call(),
                (Method::Post, b) => {
                    self.agent.post(&url).header("Authorization", &self.auth).send_json(b.unwrap_or(&Value::Null))
                }
                (Method::Patch, b) => {
                    self.agent.patch(&url).header("Authorization", &self.auth).send_json(b.unwrap_or(&Value::Null))
                }
                // One object's DELETE has no body (some endpoints refuse a `null` one).
                (Method::Delete, Some(b)) if !b.is_null() => {
                    self.agent.delete(&url).header("Authorization", &self.auth).force_send_body().send_json(b)
                }
                (Method::Delete, _) => self.agent.delete(&url).header("Authorization", &self.auth).call(),
            };
            // Whether trying again is safe: every method but POST is idempotent; a
            // POST is retried only when NetBox cannot have acted on it.
            let (retry, err) = match result {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    if (300..400).contains(&status) {
                        let location = resp
                            .headers()
                            .get("location")
                            .map(|l| self.redactor.text(&String::from_utf8_lossy(l.as_bytes())));
                        return Err(Error::Redirect {
                            method: method.as_str(),
                            path: path.to_string(),
                            status,
                            location,
                        });
                    }
                    let text = resp.body_mut().with_config().limit(MAX_BODY).read_to_string().unwrap_or_default();
                    let json = if text.trim().is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_str(&text).unwrap_or(Value::String(text))
                    };
                    if (200..300).contains(&status) {
                        return Ok(json);
                    }
                    let retry = match status {
                        429 | 502 | 503 => true,
                        500 | 504 => method != Method::Post,
                        _ => false,
                    };
                    // An error body may echo the request, token included.
                    let body = self.redactor.value(json);
                    (retry, Error::Status { method: method.as_str(), path: path.to_string(), status, body })
                }
                Err(e) => {
                    let connect = matches!(e, ureq::Error::ConnectionFailed | ureq::Error::HostNotFound)
                        || matches!(&e, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
                    let mut message = self.redactor.text(&e.to_string());
                    if message.contains("invalid peer certificate") {
                        message.push_str(
                            " (the server's certificate does not chain to a trusted certificate authority: \
                             install its CA in the system's trust store, or name it with --ca-cert FILE \
                             or SSL_CERT_FILE)",
                        );
                    }
                    (
                        connect || method != Method::Post,
                        Error::Transport { method: method.as_str(), path: path.to_string(), message },
                    )
                }
            };
            if !retry || attempt >= self.attempts {
                return Err(err);
            }
            std::thread::sleep(wait);
            wait *= 2;
            attempt += 1;
        }
    }

    pub fn get(&self, path: &str) -> Result<Value, Error> {
        self.send(Method::Get, path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.send(Method::Post, path, Some(body))
    }

    pub fn patch(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.send(Method::Patch, path, Some(body))
    }

    pub fn delete(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.send(Method::Delete, path, Some(body))
    }

    /// Every object of a list endpoint, following pages by offset. Paging is
    /// bounded by the count NetBox reports on the first page: it ends once that
    /// many objects have come, and a list that then reports more, or that needs
    /// more pages than that count takes at the first page's size (at most
    /// [`MAX_PAGES`]), is an error: a server whose count never runs out would
    /// otherwise be paged forever.
    pub fn list(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, Error> {
        let fail = |message: String| Error::Transport { method: "GET", path: endpoint.to_string(), message };
        let mut out = Vec::new();
        // (the count first reported, the pages it takes)
        let mut bound: Option<(usize, usize)> = None;
        let mut pages = 0;
        loop {
            let sep = if query.is_empty() { "" } else { "&" };
            let page = self.get(&format!("{endpoint}?limit={PAGE}&offset={}{sep}{query}", out.len()))?;
            pages += 1;
            let count = page.get("count").and_then(Value::as_u64).unwrap_or(0) as usize;
            let results = match page.get("results") {
                Some(Value::Array(r)) => r.clone(),
                _ => return Err(fail("the answer is not a NetBox list (no `results`)".into())),
            };
            let n = results.len();
            let (expected, max_pages) =
                *bound.get_or_insert_with(|| (count, count.div_ceil(n.max(1)).saturating_add(1).min(MAX_PAGES)));
            out.extend(results);
            if n == 0 {
                return Ok(out);
            }
            if out.len() >= expected {
                if count > expected {
                    return Err(fail(format!(
                        "NetBox first reported {expected} objects, sent {}, and now reports {count}: paging \
                         stopped (a list that keeps growing while it is read cannot be trusted; try again \
                         once nothing else writes to NetBox)",
                        out.len()
                    )));
                }
                return Ok(out);
            }
            if pages >= max_pages {
                return Err(fail(format!(
                    "NetBox kept sending pages: after {pages} pages ({} objects) it had still not sent \
                     the {expected} objects it first reported; paging stopped",
                    out.len()
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redactor_blanks_the_token_in_every_shape_and_url_credentials() {
        let token = "0123456789abcdef0123456789abcdef01234567";
        let r = Redactor::new(token, "https://admin:s3cret@netbox.example.com/");
        let said =
            format!("bad Token {token}; {token}; Bearer nbt_abc.def; token invalid; at https://admin:s3cret@x/api");
        assert_eq!(r.text(&said), "bad Token ***; ***; Bearer ***; token invalid; at https://***@x/api");
        // A token given with its scheme is blanked bare too.
        let r = Redactor::new("Bearer nbt_key.verysecret", "http://h");
        assert_eq!(r.text("echo nbt_key.verysecret"), "echo ***");
        // Prose is left alone.
        assert_eq!(r.text("Token authentication failed"), "Token authentication failed");
        let v = r.value(serde_json::json!({"nbt_key.verysecret": ["Bearer nbt_key.verysecret", "Bearer  x"]}));
        assert_eq!(v.to_string(), r#"{"***":["***","Bearer  x"]}"#);
    }

    #[test]
    fn urls_show_without_credentials() {
        assert_eq!(redact_url("http://u:p@h:80/x"), "http://***@h:80/x");
        assert_eq!(redact_url("https://h/x?a=b@c"), "https://h/x?a=b@c");
        assert_eq!(redact_url("https://h"), "https://h");
    }

    #[test]
    fn pem_files_give_their_certificates_or_say_why_not() {
        assert!(pem_certificates(b"not pem").unwrap_err().contains("no PEM certificate"));
        assert!(pem_certificates(b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n").is_err());
        let ca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem")).unwrap();
        assert_eq!(pem_certificates(&ca).unwrap().len(), 1);
    }
}
