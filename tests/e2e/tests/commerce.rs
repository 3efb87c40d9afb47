//! The commerce flow end to end, over HTTP, against the whole local stack as `make dev` runs it
//! (functions under `cargo lambda watch`, moto, the local Stripe server forwarding signed
//! webhooks): seller A onboards through Stripe's page and the callback; seller B has not; a buyer
//! pays an order shared by A and B → A is paid (through the transfer queue and the transfer
//! function), B's share is held; B onboards → B is paid (the same way); a
//! partial refund → proportional reversals; both balances match. Redelivering every event then
//! changes nothing (exactly once). The refund then fails (repaid), the buyer disputes part of the
//! charge (taken back) and the platform wins (repaid); the seller's payout history shows it all. Then the webhook forwarding is paused, a second order is paid,
//! and one reconcile pass (invoked through the local Lambda runtime, as the schedule would) pays
//! it. Waits are server-side long polls on "event delivered with a 2xx" (the webhook answers only
//! once its work is done), never sleeps.
//!
//! Amounts follow the documented rules, written out here rather than calling the domain code:
//! fee = round half up of gross × PLATFORM_FEE_BPS / 10 000 (`payouts::plan`), net = gross − fee;
//! a refund claims floor(net × refunded / received) of each share (`payouts::refund`).

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::client::Client;
use e2e::stack::Stack;
use e2e::token::TokenSpec;
use harness::stripe::{Control, browser};
use reqwest::Method;
use serde_json::{Value, json};

const ONBOARD: &str = "/api/v1/sell/connect/onboard";
const BALANCE: &str = "/api/v1/sell/balance";
const PAYOUTS: &str = "/api/v1/sell/payouts";

fn fee(gross: i64, bps: i64) -> i64 {
    (gross * bps + 5_000) / 10_000
}

fn claim(net: i64, received: i64, refunded: i64) -> i64 {
    net * refunded / received
}

/// One euro entry of a balance list.
fn eur(amount: i64) -> Value {
    json!([{"amount": amount, "currency": "eur"}])
}

