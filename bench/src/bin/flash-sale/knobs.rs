//! What a run simulates, from the environment (`BENCH_FLASH_*`), with the full-size defaults of
//! issue 15: 10,000 orders of 3 sellers arriving within 60 s, against Stripe's live-mode limit.

use std::time::Duration;

use serde_json::{Value, json};
use stripe_adapter::RetryPolicy;

pub struct Knobs {
    /// `BENCH_FLASH_ORDERS`: orders paid (each has one share per seller).
    pub orders: usize,
    /// `BENCH_FLASH_SELLERS`.
    pub sellers: usize,
    /// `BENCH_FLASH_ARRIVAL_S`: the payments arrive evenly over this window.
    pub arrival: Duration,
    /// `BENCH_FLASH_RATE`: Stripe's limit, requests per second (burst: one second's worth).
    pub rate: f64,
    /// `BENCH_FLASH_CONCURRENCY`: handler instances at once (Lambda's concurrency: 1000 is an
    /// account's default quota); a delivery finding none free is throttled (a non-2xx).
    pub concurrency: usize,
    /// `BENCH_FLASH_REDELIVERY_S`: Stripe's first redelivery after a failed delivery, doubled
    /// for each further one (jittered, capped at an hour).
    pub redelivery: Duration,
    /// `BENCH_FLASH_RETRY` = `attempts,base_ms,max_ms`: the adapter's in-process retries
    /// (default: the webhook's, `RetryPolicy::default()`).
    pub retry: RetryPolicy,
    /// `BENCH_FLASH_STRIPE_CALLS`: at most this many Stripe calls in flight in the process
    /// (0: unbounded, as deployed).
    pub stripe_calls: usize,
    /// `BENCH_FLASH_DEADLINE_S` (default: the goal, 1.1 × the bound): the run stops waiting
    /// after this long; what is unpaid then is reported, not lost (Stripe would keep
    /// redelivering). Keeps `make bench` bounded whatever the design does.
    pub deadline: Duration,
    /// `BENCH_FLASH_LABEL`: the design or variant measured (a row of the report).
    pub label: String,
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a number")),
        _ => default,
    }
}

fn retry_policy() -> RetryPolicy {
    let Ok(spec) = std::env::var("BENCH_FLASH_RETRY") else {
        return RetryPolicy::default();
    };
    let parts: Vec<u64> = spec
        .split(',')
        .map(|p| {
            p.trim()
                .parse()
                .expect("BENCH_FLASH_RETRY=attempts,base_ms,max_ms")
        })
        .collect();
    let [attempts, base, max] = parts[..] else {
        panic!("BENCH_FLASH_RETRY=attempts,base_ms,max_ms, not {spec}");
    };
    RetryPolicy {
        attempts: u32::try_from(attempts).expect("attempts"),
        base_delay: Duration::from_millis(base),
        max_delay: Duration::from_millis(max),
    }
}

impl Knobs {
    pub fn from_env() -> Knobs {
        let mut knobs = Knobs {
            orders: number("BENCH_FLASH_ORDERS", 10_000),
            sellers: number("BENCH_FLASH_SELLERS", 3),
            arrival: Duration::from_secs_f64(number("BENCH_FLASH_ARRIVAL_S", 60.0)),
            rate: number("BENCH_FLASH_RATE", 100.0),
            concurrency: number("BENCH_FLASH_CONCURRENCY", 1000),
            redelivery: Duration::from_secs_f64(number("BENCH_FLASH_REDELIVERY_S", 60.0)),
            retry: retry_policy(),
            stripe_calls: number("BENCH_FLASH_STRIPE_CALLS", 0),
            deadline: Duration::ZERO,
            label: std::env::var("BENCH_FLASH_LABEL").unwrap_or_else(|_| "inline".into()),
        };
        let goal = 1.1 * knobs.bound_s();
        knobs.deadline = Duration::from_secs_f64(number("BENCH_FLASH_DEADLINE_S", goal));
        knobs
    }

    /// The calls the design cannot avoid: one settlement read per order, one transfer per share.
    pub fn calls_needed(&self) -> usize {
        self.orders * (self.sellers + 1)
    }

    /// Those calls at the limit, and never before the last payment arrived.
    pub fn bound_s(&self) -> f64 {
        (self.calls_needed() as f64 / self.rate).max(self.arrival.as_secs_f64())
    }

    /// The knobs as the report shows them.
    pub fn json(&self) -> Value {
        json!({
            "orders": self.orders,
            "sellers": self.sellers,
            "arrival_s": self.arrival.as_secs_f64(),
            "rate_per_s": self.rate,
            "concurrency": self.concurrency,
            "redelivery_first_s": self.redelivery.as_secs_f64(),
            "retry": {
                "attempts": self.retry.attempts,
                "base_ms": self.retry.base_delay.as_millis(),
                "max_ms": self.retry.max_delay.as_millis(),
            },
            "stripe_calls_in_flight": self.stripe_calls,
            "deadline_s": self.deadline.as_secs_f64(),
        })
    }
}
