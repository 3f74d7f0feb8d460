//! `sot`: a compiler for a network source of truth kept as YAML in git.

pub mod compile;
pub mod context;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod emit;
pub mod graph;
pub mod hash;
pub mod ipam;
pub mod jinja;
pub mod load;
pub mod model;
pub mod netbox;
pub mod project;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod schema;
pub mod show;
pub mod site;
pub mod source;
pub mod template;
pub mod validate;
pub mod view;
pub mod yaml;
