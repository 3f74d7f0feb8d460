//! An IP address or prefix as a template value: renders as `10.1.1.1/24` and
//! has `ip`, `netmask`, `hostmask`, `prefixlen`, `version`, `network`,
//! `broadcast`; string methods (`split`, `startswith`...) work on its text.

use std::sync::Arc;

use ipnet::IpNet;
use minijinja::value::{Object, ObjectRepr, Value};
use minijinja::{Error, State};

#[derive(Debug, Clone, Copy)]
pub struct Address(pub IpNet);

impl Object for Address {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let n = self.0;
        Some(match key {
            "ip" => Value::from(n.addr().to_string()),
            "address" => Value::from(n.to_string()),
            "netmask" => Value::from(n.netmask().to_string()),
            "hostmask" => Value::from(n.hostmask().to_string()),
            "prefixlen" => Value::from(n.prefix_len()),
            "version" => Value::from(if n.addr().is_ipv4() { 4 } else { 6 }),
            "network" => Value::from(n.network().to_string()),
            "broadcast" => Value::from(n.broadcast().to_string()),
            "cidr" => Value::from(n.trunc().to_string()),
            _ => return None,
        })
    }

    fn call_method(self: &Arc<Self>, state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        Value::from(self.0.to_string()).call_method(state, method, args)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_to(f)
    }
}

impl Address {
    /// Write `10.1.1.1/24` as `IpNet` displays it; an IPv4 one without the formatting
    /// machinery (templates print addresses by the hundred per device, and `Display` of the
    /// address and its length cost several times the copy).
    pub fn write_to(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        let IpNet::V4(n) = self.0 else { return write!(out, "{}", self.0) };
        // The longest is `255.255.255.255/32`.
        let mut buf = [0u8; 18];
        let mut len = 0;
        for (k, octet) in n.addr().octets().into_iter().enumerate() {
            if k > 0 {
                buf[len] = b'.';
                len += 1;
            }
            push_decimal(&mut buf, &mut len, octet);
        }
        buf[len] = b'/';
        len += 1;
        push_decimal(&mut buf, &mut len, n.prefix_len());
        out.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| std::fmt::Error)?)
    }
}

fn push_decimal(buf: &mut [u8], len: &mut usize, x: u8) {
    if x >= 100 {
        buf[*len] = b'0' + x / 100;
        *len += 1;
    }
    if x >= 10 {
        buf[*len] = b'0' + x / 10 % 10;
        *len += 1;
    }
    buf[*len] = b'0' + x % 10;
    *len += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address is written as `IpNet` displays it: every octet width, every prefix length,
    /// IPv6 too.
    #[test]
    fn addresses_are_written_as_ipnet_displays_them() {
        let mut nets: Vec<IpNet> = Vec::new();
        for o in [0u8, 7, 9, 10, 42, 99, 100, 199, 255] {
            for len in 0..=32 {
                nets.push(format!("{o}.{}.{}.{}/{len}", 255 - o, o / 2, o % 6).parse().unwrap());
            }
        }
        nets.extend(["2001:db8::1/64", "::/0", "fe80::1:2:3:4/128"].iter().map(|s| s.parse::<IpNet>().unwrap()));
        for n in nets {
            let mut s = String::new();
            Address(n).write_to(&mut s).unwrap();
            assert_eq!(s, n.to_string());
        }
    }
}
