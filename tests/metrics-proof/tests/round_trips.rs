//! Round trips per request (issue 15): every DynamoDB call a function makes (recorded on its own
//! client by the IAM proof's interceptor) and every Stripe call (the local Stripe server's request
//! log), for each operation of the API and the webhook, held to its budget. One request at a time,
//! so the counts are deterministic and asserted exactly: a change that adds a round trip fails here
//! and must update the budget (and say why). The README's performance section explains each one.

#[allow(dead_code)] // the dashboards' and IAM proofs' traffic; only its `Stack` is used here
use crate::traffic;

use harness::apigw::{Event, body_json, query_of};
use harness::stripe::browser;
use serde_json::{Value, json};
use traffic::Stack;
use traffic::support::{CONNECT_SECRET, PLATFORM_SECRET, signed_delivery, token};

const PLATFORM: &str = "/api/v1/webhooks/stripe";
const CONNECT: &str = "/api/v1/webhooks/stripe/connect";

/// What one operation cost: DynamoDB calls of its function, Stripe API calls.
#[derive(Debug, PartialEq, Eq)]
struct Cost {
    dynamodb: usize,
    stripe: u64,
}

/// Which DynamoDB operations were called, in order, runs of one collapsed (`GetItem, 2×PutItem`).
fn summary(operations: &[String]) -> String {
    let mut runs: Vec<(usize, &str)> = Vec::new();
    for op in operations {
        match runs.last_mut() {
            Some((n, last)) if *last == op.as_str() => *n += 1,
            _ => runs.push((1, op.as_str())),
        }
    }
    let runs: Vec<String> = runs
        .into_iter()
        .map(|(n, op)| {
            if n == 1 {
                op.to_owned()
            } else {
                format!("{n}×{op}")
            }
        })
        .collect();
    runs.join(", ")
}

async fn stripe_calls(stack: &Stack) -> u64 {
    let counts = stack.control.get("requests").await["counts"].clone();
    counts
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_u64).sum())
}

/// Runs `op` and returns what it cost `function`, and which DynamoDB operations it called.
async fn cost<F: std::future::Future<Output = ()>>(
    stack: &Stack,
    function: &str,
    op: F,
) -> (Cost, String) {
    let (db, api) = (
        stack.dynamodb_calls(function).len(),
        stripe_calls(stack).await,
    );
    op.await;
    let made = stack.dynamodb_calls(function)[db..].to_vec();
    let cost = Cost {
        dynamodb: made.len(),
        stripe: stripe_calls(stack).await - api,
    };
    (cost, summary(&made))
}

async fn onboard(stack: &Stack, seller: &str) -> Value {
    let req = Event::new("POST", "/api/v1/sell/connect/onboard")
        .bearer(Some(&token(seller, &["seller"])))
        .request();
    let resp = stack.onboard(req).await;
    let body = body_json(&resp);
    assert_eq!(resp.status().as_u16(), 200, "{body}");
    body
}

async fn callback(stack: &Stack, query: &str) {
    let req = Event::new("GET", "/api/v1/sell/connect/callback")
        .header("accept", "text/html")
        .query(query)
        .request();
    let resp = stack.callback(req).await;
    assert_eq!(resp.status().as_u16(), 302, "{}", body_json(&resp));
}

async fn balance(stack: &Stack, seller: &str) -> Value {
    let req = Event::new("GET", "/api/v1/sell/balance")
        .bearer(Some(&token(seller, &["seller"])))
        .request();
    let resp = stack.balance(req).await;
    let body = body_json(&resp);
    assert_eq!(resp.status().as_u16(), 200, "{body}");
    body
}

async fn deliver(stack: &Stack, (path, secret): (&str, &str), event_id: &str) {
    let body = stack.control.event(event_id).await.to_string();
    let resp = stack.webhook(signed_delivery(path, secret, &body)).await;
    assert_eq!(resp.status().as_u16(), 200, "{}", body_json(&resp));
}

