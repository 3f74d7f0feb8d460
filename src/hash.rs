//! The hash maps and sets used inside the pipeline.
//!
//! `foldhash` instead of the standard library's SipHash: the pipeline hashes names, ids
//! and addresses millions of times per run, and SipHash was several percent of `check`'s
//! instructions. foldhash is seeded per process, as the standard hasher is, so nothing
//! may depend on iteration order (output is sorted wherever order shows).

pub use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
