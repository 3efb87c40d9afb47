//! Stand-in traffic: EMF lines shaped like the functions' records, covering every metric and
//! dimension set of docs/METRICS.md.
//!
//! The dashboards proof is fed the lines the real functions print while serving real traffic
//! (tests/traffic); this generator only serves the unit tests of the chain (config coverage,
//! the checker's non-vacuity) that must not depend on the local stack.

use crate::catalogue::{BY_FUNCTION, BY_ROUTE, NAMESPACE};
use interceptors::metrics::names;
use serde_json::{Map, Value, json};

mod flows;
use flows::{charge_events, reconciler};

/// One EMF record: one directive, the given dimension sets, metrics and root members.
fn record(
    ts: i64,
    sets: &[&[&str]],
    members: &[(&str, &str)],
    metrics: &[(&str, &str, f64)],
    props: &[(&str, &str)],
) -> String {
    let mut root = Map::new();
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, unit, _)| json!({"Name": name, "Unit": unit}))
        .collect();
    root.insert(
        "_aws".into(),
        json!({"Timestamp": ts, "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": sets, "Metrics": definitions}]}),
    );
    for (k, v) in members.iter().chain(props) {
        root.insert(k.to_string(), json!(v));
    }
    for (name, _, value) in metrics {
        root.insert(name.to_string(), json!(value));
    }
    Value::Object(root).to_string()
}

/// The interceptor's per-request record: both dimension sets, one record per request.
fn request(
    ts: i64,
    function: &str,
    method: &str,
    route: &str,
    status: u16,
    latency_ms: f64,
    n: usize,
) -> String {
    let status_text = status.to_string();
    let request_id = format!("req-{function}-{n}");
    record(
        ts,
        &[BY_ROUTE, BY_FUNCTION],
        &[
            (names::FUNCTION, function),
            (names::METHOD, method),
            (names::ROUTE, route),
            (names::STATUS, &status_text),
        ],
        &[
            (names::REQUESTS, "Count", 1.0),
            (names::LATENCY, "Milliseconds", latency_ms),
            (
                names::ERRORS,
                "Count",
                if status >= 500 { 1.0 } else { 0.0 },
            ),
            (
                names::CLIENT_ERRORS,
                "Count",
                if (400..500).contains(&status) {
                    1.0
                } else {
                    0.0
                },
            ),
        ],
        &[(names::REQUEST_ID, &request_id)],
    )
}

/// A business record with one dimension set of `Function` plus `dims`.
fn business(
    ts: i64,
    function: &str,
    dims: &[(&str, &str)],
    metrics: &[(&str, &str, f64)],
    props: &[(&str, &str)],
) -> String {
    let mut set = vec![names::FUNCTION];
    set.extend(dims.iter().map(|(k, _)| *k));
    let mut members = vec![(names::FUNCTION, function)];
    members.extend_from_slice(dims);
    record(ts, &[&set], &members, metrics, props)
}

/// Requests per route: (function, method, route template, statuses).
const TRAFFIC: &[(&str, &str, &str, &[u16])] = &[
    (
        "onboard",
        "POST",
        "/api/v1/sell/connect/onboard",
        &[200, 200, 200, 200, 200, 401, 500],
    ),
    (
        "callback",
        "GET",
        "/api/v1/sell/connect/callback",
        &[200, 200, 200, 400],
    ),
    (
        "balance",
        "GET",
        "/api/v1/sell/balance",
        &[200, 200, 200, 200, 200, 200, 200, 200, 401, 502],
    ),
    (
        "webhook",
        "POST",
        "/api/v1/webhooks/stripe",
        &[200, 200, 200, 200, 200, 200, 400, 500],
    ),
    (
        "webhook",
        "POST",
        "/api/v1/webhooks/stripe/connect",
        &[200, 200, 200],
    ),
];

