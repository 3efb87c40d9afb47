//! JWT minting for tests (HS256 / RS256 / ES256 tokens with chosen `sub`, roles, `exp`, `nbf`,
//! `iss`, `aud`), matching what the `interceptors` auth module verifies.
//!
//! To come with the auth tests that need it.
