//! MAC addresses of interfaces: the forms NetBox 4.7 reads (checked against NetBox
//! 4.7.3's `dcim/mac-addresses/`): six groups of one or two hex digits separated by
//! `:`, `-` or a space, three groups of four separated by `.`, two groups of six
//! separated by `:` or `-`, or twelve hex digits.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use crate::resolve::Index;

pub struct MacAddresses;

/// The six bytes of a MAC address written as NetBox reads them.
pub fn parse(s: &str) -> Option<[u8; 6]> {
    let groups = |sep: char, n: usize, width: std::ops::RangeInclusive<usize>| -> Option<Vec<&str>> {
        let g: Vec<&str> = s.split(sep).collect();
        (g.len() == n && g.iter().all(|x| width.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_hexdigit())))
            .then_some(g)
    };
    let hex: String = if let Some(g) = [':', '-', ' '].iter().find_map(|c| groups(*c, 6, 1..=2)) {
        g.iter().map(|x| format!("{x:0>2}")).collect()
    } else if let Some(g) = groups('.', 3, 4..=4).or_else(|| groups(':', 2, 6..=6)).or_else(|| groups('-', 2, 6..=6)) {
        g.concat()
    } else if s.len() == 12 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        s.to_string()
    } else {
        return None;
    };
    let mut out = [0u8; 6];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A MAC address as NetBox gives it back (`00:01:02:03:04:5E`), if it is one.
pub fn canonical(s: &str) -> Option<String> {
    parse(s).map(|b| b.iter().map(|x| format!("{x:02X}")).collect::<Vec<_>>().join(":"))
}

impl Check for MacAddresses {
    fn name(&self) -> &'static str {
        "mac-addresses"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for d in &inv.devices {
            for iface in &d.interfaces {
                let Some(mac) = &iface.mac_address else { continue };
                if parse(&mac.value).is_none() {
                    out.push(
                        Diagnostic::new(
                            Code::InvalidMacAddress,
                            mac.span,
                            format!("`{}` is not a MAC address", mac.value),
                        )
                        .label("not six bytes in hex")
                        .help("write it as 00:11:22:33:44:55 (also read: 00-11-22-33-44-55, 0011.2233.4455, 001122334455)"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_netbox_reads_and_no_others() {
        for ok in [
            "00:11:22:33:44:5a",
            "00-11-22-33-44-5B",
            "0011.2233.445c",
            "00112233445d",
            "0:1:2:3:4:5e",
            "00 11 22 33 44 5f",
        ] {
            assert!(parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "zz:11",
            "00:11:22:33:44:55:66",
            "00:11:22:33:44",
            "0011.2233.44",
            "",
            "00:11-22:33:44:55",
            "001:1:2:3:4:5",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert_eq!(canonical("0:1:2:3:4:5e").as_deref(), Some("00:01:02:03:04:5E"));
    }
}
