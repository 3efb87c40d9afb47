//! Stripe's side of the webhook, as the simulation models it: each event is sent as soon as it
//! exists to a handler instance (one of `concurrency`, as Lambda's concurrency; none free is a
//! throttle), signed as Stripe signs, decoded by `lambda_http` from an API Gateway v2 event and
//! answered by `webhook::handle` itself. A non-2xx answer (503 when a 429 reached the webhook's
//! answer, a throttle, a Lambda timeout) makes Stripe deliver the event again later: Stripe does
//! not publish its live-mode intervals ("exponential backoff, up to three days"), so the model is
//! a first redelivery after `first_redelivery`, doubled each time, jittered ±20 %, capped at an
//! hour — on the optimistic side of what Stripe does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng as _;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use webhook::Deps;

use crate::stack::SIGNING_SECRET;

/// The webhook's Lambda timeout (template.yaml): a handler still running is cut off, a 5xx.
const LAMBDA_TIMEOUT: Duration = Duration::from_secs(25);
const MAX_REDELIVERY: Duration = Duration::from_secs(3600);

/// What the deliveries met, counted as they happen.
#[derive(Default)]
pub struct Stats {
    pub attempts: AtomicU64,
    pub delivered: AtomicU64,
    /// Answered 5xx by the webhook (a Stripe 429 or other failure reached its answer).
    pub failed: AtomicU64,
    /// No handler instance free (Lambda's throttle).
    pub throttled: AtomicU64,
    /// Cut off at the Lambda timeout.
    pub timed_out: AtomicU64,
    pub in_flight: AtomicU64,
    /// Milliseconds since the start of the sale when the last event was delivered.
    pub last_delivered_ms: AtomicU64,
    /// Events by the number of attempts their delivery took.
    pub attempts_per_event: Mutex<BTreeMap<u32, u64>>,
}

impl Stats {
    pub fn json(&self) -> Value {
        let attempts = self.attempts.load(Ordering::Relaxed);
        let delivered = self.delivered.load(Ordering::Relaxed);
        let histogram = self
            .attempts_per_event
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(n, events)| (n.to_string(), json!(events)))
            .collect::<serde_json::Map<_, _>>();
        json!({
            "attempts": attempts,
            "delivered": delivered,
            "redeliveries": attempts.saturating_sub(delivered),
            "answered_5xx": self.failed.load(Ordering::Relaxed),
            "throttled": self.throttled.load(Ordering::Relaxed),
            "timed_out": self.timed_out.load(Ordering::Relaxed),
            "attempts_per_event": histogram,
        })
    }
}

pub struct Deliverer {
    deps: Arc<Deps>,
    slots: Arc<Semaphore>,
    first_redelivery: Duration,
    /// When the sale began (the clock of `last_delivered_ms`).
    pub start: Instant,
    /// No redelivery is scheduled past this.
    give_up_at: Instant,
    pub stats: Stats,
}

impl Deliverer {
    pub fn new(
        deps: Arc<Deps>,
        concurrency: usize,
        first_redelivery: Duration,
        deadline: Duration,
    ) -> Deliverer {
        let start = Instant::now();
        Deliverer {
            deps,
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            first_redelivery,
            start,
            give_up_at: start + deadline,
            stats: Stats::default(),
        }
    }

    /// Delivers the event until a 2xx, as Stripe would; `false` if the run's deadline came
    /// first (the event would still be redelivered live).
    pub async fn deliver(&self, route: &str, body: &str) -> bool {
        let stats = &self.stats;
        for attempt in 1.. {
            stats.attempts.fetch_add(1, Ordering::Relaxed);
            if (200..300).contains(&self.attempt(route, body).await) {
                let at = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
                stats.delivered.fetch_add(1, Ordering::Relaxed);
                stats.last_delivered_ms.fetch_max(at, Ordering::Relaxed);
                *stats
                    .attempts_per_event
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(attempt)
                    .or_insert(0) += 1;
                return true;
            }
            let next = Instant::now() + self.redelivery_delay(attempt);
            if next > self.give_up_at {
                return false;
            }
            tokio::time::sleep_until(next).await;
        }
        false
    }

    /// One attempt: the HTTP status Stripe would see.
    async fn attempt(&self, route: &str, body: &str) -> u16 {
        let Ok(_instance) = self.slots.try_acquire() else {
            self.stats.throttled.fetch_add(1, Ordering::Relaxed);
            return 429;
        };
        self.stats.in_flight.fetch_add(1, Ordering::Relaxed);
        let answer = tokio::time::timeout(
            LAMBDA_TIMEOUT,
            webhook::handle(&self.deps, request(route, body)),
        )
        .await;
        self.stats.in_flight.fetch_sub(1, Ordering::Relaxed);
        let status = match answer {
            Ok(res) => res.status().as_u16(),
            Err(_) => {
                self.stats.timed_out.fetch_add(1, Ordering::Relaxed);
                504
            }
        };
        if status >= 500 {
            self.stats.failed.fetch_add(1, Ordering::Relaxed);
        }
        status
    }

    fn redelivery_delay(&self, attempt: u32) -> Duration {
        let doubled = self
            .first_redelivery
            .saturating_mul(1 << attempt.saturating_sub(1).min(16));
        doubled
            .min(MAX_REDELIVERY)
            .mul_f64(rand::rng().random_range(0.8..1.2))
    }
}

/// The API Gateway (HTTP API, payload 2.0) event of a Stripe delivery, as `lambda_http` decodes
/// it on Lambda, signed now.
fn request(route: &str, body: &str) -> interceptors::Request {
    let signature = stripe_local::webhooks::sign(
        &[SIGNING_SECRET.to_owned()],
        payouts::clock::unix_now(),
        body,
    );
    let event = json!({
        "version": "2.0",
        "routeKey": format!("POST {route}"),
        "rawPath": route,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signature,
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        "requestContext": {
            "accountId": "123456789012", "apiId": "flashsale", "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": "POST", "path": route, "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1", "userAgent": "Stripe/1.0",
            },
            "requestId": uuid(),
            "routeKey": format!("POST {route}"),
            "stage": "$default",
            "time": "01/Jan/2030:00:00:00 +0000",
            "timeEpoch": 1_893_456_000_000_i64,
        },
        "body": body,
        "isBase64Encoded": false,
    });
    lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event")
}

fn uuid() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}
