//! Filters network engineers reach for: address maths in the spirit of
//! Ansible's `ipaddr`, and `to_yaml`, `to_json`, `slugify`.

use std::net::IpAddr;

use ipnet::IpNet;
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State};

/// Register the filters; `max_bytes` bounds what `to_json` and `to_yaml` may produce (the
/// render output limit: a serialised value is made to be written out).
pub fn register(env: &mut Environment<'static>, max_bytes: u64) {
    env.add_filter("ipaddr", ipaddr);
    env.add_filter("ipmath", ipmath);
    env.add_filter("nthhost", nthhost);
    env.add_filter("ipv4", |v: Value| family(v, 4));
    env.add_filter("ipv6", |v: Value| family(v, 6));
    env.add_filter("to_yaml", move |state: &State, v: Value| to_yaml(state, v, max_bytes));
    env.add_filter("to_json", move |state: &State, v: Value| json_text(state, &v, max_bytes, "to_json"));
    env.add_filter("to_nice_json", move |state: &State, v: Value| json_text(state, &v, max_bytes, "to_nice_json"));
    env.add_filter("slugify", |s: String| crate::model::slug::slugify(&s));
}

/// An address or prefix from a string or an address value; a bare address gets its full mask.
fn parse(v: &Value) -> Option<IpNet> {
    let s = v.to_string();
    s.parse::<IpNet>().ok().or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

fn bad(what: &str, v: &Value) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{what}: `{v}` is not an IP address or prefix"))
}

fn add(a: IpAddr, n: i128) -> Option<IpAddr> {
    match a {
        IpAddr::V4(x) => {
            let r = i128::from(u32::from(x)) + n;
            u32::try_from(r).ok().map(|r| IpAddr::from(std::net::Ipv4Addr::from(r)))
        }
        IpAddr::V6(x) => {
            let r = i128::try_from(u128::from(x)).ok()?.checked_add(n)?;
            u128::try_from(r).ok().map(|r| IpAddr::from(std::net::Ipv6Addr::from(r)))
        }
    }
}

/// `value | ipaddr(query)`: `address`, `network`, `netmask`, `hostmask`, `prefix`,
/// `broadcast`, `net` (network/prefix), `host` (address/prefix), `version`, or a
/// number N (the Nth address of the network, with the prefix). Without a query:
/// the value if it is an address, else `false`.
fn ipaddr(v: Value, query: Option<Value>) -> Result<Value, Error> {
    let Some(n) = parse(&v) else { return Ok(Value::from(false)) };
    let Some(q) = query else { return Ok(v) };
    if let Some(i) = q.as_i64().or_else(|| q.as_str().and_then(|s| s.parse().ok())) {
        let a = add(n.network(), i128::from(i)).filter(|a| n.contains(a)).ok_or_else(|| {
            Error::new(ErrorKind::InvalidOperation, format!("ipaddr({i}): {} has no address number {i}", n.trunc()))
        })?;
        return Ok(Value::from(format!("{a}/{}", n.prefix_len())));
    }
    Ok(match q.as_str().unwrap_or_default() {
        "address" | "ip" => Value::from(n.addr().to_string()),
        "network" => Value::from(n.network().to_string()),
        "netmask" => Value::from(n.netmask().to_string()),
        "hostmask" => Value::from(n.hostmask().to_string()),
        "prefix" | "prefixlen" => Value::from(n.prefix_len()),
        "broadcast" => Value::from(n.broadcast().to_string()),
        "net" | "subnet" | "cidr" => Value::from(n.trunc().to_string()),
        "host" => Value::from(n.to_string()),
        "version" => Value::from(if n.addr().is_ipv4() { 4 } else { 6 }),
        other => return Err(Error::new(ErrorKind::InvalidOperation, format!("ipaddr: unknown query `{other}`"))),
    })
}

/// `value | ipmath(n)`: the address n after (or before) the value's address.
fn ipmath(v: Value, n: i64) -> Result<Value, Error> {
    let a = parse(&v).ok_or_else(|| bad("ipmath", &v))?;
    add(a.addr(), i128::from(n))
        .map(|x| Value::from(x.to_string()))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("ipmath({n}) leaves the address space")))
}

