//! Stripe resources, one module per family. Each renders its objects in the shape of Stripe's
//! published samples (fixtures3.json, MIT, see LICENSE-fixtures3) so async-stripe's
//! deserializers accept them; required fields are checked by the crate's client tests.

pub mod accounts;
pub mod balance;
pub mod disputes;
pub mod events;
pub mod onboarding;
pub mod payments;
pub mod refunds;
pub mod transfers;
