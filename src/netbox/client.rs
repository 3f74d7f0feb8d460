//! A small blocking NetBox REST client: token auth (both kinds), JSON bodies,
//! pagination, and bounded retries with backoff.

use std::time::Duration;

use serde_json::Value;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// NetBox answered with an error status; `body` is its JSON (or text).
    #[error("NetBox refused {method} {path}: HTTP {status}: {}", short(body))]
    Status { method: &'static str, path: String, status: u16, body: Value },
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

pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: String,
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

impl Client {
    /// A client for the NetBox at `url` (its root, e.g. `https://netbox.example.com`).
    pub fn new(url: &str, token: &str, timeout: Duration) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("sot/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let base = url.trim_end_matches('/').trim_end_matches("/api").to_string();
        Client { agent, base, auth: authorization(token), attempts: 4, backoff: Duration::from_millis(500) }
    }

    pub fn base(&self) -> &str {
        &self.base
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
                (Method::Delete, Some(b)) => {
                    self.agent.delete(&url).header("Authorization", &self.auth).force_send_body().send_json(b)
                }
                (Method::Delete, None) => self.agent.delete(&url).header("Authorization", &self.auth).call(),
            };
            // Whether trying again is safe: every method but POST is idempotent; a
            // POST is retried only when NetBox cannot have acted on it.
            let (retry, err) = match result {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
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
                    (retry, Error::Status { method: method.as_str(), path: path.to_string(), status, body: json })
                }
                Err(e) => {
                    let connect = matches!(e, ureq::Error::ConnectionFailed | ureq::Error::HostNotFound)
                        || matches!(&e, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
                    let message = e.to_string();
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

    /// Every object of a list endpoint, following pages by offset.
    pub fn list(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, Error> {
        const PAGE: usize = 1000;
        let mut out = Vec::new();
        loop {
            let sep = if query.is_empty() { "" } else { "&" };
            let page = self.get(&format!("{endpoint}?limit={PAGE}&offset={}{sep}{query}", out.len()))?;
            let count = page.get("count").and_then(Value::as_u64).unwrap_or(0) as usize;
            let results = match page.get("results") {
                Some(Value::Array(r)) => r.clone(),
                _ => {
                    return Err(Error::Transport {
                        method: "GET",
                        path: endpoint.to_string(),
                        message: "the answer is not a NetBox list (no `results`)".into(),
                    });
                }
            };
            let n = results.len();
            out.extend(results);
            if n == 0 || out.len() >= count {
                return Ok(out);
            }
        }
    }
}
