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
        write!(f, "{}", self.0)
    }
}
