//! The crate's integration tests as ONE test binary: each `tests/*.rs` file is a module
//! here (`autotests = false`), so the suite links once instead of once per file. Every
//! binary links the whole AWS/Stripe stack: one per file filled CI's disk. The workspace
//! layout test (tests/harness/tests/layout.rs) fails if a file is left out.

mod contract_memory;
mod stripe_double;