/// An order paid to `sellers` (1000 each), its `payment_intent.succeeded` delivered.
async fn pay(stack: &Stack, order: &str, sellers: &[&str]) -> String {
    let shares: Vec<String> = sellers.iter().map(|s| format!("{s}:1000")).collect();
    let metadata = json!({ "veza_order_id": order, "veza_shares": shares.join(",") });
    let amount = 1000 * sellers.len() as i64;
    let paid = stack
        .control
        .pay_with_metadata("eur", amount, metadata, false)
        .await;
    deliver(stack, (PLATFORM, PLATFORM_SECRET), &paid.event).await;
    paid.charge
}

/// The most `dynamodb` calls and `stripe` calls an operation may make.
fn budget(dynamodb: usize, stripe: u64) -> Cost {
    Cost { dynamodb, stripe }
}

#[tokio::test]
async fn every_operation_stays_within_its_round_trip_budget() {
    let stack = Stack::start().await;
    let mut table = Vec::new();
    let mut over = Vec::new();
    let mut check = |what: &str, (got, calls): (Cost, String), budget: Cost| {
        table.push(format!(
            "| {what} | {} | {} | {calls} |",
            got.dynamodb, got.stripe
        ));
        if got != budget {
            over.push(format!("{what}: {got:?}, budget {budget:?}"));
        }
    };

    // Onboarding: a new seller, then the same seller coming back (pending), then complete.
    let seller = "usr_trips_1";
    let mut first = Value::Null;
    let new = cost(&stack, onboard::FUNCTION, async {
        first = onboard(&stack, seller).await;
    })
    .await;
    // The seller's request budget (read, compare-and-set), the account read, the account written
    // with both uniqueness rules (one transaction); Stripe: the Express account, its link.
    check("onboard: new seller", new, budget(4, 2));
    let account = first["stripe_account_id"].as_str().unwrap().to_owned();
    let link = first["onboarding_url"].as_str().unwrap().to_owned();
    let mut next_link = String::new();
    let pending = cost(&stack, onboard::FUNCTION, async {
        next_link = onboard(&stack, seller).await["onboarding_url"]
            .as_str()
            .unwrap()
            .to_owned();
    })
    .await;
    // The request budget (read, compare-and-set), the account, its flags stored (Stripe's differ
    // from the ones read at creation); Stripe: the account re-read, a new link.
    check("onboard: returning, pending", pending, budget(4, 2));
    // The callback: a used link sends the browser to `refresh` (a new link), a finished
    // onboarding to `return` (the account re-read, the seller sent home).
    browser::leaves(&link).await;
    let refresh = query_of(&browser::revisits(&link).await);
    let refreshed = cost(&stack, callback::FUNCTION, async {
        callback(&stack, &refresh).await;
    })
    .await;
    // The request budget (read, compare-and-set), the account, the state claimed once
    // (conditional put); Stripe: a new link.
    check("callback: refresh", refreshed, budget(4, 1));
    let back = query_of(&browser::leaves(&next_link).await);
    let completed = stack.control.complete_onboarding(&account).await;
    let returned = cost(&stack, callback::FUNCTION, async {
        callback(&stack, &back).await;
    })
    .await;
    // The request budget (read, compare-and-set), the account, its flags stored (conditional
    // update); Stripe: the account re-read.
    check("callback: return, complete", returned, budget(4, 1));
    let updated = cost(&stack, webhook::FUNCTION, async {
        deliver(&stack, (CONNECT, CONNECT_SECRET), &completed).await;
    })
    .await;
    check(
        "webhook: account.updated, nothing held",
        updated,
        budget(7, 1),
    );
    let complete = cost(&stack, onboard::FUNCTION, async {
        onboard(&stack, seller).await;
    })
    .await;
    // The request budget, the account (complete: nothing to store); Stripe: a login link.
    check("onboard: complete (dashboard link)", complete, budget(3, 1));

    // Balance: no account, a cache miss (Stripe), a cache hit.
    let none = cost(&stack, balance::FUNCTION, async {
        balance(&stack, "usr_trips_never").await;
    })
    .await;
    check("balance: no account", none, budget(1, 0));
    let miss = cost(&stack, balance::FUNCTION, async {
        balance(&stack, seller).await;
    })
    .await;
    // Account and cache entry (one BatchGetItem), the refresh claim (so concurrent misses don't
    // stampede Stripe), a read back, the new entry; Stripe: the connected account's balance.
    check("balance: cache miss", miss, budget(4, 1));
    let hit = cost(&stack, balance::FUNCTION, async {
        balance(&stack, seller).await;
    })
    .await;
    // Account and cache entry in one BatchGetItem: no Stripe call while the entry is fresh.
    check("balance: cache hit", hit, budget(1, 0));

    // Payments to 1, 3 and 10 onboarded sellers.
    let mut sellers = vec![seller.to_owned()];
    for i in 2..=10 {
        let s = format!("usr_trips_{i}");
        let acct = onboard(&stack, &s).await["stripe_account_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let event = stack.control.complete_onboarding(&acct).await;
        deliver(&stack, (CONNECT, CONNECT_SECRET), &event).await;
        sellers.push(s);
    }
    let names: Vec<&str> = sellers.iter().map(String::as_str).collect();
    let mut charge = String::new();
    for n in [1, 3, 10] {
        let order = format!("ord_trips_{n}");
        let got = cost(&stack, webhook::FUNCTION, async {
            charge = pay(&stack, &order, &names[..n]).await;
        })
        .await;
        // 4 + 4 per seller: event seen?, payment read (a redelivery stops there), the order's
        // claim (conditional put), event marked; per share the seller's account, the share
        // (conditional put), the transfer attempt claimed, the transfer recorded (the writes
        // exactly-once needs). Stripe: the charge's settlement once, one transfer per share.
        check(
            &format!("webhook: payment, {n} sellers"),
            got,
            budget(4 + 4 * n, 1 + n as u64),
        );
    }
    // A refund of the 10-seller order, in proportion.
    let refunded = stack
        .control
        .refund_with(&charge, Some(1000), json!({}), false)
        .await;
    let refund = cost(&stack, webhook::FUNCTION, async {
        deliver(&stack, (PLATFORM, PLATFORM_SECRET), &refunded.event).await;
    })
    .await;
    // 6 + 4 per share: event seen?, payment by charge (2 reads), the refund recorded
    // (transaction), the order's shares (Query), event marked; per share the reversal attempt claimed and
    // recorded, then the share and the payment re-read (a concurrent run may have moved the
    // claim meanwhile). Stripe: per share its transfer (Stripe's reversed total), the reversal.
    check(
        "webhook: refund, 10 sellers",
        refund,
        budget(6 + 4 * 10, 2 * 10),
    );
    let duplicate = cost(&stack, webhook::FUNCTION, async {
        deliver(&stack, (PLATFORM, PLATFORM_SECRET), &refunded.event).await;
    })
    .await;
    // Seen already: one read, nothing else.
    check("webhook: the same event again", duplicate, budget(1, 0));

    // A seller with three held shares completes onboarding: account.updated releases them.
    let late = "usr_trips_late";
    let acct = onboard(&stack, late).await["stripe_account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for i in 0..3 {
        pay(&stack, &format!("ord_trips_held_{i}"), &[late]).await;
    }
    let event = stack.control.complete_onboarding(&acct).await;
    let release = cost(&stack, webhook::FUNCTION, async {
        deliver(&stack, (CONNECT, CONNECT_SECRET), &event).await;
    })
    .await;
    // An account.updated (3 reads, the flags, 2 queries of held and pending shares, event marked)
    // and 3 writes per released share (released, attempt claimed, transfer recorded); Stripe: the
    // account re-read (events arrive out of order), one transfer per share.
    check(
        "webhook: account.updated releasing 3 held shares",
        release,
        budget(7 + 3 * 3, 1 + 3),
    );
    let table = format!(
        "| operation | DynamoDB calls | Stripe calls | DynamoDB operations |\n|---|---:|---:|---|\n{}",
        table.join("\n")
    );
    eprintln!("{table}");
    assert!(over.is_empty(), "{over:#?}\n{table}");
}
