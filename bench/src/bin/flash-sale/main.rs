//! The flash sale of issue 15, simulated in one process: the local Stripe server enforcing
//! Stripe's rate limit, 3 sellers onboarded, then 10,000 orders (one share per seller) paid
//! within 60 s, each `payment_intent.succeeded` delivered to `webhook::handle` (the function's
//! own handler and flows, a real Stripe adapter, the in-memory stores) by as many concurrent
//! handler instances as Lambda would run, and delivered again, as Stripe does, when the answer
//! is not a 2xx. Then: how long until every share was paid, against the rate limit's bound, the
//! 429s, the redeliveries, and exactness read back from Stripe's objects.
//!
//! usage: flash-sale OUT.json (knobs: `BENCH_FLASH_*`, see knobs.rs). `scripts/bench.sh` runs it
//! and `scripts/bench/report_flash_sale.py` renders the result. Timings go to the report only.

mod deliver;
mod gate;
mod knobs;
mod metrics;
mod sample;
mod stack;
mod verify;
mod worker;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::task::JoinSet;

use deliver::Deliverer;
use knobs::Knobs;
use stack::Stack;

/// Each seller's gross share of an order (net of the 10 % fee: 900).
const GROSS: i64 = 1000;

fn main() {
    let out = std::env::args().nth(1).expect("usage: flash-sale OUT.json");
    let knobs = Knobs::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(run(&knobs));
    let text = serde_json::to_string_pretty(&result).expect("JSON");
    std::fs::write(&out, text + "\n").unwrap_or_else(|e| panic!("{out}: {e}"));
    eprintln!(
        "flash sale ({}): all paid in {} s, bound {} s, ratio {}, exact {} of {}",
        knobs.label,
        result["all_paid_s"],
        result["bound_s"],
        result["ratio"],
        result["exactness"]["exact"],
        result["exactness"]["shares"],
    );
}

async fn run(knobs: &Knobs) -> Value {
    let began = Instant::now();
    let stack = Stack::start(knobs).await;
    let control = stack.control.clone();

    // Onboarding, before the limit: each seller's account.updated through the Connect route.
    let mut sellers = Vec::new();
    let onboarding = Deliverer::new(stack.deps.clone(), 1, knobs.redelivery, knobs.deadline);
    for i in 0..knobs.sellers {
        let user = format!("usr_flash_{i}");
        let (account, event) = stack.seller(&user).await;
        let body = control.event_body(&event).await;
        assert!(
            onboarding
                .deliver(webhook::CONNECT_ROUTE.template, &body)
                .await,
            "{user}: account.updated not delivered"
        );
        sellers.push((user, account));
    }
    let users: Vec<String> = sellers.iter().map(|(u, _)| u.clone()).collect();

    control
        .set_rate_limit(Some(knobs.rate), knobs.latency)
        .await;
    let deliverer = Arc::new(Deliverer::new(
        stack.deps.clone(),
        knobs.concurrency,
        knobs.redelivery,
        knobs.deadline,
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sampler = tokio::spawn(sample::timeline(
        control.clone(),
        deliverer.clone(),
        stack.queue.clone(),
        stopped,
    ));
    let worker = &knobs.worker;
    let workers = worker::Workers::new(
        stack.queue.clone(),
        stack.worker_flows.clone(),
        stack.sink.clone(),
        worker::Mapping {
            instances: worker.instances,
            batch: worker.batch,
            timeout: worker.timeout,
            visibility: worker.visibility,
        },
        deliverer.start,
    );
    let mut instances = workers.spawn(deliverer.start + knobs.deadline);

    // The sale: order i is paid at i/N of the arrival window, and its event sent at once.
    let orders: Vec<String> = (0..knobs.orders)
        .map(|i| format!("ord_flash_{i}"))
        .collect();
    let users = Arc::new(users);
    let mut deliveries = JoinSet::new();
    for (i, order) in orders.iter().enumerate() {
        let at = deliverer.start + knobs.arrival.mul_f64(i as f64 / knobs.orders as f64);
        let (control, deliverer, users, order) = (
            control.clone(),
            deliverer.clone(),
            users.clone(),
            order.clone(),
        );
        deliveries.spawn(async move {
            tokio::time::sleep_until(at).await;
            let event = control.pay(&order, &users, GROSS).await;
            let body = control.event_body(&event).await;
            let arrived = deliverer.start.elapsed().as_secs_f64();
            let delivered = deliverer
                .deliver(webhook::PLATFORM_ROUTE.template, &body)
                .await;
            (arrived, delivered)
        });
    }
    let (mut last_arrival, mut undelivered) = (0.0f64, 0u64);
    while let Some(joined) = deliveries.join_next().await {
        let (arrived, delivered) = joined.expect("a delivery task");
        last_arrival = last_arrival.max(arrived);
        undelivered += u64::from(!delivered);
    }
    // The queued design pays after the deliveries: wait until the queue is drained.
    let deadline = deliverer.start + knobs.deadline;
    while !workers.drained() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let drained = workers.drained();
    instances.abort_all();
    let stats = &deliverer.stats;
    let last_ms = stats
        .last_delivered_ms
        .load(Ordering::Relaxed)
        .max(workers.stats.last_settled_ms.load(Ordering::Relaxed));
    let all_paid_s = (undelivered == 0 && drained).then_some(last_ms as f64 / 1000.0);
    let _ = stop.send(true);
    let timeline = sampler.await.unwrap_or_default();
    let limit = control.get("rate_limit").await;

    // Counted before the read-back below, whose own listing is not the sale's.
    let calls = verify::calls(&control).await;
    control.set_rate_limit(None, Duration::ZERO).await;
    let expected = verify::Expected {
        orders: &orders,
        sellers: &sellers,
        net: GROSS - GROSS * i64::from(stack::FEE_BPS) / 10_000,
    };
    let exactness = verify::exactness(&control, &stack.ledger, &expected).await;

    let (needed, bound_s) = (knobs.calls_needed(), knobs.bound_s());
    let transfers_bound_s = (knobs.orders * knobs.sellers) as f64 / knobs.rate;
    json!({
        "label": knobs.label,
        "knobs": knobs.json(),
        "all_paid_s": all_paid_s,
        "undelivered_at_deadline": undelivered,
        "last_arrival_s": last_arrival,
        "calls_needed": needed,
        "bound_s": bound_s,
        "transfers_bound_s": transfers_bound_s,
        "ratio": all_paid_s.map(|s| s / bound_s),
        "stripe": {
            "admitted": limit["admitted"],
            "refused_429": limit["refused"],
            "per_endpoint": calls,
        },
        "deliveries": stats.json(),
        "worker": knobs.queued.then(|| workers.stats.json()),
        "left_in_queue": stack.queue.len(),
        "metrics": stack.sink.sums(),
        "exactness": exactness,
        "timeline": timeline,
        "wall_s": began.elapsed().as_secs_f64(),
    })
}
