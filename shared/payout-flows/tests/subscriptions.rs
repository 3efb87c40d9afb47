//! The endpoints an operator registers (docs/DEPLOY.md, step 4) subscribe to exactly the event
//! types the flows act on: a type missing there is never delivered (only the reconciler's catch-up
//! would see it, up to a schedule period late), an extra one is delivered and ignored.

use std::collections::BTreeSet;

use payout_flows::{CONNECT_EVENTS, PLATFORM_EVENTS};

/// The `enabled_events[]` of the `curl` registering the endpoint whose URL output is `output`.
fn enabled_events(deploy: &str, output: &str) -> BTreeSet<String> {
    let start = deploy
        .find(&format!("url=\"$(out {output})\""))
        .unwrap_or_else(|| panic!("DEPLOY.md registers no endpoint at {output}"));
    let command = &deploy[start..];
    let end = command.find("\ncurl ").or_else(|| command.find("\n```"));
    let command = &command[..end.expect("the command ends")];
    command
        .split("enabled_events[]=")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

fn set(events: &[&str]) -> BTreeSet<String> {
    events.iter().map(|e| (*e).to_owned()).collect()
}

#[test]
fn the_registered_endpoints_subscribe_to_exactly_the_handled_events() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/DEPLOY.md");
    let deploy = std::fs::read_to_string(path).expect("docs/DEPLOY.md");
    assert_eq!(
        enabled_events(&deploy, "StripeWebhookUrl"),
        set(&PLATFORM_EVENTS)
    );
    assert_eq!(
        enabled_events(&deploy, "StripeConnectWebhookUrl"),
        set(&CONNECT_EVENTS)
    );
    for kind in PLATFORM_EVENTS.iter().chain(&CONNECT_EVENTS) {
        assert!(payout_flows::handles(kind), "{kind}");
    }
    assert!(!payout_flows::handles("charge.succeeded"));
}
