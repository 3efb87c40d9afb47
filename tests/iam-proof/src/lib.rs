//! The IAM proof (issue 11): every AWS call each function makes is held against that function's
//! own policy in template.yaml, both ways (least privilege):
//! - a call the policy does not allow (a missing action, or a missing resource: a table, an
//!   index) fails;
//! - a grant that no call uses fails too, unless it is listed with its reason (an allow-list of
//!   [`Unexercised`] entries, kept by the test; a stale entry fails).
//!
//! [`recorder`] records the calls: an interceptor on each function's own DynamoDB client
//! ([`recording_client`]: `store::client` plus the interceptor; production wiring is untouched),
//! as IAM authorizes them: a `TransactWriteItems` item by item (`PutItem`, `UpdateItem`,
//! `DeleteItem`, `ConditionCheckItem` on each item's table), a `Query` on an index against the
//! index's ARN. [`policy`] reads each `AWS::Serverless::Function`'s inline `Policies` from the
//! template and renders their resources for the test's tables. [`check`] evaluates them (IAM
//! semantics: an explicit deny wins, wildcards in actions and resources) and prints the table of
//! grants and their use.
//!
//! The calls are the metrics proof's real traffic through the five functions
//! (tests/metrics-proof/tests/traffic), checked by tests/metrics-proof/tests/iam.rs.

pub mod check;
pub mod policy;
pub mod recorder;
mod render;
mod wildcard;

pub use check::{Grant, Report, Unexercised, check};
pub use policy::{FunctionPolicy, PolicyError, Stack, policies};
pub use recorder::{
    Access, Call, CallLog, Recorder, queue_name, recording_client, recording_sqs_client,
};
