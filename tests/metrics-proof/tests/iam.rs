//! The IAM proof (issue 11): every DynamoDB and SQS call each of the six functions makes while serving
//! the real traffic of tests/traffic (the dashboards proof's) is held against that function's own
//! policy in template.yaml, both ways: a call its policy does not allow fails, and so does a
//! grant no call uses, unless [`UNEXERCISED`] lists it with the reason. The checker is
//! `iam_proof` (tests/iam-proof); its unit tests prove that it fails on a missing action, table
//! or index, and on the real template without OnboardFunction's `dynamodb:UpdateItem`.

use crate::traffic;

use iam_proof::{Stack, Unexercised, check, policies};

/// Grants of template.yaml that the traffic does not exercise, each with its reason (e.g. an
/// action only an error path uses). An entry for a grant the traffic uses, or that does not
/// exist, fails: keep it to what is really unexercised.
const UNEXERCISED: &[Unexercised] = &[];

#[tokio::test]
async fn every_aws_call_is_allowed_by_its_functions_policy_and_every_grant_is_used() {
    let traffic = traffic::drive().await;
    let stack = Stack::for_tables(&traffic.tables)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_queue("TransferQueue", &traffic.queue);
    let policies = policies(store::schema::TEMPLATE, &stack).unwrap_or_else(|e| panic!("{e}"));
    let calls = traffic.calls.calls();
    let report = check(&policies, &calls, &stack, UNEXERCISED);
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    // Not vacuous: every function was driven and made calls.
    for policy in &policies {
        let made = calls.get(&policy.function).map_or(0, Vec::len);
        assert!(made > 0, "{}: no AWS call recorded", policy.function);
    }
}
