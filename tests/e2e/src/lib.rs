//! The end-to-end commerce test's support code and the local stack's small tools.
//!
//! - [`stack`]: the whole local stack exactly as `make dev` starts it (`scripts/dev.sh` on free
//!   ports), or one that is already running (`E2E_API_URL`, `E2E_STRIPE_URL`); torn down on drop.
//! - [`client`]: HTTP calls to the API, as the seller page and a seller's browser make them.
//! - [`token`]: seller tokens the functions accept (the `mint-token` tool).
//! - [`sign`]: fresh `Stripe-Signature`s on API Gateway webhook events (the `sign-event` tool).
//! - [`devenv`]: settings from the environment, then from the env file `make dev` writes.

pub mod client;
pub mod devenv;
pub mod sign;
pub mod stack;
pub mod token;

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The workspace root (this crate is `tests/e2e`).
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.join("../..")
        .canonicalize()
        .unwrap_or_else(|_| here.join("../.."))
}
