//! `sot`: a compiler for a network source of truth kept as YAML in git.

pub mod diagnostic;
pub mod model;
pub mod source;
pub mod yaml;
