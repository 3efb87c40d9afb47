//! The crate's integration tests as ONE test binary: each `tests/*.rs` file is a module
//! here (`autotests = false`), so the suite links once instead of once per file. Every
//! binary links the whole AWS/Stripe stack: one per file filled CI's disk. The workspace
//! layout test (tests/harness/tests/layout.rs) fails if a file is left out.

mod common;

mod availability;
mod binary;
mod client_objects;
mod disputes;
mod events;
mod faults;
mod idempotency;
mod pages_and_control;
mod rate_limit;
mod settlement;
mod transfers;
mod webhooks;
mod wire;
