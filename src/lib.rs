//! `sot`: a compiler for a network source of truth kept as YAML in git.

pub mod compile;
pub mod context;
pub mod diagnostic;
pub mod ipam;
pub mod load;
pub mod model;
pub mod project;
pub mod render;
pub mod schema;
pub mod resolve;
pub mod source;
pub mod validate;
pub mod yaml;