/// EMF lines for one burst of traffic at `now_ms`, covering every catalogued metric.
pub fn emf_lines(now_ms: i64) -> Vec<String> {
    let ts = now_ms;
    let mut lines = Vec::new();
    for function in ["onboard", "callback", "balance", "webhook", "reconcile"] {
        lines.push(business(
            ts,
            function,
            &[],
            &[(names::COLD_STARTS, "Count", 1.0)],
            &[],
        ));
    }
    let mut n = 0;
    for (function, method, route, statuses) in TRAFFIC {
        for status in *statuses {
            n += 1;
            // A spread of handler times so p95, p99, average and maximum differ.
            let latency = 2.0 + (n * 37 % 50) as f64 + if *status >= 500 { 120.0 } else { 0.0 };
            lines.push(request(ts, function, method, route, *status, latency, n));
        }
    }
    let eur = [(names::CURRENCY, "eur")];
    let usd = [(names::CURRENCY, "usd")];
    let order = [("order_id", "ord_123"), ("event_id", "evt_1")];
    lines.extend([
        business(
            ts,
            "onboard",
            &[],
            &[(names::ONBOARDINGS_STARTED, "Count", 1.0)],
            &[("user_id", "usr_1")],
        ),
        business(
            ts,
            "onboard",
            &[],
            &[(names::ONBOARDINGS_STARTED, "Count", 1.0)],
            &[("user_id", "usr_2")],
        ),
        business(
            ts,
            "callback",
            &[],
            &[(names::ONBOARDINGS_COMPLETED, "Count", 1.0)],
            &[("user_id", "usr_1")],
        ),
        business(
            ts,
            "webhook",
            &[],
            &[(names::ONBOARDINGS_COMPLETED, "Count", 1.0)],
            &[("event_id", "evt_0")],
        ),
        business(
            ts,
            "webhook",
            &eur,
            &[(names::ORDERS_PAID, "Count", 1.0)],
            &order,
        ),
        business(
            ts,
            "webhook",
            &usd,
            &[(names::ORDERS_PAID, "Count", 1.0)],
            &[("order_id", "ord_124")],
        ),
        business(
            ts,
            "webhook",
            &[(names::REASON, "unknown_seller")],
            &[(names::PAYMENTS_REJECTED, "Count", 1.0)],
            &order,
        ),
        business(
            ts,
            "webhook",
            &eur,
            &[
                (names::TRANSFERS_CREATED, "Count", 1.0),
                (names::TRANSFERRED_AMOUNT, "None", 4_500.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &usd,
            &[
                (names::TRANSFERS_CREATED, "Count", 1.0),
                (names::TRANSFERRED_AMOUNT, "None", 1_999.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &[(names::REASON, "insufficient_funds")],
            &[(names::TRANSFERS_FAILED, "Count", 1.0)],
            &order,
        ),
        business(
            ts,
            "webhook",
            &eur,
            &[
                (names::SHARES_HELD, "Count", 1.0),
                (names::HELD_AMOUNT, "None", 2_500.0),
            ],
            &order,
        ),
        business(
            ts,
            "callback",
            &eur,
            &[(names::SHARES_RELEASED, "Count", 1.0)],
            &order,
        ),
        business(
            ts,
            "webhook",
            &eur,
            &[
                (names::REFUNDS, "Count", 1.0),
                (names::REFUNDED_AMOUNT, "None", 1_000.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &eur,
            &[
                (names::REVERSALS_CREATED, "Count", 1.0),
                (names::REVERSED_AMOUNT, "None", 900.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &[(names::REASON, "amount_exceeds_received")],
            &[(names::REVERSALS_FAILED, "Count", 1.0)],
            &order,
        ),
        business(
            ts,
            "balance",
            &[],
            &[(names::BALANCE_CACHE_HITS, "Count", 1.0)],
            &[("user_id", "usr_1")],
        ),
        business(
            ts,
            "balance",
            &[],
            &[(names::BALANCE_CACHE_HITS, "Count", 1.0)],
            &[("user_id", "usr_1")],
        ),
        business(
            ts,
            "balance",
            &[],
            &[(names::BALANCE_CACHE_MISSES, "Count", 1.0)],
            &[("user_id", "usr_2")],
        ),
    ]);
    let outcomes = [
        ("payment_intent.succeeded", "processed"),
        ("payment_intent.succeeded", "duplicate"),
        ("payment_intent.succeeded", "rejected"),
        ("charge.refunded", "processed"),
        ("charge.refunded", "failed"),
        ("account.updated", "processed"),
        ("customer.created", "ignored"),
    ];
    for (event_type, outcome) in outcomes {
        let dims = [(names::EVENT_TYPE, event_type), (names::OUTCOME, outcome)];
        lines.push(business(
            ts,
            "webhook",
            &dims,
            &[(names::WEBHOOK_EVENTS, "Count", 1.0)],
            &[("event_id", "evt_1")],
        ));
    }
    lines.extend(reconciler(ts));
    lines.extend(charge_events(ts));
    lines
}
