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
    /// `BENCH_FLASH_STRIPE_LATENCY_MS`: how long Stripe takes to answer an admitted request
    /// (default 0: the local server's own speed).
    pub latency: Duration,
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
    /// `BENCH_FLASH_DESIGN`: `inline` (the webhook pays the shares inside the delivery) or
    /// `queued` (it sends them to the transfer queue; the transfer worker pays them).
    pub queued: bool,
    /// The queued design's transfer worker (`BENCH_FLASH_WORKER_*`, see [`Worker`]).
    pub worker: Worker,
}

/// The transfer function and its event source mapping, as template.yaml deploys them.
pub struct Worker {
    /// `BENCH_FLASH_WORKERS`: `ScalingConfig.MaximumConcurrency`, instances at once.
    pub instances: usize,
    /// `BENCH_FLASH_WORKER_BATCH`: messages per batch (`BatchSize`).
    pub batch: usize,
    /// `BENCH_FLASH_WORKER_RETRY` = `attempts,base_ms,max_ms`: its adapter's retries (default:
    /// the function's own, `transfer::retry_policy()`).
    pub retry: RetryPolicy,
    /// `BENCH_FLASH_WORKER_TIMEOUT_S`: the function's timeout.
    pub timeout: Duration,
    /// `BENCH_FLASH_VISIBILITY_S`: the queue's visibility timeout (the wait of a batch cut off
    /// at the function's timeout; a reported failure waits the worker's backoff).
    pub visibility: Duration,
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

/// `attempts,base_ms,max_ms` from `name`, else `default`.
fn retry_policy(name: &str, default: RetryPolicy) -> RetryPolicy {
    let Ok(spec) = std::env::var(name) else {
        return default;
    };
    let parts: Vec<u64> = spec
        .split(',')
        .map(|p| {
            p.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}=attempts,base_ms,max_ms"))
        })
        .collect();
    let [attempts, base, max] = parts[..] else {
        panic!("{name}=attempts,base_ms,max_ms, not {spec}");
    };
    RetryPolicy {
        attempts: u32::try_from(attempts).expect("attempts"),
        base_delay: Duration::from_millis(base),
        max_delay: Duration::from_millis(max),
    }
}

fn seconds(name: &str, default: f64) -> Duration {
    Duration::from_secs_f64(number(name, default))
}

impl Knobs {
    pub fn from_env() -> Knobs {
        let mut knobs = Knobs {
            orders: number("BENCH_FLASH_ORDERS", 10_000),
            sellers: number("BENCH_FLASH_SELLERS", 3),
            arrival: seconds("BENCH_FLASH_ARRIVAL_S", 60.0),
            rate: number("BENCH_FLASH_RATE", 100.0),
            latency: Duration::from_millis(number("BENCH_FLASH_STRIPE_LATENCY_MS", 0)),
            concurrency: number("BENCH_FLASH_CONCURRENCY", 1000),
            redelivery: seconds("BENCH_FLASH_REDELIVERY_S", 60.0),
            retry: retry_policy("BENCH_FLASH_RETRY", RetryPolicy::default()),
            stripe_calls: number("BENCH_FLASH_STRIPE_CALLS", 0),
            deadline: Duration::ZERO,
            label: std::env::var("BENCH_FLASH_LABEL").unwrap_or_else(|_| "inline".into()),
            queued: match std::env::var("BENCH_FLASH_DESIGN").as_deref() {
                Ok("queued") => true,
                Ok("inline") | Err(_) => false,
                Ok(other) => panic!("BENCH_FLASH_DESIGN={other}: inline or queued"),
            },
            worker: Worker {
                instances: number("BENCH_FLASH_WORKERS", 5),
                batch: number("BENCH_FLASH_WORKER_BATCH", 10),
                retry: retry_policy("BENCH_FLASH_WORKER_RETRY", transfer::retry_policy()),
                timeout: seconds("BENCH_FLASH_WORKER_TIMEOUT_S", 120.0),
                visibility: seconds("BENCH_FLASH_VISIBILITY_S", 720.0),
            },
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
            "stripe_latency_ms": self.latency.as_millis(),
            "concurrency": self.concurrency,
            "redelivery_first_s": self.redelivery.as_secs_f64(),
            "retry": retry_json(&self.retry),
            "stripe_calls_in_flight": self.stripe_calls,
            "deadline_s": self.deadline.as_secs_f64(),
            "design": if self.queued { "queued" } else { "inline" },
            "worker": self.queued.then(|| json!({
                "instances": self.worker.instances,
                "batch": self.worker.batch,
                "retry": retry_json(&self.worker.retry),
                "timeout_s": self.worker.timeout.as_secs_f64(),
                "visibility_s": self.worker.visibility.as_secs_f64(),
            })),
        })
    }
}

fn retry_json(retry: &RetryPolicy) -> Value {
    json!({
        "attempts": retry.attempts,
        "base_ms": retry.base_delay.as_millis(),
        "max_ms": retry.max_delay.as_millis(),
    })
}
