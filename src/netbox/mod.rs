//! NetBox: the inventory as NetBox REST payloads (`bundle`), written as files
//! by `sot build --target netbox` (`files`) and pushed to a live NetBox by
//! `sot netbox push` (`client`, `push`); `sot netbox pull` reads a NetBox back
//! into an inventory repository (`pull`).

pub mod bundle;
pub mod client;
mod declared;
pub mod files;
pub mod model;
pub mod pull;
mod pull_yaml;
pub mod push;

pub use bundle::{Bundle, MANAGED_TAG, Record, records};
pub use model::Model;