/// The order's transfers once there are `n` of them, or what there is after 60 s: the webhook
/// only sends a payment (or a released share) to the transfer queue, and the transfer function
/// pays it from there (`make dev`'s pump plays Lambda's event source mapping).
async fn transfers_when(stripe: &Control, order: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let transfers = stripe.transfers(order).await;
        if transfers.len() >= n || Instant::now() > deadline {
            return transfers;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The seller's balance through the API once `done` holds, or the last answer after 45 s: the
/// cache serves a value for its TTL (1 s on the test's own stack, 30 s by default on a `make dev`
/// stack the test may run against), so a change shows within one TTL.
async fn balance_when(api: &Client, token: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let reply = api.api(Method::GET, BALANCE, Some(token)).await;
        let body = reply.expect(200, "balance").json;
        if done(&body) || Instant::now() > deadline {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_shared_by_two_sellers_is_paid_held_released_and_refunded() {
    let stack = Stack::start(Path::new(env!("CARGO_TARGET_TMPDIR")));
    let api = Client::new(&stack);
    let stripe = Control::at(&stack.stripe, &stack.stripe_key);
    // Fresh ids: the test can also run against a long-lived `make dev` stack.
    let run = &uuid::Uuid::new_v4().simple().to_string()[..10];
    let (alice, bob, order) = (
        format!("usr_a{run}"),
        format!("usr_b{run}"),
        format!("ord_{run}"),
    );
    let token = |sub: &str| stack.minter.mint(&TokenSpec::seller(sub)).expect("token");
    let (token_a, token_b) = (token(&alice), token(&bob));
    assert_preflights_as_the_template_configures(&api, &stack.frontend_origin).await;

    // Seller A onboards like a browser would: onboard → Stripe's page → callback → complete.
    let acct_a = onboard_through_stripe_page(&api, &token_a).await;
    let status = api
        .api(Method::POST, ONBOARD, Some(&token_a))
        .await
        .expect(200, "A again");
    assert_eq!(status.json["status"], "complete", "{}", status.text);
    assert!(status.json["dashboard_url"].is_string(), "{}", status.text);

    // Seller B has not onboarded.
    let b = api
        .api(Method::GET, BALANCE, Some(&token_b))
        .await
        .expect(200, "B's balance");
    assert_eq!(
        b.json,
        json!({"status": "not_started", "available": [], "pending": []})
    );

    // A buyer pays the order: 60.01 EUR of A's items, 39.99 of B's, 5.00 shipping.
    let (gross_a, gross_b, received) = (6_001, 3_999, 10_500);
    let bps = i64::from(stack.fee_bps);
    let (net_a, net_b) = (gross_a - fee(gross_a, bps), gross_b - fee(gross_b, bps));
    let shares = [(alice.as_str(), gross_a), (bob.as_str(), gross_b)];
    let paid = stripe.pay(&order, "eur", received, &shares, true).await;
    stripe.wait_delivered(&paid.event).await;
    let transfers = transfers_when(&stripe, &order, 1).await;
    assert_eq!(
        transfers.len(),
        1,
        "only A is paid, B's share is held: {transfers:?}"
    );
    assert_transfer(&transfers[0], &acct_a, net_a, &paid.charge);

    // B onboards (Stripe's account.updated is what tells us) → B's held share is released.
    let started = api
        .api(Method::POST, ONBOARD, Some(&token_b))
        .await
        .expect(200, "B onboards");
    let acct_b = started.json["stripe_account_id"]
        .as_str()
        .expect("B's account")
        .to_owned();
    let account_event = stripe.complete_onboarding(&acct_b).await;
    stripe.wait_delivered(&account_event).await;
    let transfers = transfers_when(&stripe, &order, 2).await;
    assert_eq!(
        transfers.len(),
        2,
        "B is paid once onboarded: {transfers:?}"
    );
    let to = |acct: &str| transfers.iter().find(|t| t["destination"] == acct).cloned();
    let (tr_a, tr_b) = (
        to(&acct_a).expect("A's transfer"),
        to(&acct_b).expect("B's transfer"),
    );
    assert_transfer(&tr_b, &acct_b, net_b, &paid.charge);
    let b_status = api
        .api(Method::POST, ONBOARD, Some(&token_b))
        .await
        .expect(200, "B's status");
    assert_eq!(b_status.json["status"], "complete", "{}", b_status.text);

    // A partial refund takes back each seller's proportional part of their net.
    let refunded = 3_333;
    let refund = stripe
        .refund_with(&paid.charge, Some(refunded), json!({}), true)
        .await;
    let refund_event = refund.event.clone();
    stripe.wait_delivered(&refund_event).await;
    let (claim_a, claim_b) = (
        claim(net_a, received, refunded),
        claim(net_b, received, refunded),
    );
    assert_reversed(&stripe, &tr_a, claim_a).await;
    assert_reversed(&stripe, &tr_b, claim_b).await;

    // Exactly once: every event delivered again (twice, concurrently) changes nothing.
    for event in [&paid.event, &account_event, &refund_event] {
        let statuses = stripe.deliver(event, 2, 2).await;
        assert_eq!(statuses, [Some(200), Some(200)], "redelivering {event}");
    }
    assert_eq!(
        stripe.transfers(&order).await.len(),
        2,
        "no transfer is made twice"
    );
    assert_reversed(&stripe, &tr_a, claim_a).await;
    assert_reversed(&stripe, &tr_b, claim_b).await;

    // Both sellers' balances, read through the API, are what they were paid less what was taken
    // back, and agree with Stripe's own figures: pending while the charge's funds are (Stripe
    // makes money funded from a charge available when the charge's funds are), then available.
    let sellers = [
        ("A", &token_a, &acct_a, net_a - claim_a),
        ("B", &token_b, &acct_b, net_b - claim_b),
    ];
    for (who, tok, acct, expected) in sellers {
        let reply = api
            .api(Method::GET, BALANCE, Some(tok))
            .await
            .expect(200, who);
        assert_eq!(reply.json["status"], "complete", "{who}: {}", reply.text);
        assert_eq!(
            reply.json["pending"],
            eur(expected),
            "{who}: {}",
            reply.text
        );
        assert_eq!(reply.json["available"], eur(0), "{who}: {}", reply.text);
        let on_stripe = stripe.balance(acct, "eur").await;
        assert_eq!(on_stripe, (0, expected), "{who} on Stripe");
    }
    stripe.make_available(&paid.charge).await;
    for (who, tok, acct, expected) in sellers {
        let now = balance_when(&api, tok, |b| b["available"] == eur(expected)).await;
        assert_eq!(
            now["available"],
            eur(expected),
            "{who} once available: {now}"
        );
        assert_eq!(now["pending"], eur(0), "{who} once available: {now}");
        let on_stripe = stripe.balance(acct, "eur").await;
        assert_eq!(on_stripe, (expected, 0), "{who} on Stripe");
    }

    // The refund fails (the money is back on the platform): what it took is repaid to each seller
    // by a new transfer. The buyer then disputes 5000: taken back in proportion
    // (DISPUTE_POLICY=reverse); the platform wins: repaid. Each seller ends with their whole net.
    delivered(&stripe, stripe.fail_refund(&refund.id, true).await).await;
    for (acct, net) in [(&acct_a, net_a), (&acct_b, net_b)] {
        assert_eq!(stripe.received(acct, "eur").await, net, "refund failed");
    }
    let disputed = 5_000;
    let dispute = stripe.dispute(&paid.charge, Some(disputed), true).await;
    delivered(&stripe, dispute.events).await;
    for (acct, net) in [(&acct_a, net_a), (&acct_b, net_b)] {
        let left = net - claim(net, received, disputed);
        assert_eq!(stripe.received(acct, "eur").await, left, "dispute");
    }
    delivered(
        &stripe,
        stripe.close_dispute(&dispute.id, "won", true).await,
    )
    .await;
    for (acct, net) in [(&acct_a, net_a), (&acct_b, net_b)] {
        assert_eq!(stripe.received(acct, "eur").await, net, "dispute won");
    }
    let transfers = stripe.transfers(&order).await;
    assert_eq!(
        transfers.len(),
        6,
        "two payouts, two repayments each: {transfers:?}"
    );
    // A's payout history tells it: paid, reversed by the refund, repaid when it failed, reversed
    // by the dispute, repaid when it was won; A holds the whole net.
    let history = api
        .api(Method::GET, PAYOUTS, Some(&token_a))
        .await
        .expect(200, "A's payout history");
    let item = &history.json["data"][0];
    assert_eq!(item["order_id"], order.as_str(), "{}", history.text);
    assert_eq!(item["state"], "paid", "{}", history.text);
    let kinds: Vec<&str> = item["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in [
        "paid",
        "reversed",
        "repaid",
        "dispute_withdrawn",
        "dispute_won",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let held = item["transferred"].as_i64().unwrap() - item["reversed"].as_i64().unwrap();
    assert_eq!(held, net_a, "{}", history.text);

    // The webhook endpoint is down: a payment's event is never delivered. One reconcile pass
    // (the scheduled event through the local runtime) catches up and pays A, once.
    let missed = format!("{order}_m");
    stripe.pause_webhooks().await;
    let unseen = stripe
        .pay(&missed, "eur", 2_000, &[(alice.as_str(), 2_000)], true)
        .await;
    stripe.resume_webhooks().await;
    assert!(stripe.deliveries(&unseen.event).await.is_empty());
    assert!(stripe.transfers(&missed).await.is_empty());
    let report = api
        .invoke("reconcile", "tests/events/reconcile-scheduled.json")
        .await;
    assert!(
        report["catch_up"]["caught_up"].as_u64() >= Some(1),
        "{report}"
    );
    assert_eq!(report["errors"], json!([]), "{report}");
    let transfers = stripe.transfers(&missed).await;
    assert_eq!(transfers.len(), 1, "{transfers:?}");
    assert_transfer(
        &transfers[0],
        &acct_a,
        2_000 - fee(2_000, bps),
        &unseen.charge,
    );
    let again = api
        .invoke("reconcile", "tests/events/reconcile-scheduled.json")
        .await;
    assert_eq!(again["catch_up"]["caught_up"], json!(0), "{again}");
    assert_eq!(stripe.transfers(&missed).await.len(), 1);
}

/// The browser's preflights get the functions' CORS policy (`make dev` runs cargo-lambda with
/// its own CORS disabled), which a store test proves equal to the template's CorsConfiguration:
/// what works here works behind API Gateway. Another origin gets no CORS headers.
async fn assert_preflights_as_the_template_configures(api: &Client, origin: &str) {
    use interceptors::response::cors;
    for (path, method) in [(ONBOARD, "POST"), (BALANCE, "GET")] {
        let (status, headers) = api.preflight(path, origin, method).await;
        assert_eq!(status, 204, "{method} {path}");
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("access-control-allow-origin"), origin, "{path}");
        assert_eq!(header("access-control-allow-methods"), cors::ALLOW_METHODS);
        assert_eq!(header("access-control-allow-headers"), cors::ALLOW_HEADERS);
        assert_eq!(header("access-control-max-age"), cors::MAX_AGE_SECS);
        let (_, other) = api.preflight(path, "https://evil.example", method).await;
        assert!(other.get("access-control-allow-origin").is_none(), "{path}");
    }
}

/// onboard → the Account Link page → "Complete onboarding" → Stripe's redirect to our callback
/// (`mode=return`) → the callback's redirect to the seller page with `onboarding=complete`.
async fn onboard_through_stripe_page(api: &Client, token: &str) -> String {
    let started = api
        .api(Method::POST, ONBOARD, Some(token))
        .await
        .expect(200, "onboard");
    assert_eq!(started.json["status"], "pending", "{}", started.text);
    let acct = started.json["stripe_account_id"]
        .as_str()
        .expect("account id")
        .to_owned();
    let link = started.json["onboarding_url"]
        .as_str()
        .expect("onboarding_url");

    let back = browser::completes(link).await;
    let callback = format!(
        "{}/api/v1/sell/connect/callback?mode=return&state=",
        api.api
    );
    assert!(
        back.starts_with(&callback),
        "Stripe returns to our callback: {back}"
    );
    let landed = api.browse(&back).await.expect(302, "callback");
    let page = landed
        .location
        .expect("the callback redirects to the seller page");
    assert!(page.ends_with("?onboarding=complete"), "{page}");
    acct
}

#[track_caller]
fn assert_transfer(transfer: &Value, destination: &str, amount: i64, charge: &str) {
    assert_eq!(transfer["destination"], destination, "{transfer}");
    assert_eq!(transfer["amount"], amount, "{transfer}");
    assert_eq!(transfer["currency"], "eur", "{transfer}");
    assert_eq!(transfer["source_transaction"], charge, "{transfer}");
}

/// Waits until each event was delivered with a 2xx.
async fn delivered(stripe: &Control, events: Vec<String>) {
    assert!(!events.is_empty());
    for event in &events {
        stripe.wait_delivered(event).await;
    }
}

/// The transfer has exactly `amount` reversed, in one reversal.
async fn assert_reversed(stripe: &Control, transfer: &Value, amount: i64) {
    let id = transfer["id"].as_str().expect("transfer id");
    let now = stripe.api_get(&format!("transfers/{id}"), None).await;
    assert_eq!(now["amount_reversed"], amount, "{now}");
    let reversals = stripe
        .api_get(&format!("transfers/{id}/reversals"), None)
        .await;
    let amounts: Vec<i64> = reversals["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|r| r["amount"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(amounts, [amount], "{reversals}");
}