/// `prefix | nthhost(n)`: the nth address of the network, without the prefix.
fn nthhost(v: Value, n: i64) -> Result<Value, Error> {
    let net = parse(&v).ok_or_else(|| bad("nthhost", &v))?;
    add(net.network(), i128::from(n))
        .filter(|a| net.contains(a))
        .map(|a| Value::from(a.to_string()))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("nthhost({n}): outside {}", net.trunc())))
}

fn family(v: Value, version: u8) -> Value {
    match parse(&v) {
        Some(n) if (n.addr().is_ipv4() && version == 4) || (n.addr().is_ipv6() && version == 6) => v,
        _ => Value::from(false),
    }
}

/// A writer that fails past `limit` bytes.
struct Bounded {
    buf: Vec<u8>,
    limit: u64,
}

impl std::io::Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if (self.buf.len() + data.len()) as u64 > self.limit {
            return Err(std::io::Error::other("too large"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `v` as pretty JSON, refused past `max_bytes` (the whole inventory of a large fleet would
/// be gigabytes, allocated before the engine could charge for it), its bytes charged as fuel
/// as they are written (serialising walks the value: one fuel per 4 bytes, as minijinja
/// charges `tojson`).
fn json_text(state: &State, v: &Value, max_bytes: u64, filter: &str) -> Result<String, Error> {
    // Never more than the fuel left could pay for.
    let affordable = state.fuel_levels().map_or(u64::MAX, |(_, left)| left.saturating_mul(4));
    let limit = max_bytes.min(affordable);
    let mut w = Bounded { buf: Vec::new(), limit };
    if let Err(e) = serde_json::to_writer_pretty(&mut w, v) {
        let why = if e.is_io() {
            format!("{filter}: the value serialises to more than {limit} bytes")
        } else {
            format!("{filter}: {e}")
        };
        return Err(Error::new(ErrorKind::InvalidOperation, why));
    }
    state.consume_fuel(w.buf.len() as u64 / 4)?;
    String::from_utf8(w.buf).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

fn to_yaml(state: &State, v: Value, max_bytes: u64) -> Result<String, Error> {
    // Through bounded JSON text: its tree is then a bounded multiple of the limit.
    let text = json_text(state, &v, max_bytes, "to_yaml")?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?;
    let yaml = crate::yaml::dump::to_yaml(&json);
    if yaml.len() as u64 > max_bytes {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("to_yaml: the value serialises to more than {max_bytes} bytes"),
        ));
    }
    Ok(yaml.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &str) -> String {
        let mut env = crate::jinja::environment(&Default::default());
        register(&mut env, crate::project::MAX_OUTPUT_BYTES);
        env.render_str(t, ()).unwrap()
    }

    #[test]
    fn address_maths() {
        assert_eq!(render("{{ '10.1.2.3/24' | ipaddr('network') }}"), "10.1.2.0");
        assert_eq!(render("{{ '10.1.2.3/24' | ipaddr('netmask') }}"), "255.255.255.0");
        assert_eq!(render("{{ '10.1.2.3/24' | ipaddr('net') }}"), "10.1.2.0/24");
        assert_eq!(render("{{ '10.1.2.3/24' | ipaddr('address') }}"), "10.1.2.3");
        assert_eq!(render("{{ '10.1.2.3/24' | ipaddr('prefix') }}"), "24");
        assert_eq!(render("{{ '10.1.2.0/24' | ipaddr(5) }}"), "10.1.2.5/24");
        assert_eq!(render("{{ '10.1.2.0/24' | nthhost(1) }}"), "10.1.2.1");
        assert_eq!(render("{{ '10.1.2.9/31' | ipmath(1) }}"), "10.1.2.10");
        assert_eq!(render("{{ '2001:db8::/64' | ipaddr(1) }}"), "2001:db8::1/64");
        assert_eq!(render("{{ 'nope' | ipaddr }}"), "False");
        assert_eq!(render("{{ '10.0.0.1' | ipv6 }}"), "False");
        assert_eq!(render("{{ 'London DC 1' | slugify }}"), "london-dc-1");
        assert_eq!(render("{{ {'a': [1, 2]} | to_yaml }}"), "a:\n  - 1\n  - 2");
    }
}
