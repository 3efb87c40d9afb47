use std::collections::BTreeMap;

use super::*;
use crate::policy::policies;
use crate::policy::tests::{stack, template};
use crate::recorder::Access;

fn call(operation: &str, accesses: &[(&str, &str, Option<&str>)]) -> Call {
    Call {
        operation: operation.into(),
        accesses: accesses
            .iter()
            .map(|(action, table, index)| Access {
                action: format!("dynamodb:{action}"),
                table: (*table).into(),
                index: index.map(str::to_owned),
            })
            .collect(),
    }
}

/// `f`'s calls checked against `statements` (YAML list items, indented 12).
fn run(statements: &str, calls: Vec<Call>, allow: &[Unexercised]) -> Report {
    let yaml = template(&format!("        - Statement:\n{statements}"));
    let found = policies(&yaml, &stack()).expect("parsed");
    check(
        &found,
        &BTreeMap::from([("f".to_owned(), calls)]),
        &stack(),
        allow,
    )
}

const LEDGER_RW: &str = "            - Effect: Allow\n\
                         \x20             Action: [dynamodb:GetItem, dynamodb:PutItem]\n\
                         \x20             Resource: !GetAtt PayoutLedgerTable.Arn\n";

#[test]
fn allowed_calls_and_used_grants_pass() {
    let report = run(
        LEDGER_RW,
        vec![
            call("GetItem", &[("GetItem", "t-ledger", None)]),
            call("TransactWriteItems", &[("PutItem", "t-ledger", None); 2]),
        ],
        &[],
    );
    assert!(report.passed(), "{report}");
    let used: Vec<(&str, usize)> = report
        .grants
        .iter()
        .map(|g| (g.action.as_str(), g.calls))
        .collect();
    assert_eq!(used, [("dynamodb:GetItem", 1), ("dynamodb:PutItem", 2)]);
    assert!(
        report.to_string().contains("yes (TransactWriteItems)"),
        "{report}"
    );
}

#[test]
fn a_missing_action_table_or_index_fails() {
    let report = run(
        LEDGER_RW,
        vec![
            call("GetItem", &[("GetItem", "t-ledger", None)]),
            call("PutItem", &[("PutItem", "t-ledger", None)]),
            call("UpdateItem", &[("UpdateItem", "t-ledger", None)]),
            call("GetItem", &[("GetItem", "t-events", None)]),
            // A grant on the table does not cover its indexes.
            call("Query", &[("Query", "t-ledger", Some("open"))]),
            // Every item of a transaction needs its own permission.
            call(
                "TransactWriteItems",
                &[
                    ("PutItem", "t-ledger", None),
                    ("ConditionCheckItem", "t-ledger", None),
                ],
            ),
        ],
        &[],
    );
    let problems = report.problems.join("\n");
    assert_eq!(report.problems.len(), 4, "{problems}");
    for needed in [
        "UpdateItem needs dynamodb:UpdateItem on PayoutLedgerTable (",
        "GetItem needs dynamodb:GetItem on WebhookEventsTable (",
        "Query needs dynamodb:Query on PayoutLedgerTable/index/open (",
        "TransactWriteItems needs dynamodb:ConditionCheckItem on PayoutLedgerTable (",
    ] {
        assert!(problems.contains(needed), "{needed}\n{problems}");
    }
}

#[test]
fn wildcards_match_and_an_explicit_deny_wins() {
    let statements = "            - Effect: Allow\n\
                      \x20             Action: dynamodb:*\n\
                      \x20             Resource: arn:aws:dynamodb:*:*:table/t-*\n\
                      \x20           - Effect: Deny\n\
                      \x20             Action: dynamodb:Delete*\n\
                      \x20             Resource: \"*\"\n";
    let report = run(
        statements,
        vec![
            call("Query", &[("Query", "t-ledger", Some("open"))]),
            call("DeleteItem", &[("DeleteItem", "t-ledger", None)]),
        ],
        &[],
    );
    assert_eq!(report.problems.len(), 1, "{report}");
    assert!(
        report.problems[0].contains("denied by a Deny statement"),
        "{report}"
    );
}

#[test]
fn unused_grants_fail_unless_allow_listed_and_stale_entries_fail() {
    let only_get = vec![call("GetItem", &[("GetItem", "t-ledger", None)])];
    let report = run(LEDGER_RW, only_get.clone(), &[]);
    assert_eq!(report.problems.len(), 1, "{report}");
    assert!(
        report.problems[0]
            .contains("grants dynamodb:PutItem on PayoutLedgerTable, which no call uses")
    );
    assert!(report.to_string().contains("NO"), "{report}");

    let excused = Unexercised {
        function: "f",
        action: "dynamodb:PutItem",
        resource: "PayoutLedgerTable",
        reason: "only the error path writes",
    };
    let report = run(LEDGER_RW, only_get.clone(), &[excused]);
    assert!(report.passed(), "{report}");
    assert!(
        report
            .to_string()
            .contains("no (allowed: only the error path writes)")
    );

    let stale = [
        Unexercised {
            action: "dynamodb:GetItem",
            ..excused
        },
        Unexercised {
            action: "dynamodb:Scan",
            ..excused
        },
        Unexercised {
            reason: " ",
            ..excused
        },
    ];
    for entry in stale {
        let report = run(LEDGER_RW, only_get.clone(), &[entry]);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.starts_with("allow-list entry")),
            "{entry:?}: {report}"
        );
    }
}

#[test]
fn unknown_functions_and_unmodelled_operations_fail() {
    let found = policies(
        &template(&format!("        - Statement:\n{LEDGER_RW}")),
        &stack(),
    );
    let calls = BTreeMap::from([
        ("f".to_owned(), vec![call("ExecuteStatement", &[])]),
        (
            "g".to_owned(),
            vec![call("GetItem", &[("GetItem", "t-ledger", None)])],
        ),
    ]);
    let report = check(&found.expect("parsed"), &calls, &stack(), &[]);
    let problems = report.problems.join("\n");
    assert!(problems.contains("g: calls recorded for a function template.yaml does not define"));
    assert!(problems.contains("ExecuteStatement is not modelled by the recorder"));
}

/// The fail-first proof on the real template: without `dynamodb:UpdateItem` in OnboardFunction's
/// policy, the onboard function's flag refresh is denied.
#[test]
fn the_template_without_onboards_update_item_denies_its_flag_refresh() {
    let granted = "Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem]";
    let onboard = store::schema::TEMPLATE
        .split("\n  OnboardFunction:")
        .nth(1)
        .and_then(|f| f.split("\n  CallbackFunction:").next())
        .expect("OnboardFunction");
    assert_eq!(onboard.matches(granted).count(), 1, "{onboard}");
    let without = store::schema::TEMPLATE.replacen(
        onboard,
        &onboard.replace(granted, "Action: [dynamodb:GetItem, dynamodb:PutItem]"),
        1,
    );
    let refresh = call("UpdateItem", &[("UpdateItem", "t-accounts", None)]);
    let calls = BTreeMap::from([("onboard".to_owned(), vec![refresh])]);
    for (yaml, allowed) in [(store::schema::TEMPLATE, true), (without.as_str(), false)] {
        let report = check(
            &policies(yaml, &stack()).expect("parsed"),
            &calls,
            &stack(),
            &[],
        );
        let denied = report.problems.iter().any(|p| {
            p.starts_with("onboard (OnboardFunction): UpdateItem needs dynamodb:UpdateItem on SellerAccountsTable")
        });
        assert_eq!(denied, !allowed, "{report}");
    }
}
