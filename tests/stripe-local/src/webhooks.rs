//! Webhook delivery like `stripe listen --forward-to`: signed POSTs, retried with backoff, every
//! attempt recorded so tests wait on "event X delivered with 2xx" instead of sleeping.
//!
//! Signature: `Stripe-Signature: t=<unix>,v1=<hex hmac_sha256(secret, "t.body")>` with one `v1`
//! per configured secret (two during a secret roll). `t` is the real wall clock, not the
//! server's controllable clock: receivers check it against their own clock (300 s tolerance).

use crate::config::{DeliveryPolicy, WebhookTarget};
use crate::state::{Event, real_now};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// `Stripe-Signature` header value for `body` signed at `t` with each secret.
pub fn sign(secrets: &[String], t: i64, body: &str) -> String {
    let mut header = format!("t={t}");
    for secret in secrets {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            continue;
        };
        mac.update(format!("{t}.{body}").as_bytes());
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac.finalize().into_bytes()));
    }
    header
}

/// One delivery attempt, as listed by `GET /_control/deliveries`.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub seq: u64,
    pub event_id: String,
    pub event_type: String,
    pub account: Option<String>,
    /// `platform` or `connect`.
    pub target: &'static str,
    pub url: String,
    pub attempt: u32,
    /// HTTP status received; `None` when the request failed (connection refused, timeout).
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Sent by `POST /_control/events/{id}/deliver` rather than by the automatic delivery.
    pub manual: bool,
    pub at: i64,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Targets {
    pub platform: Option<WebhookTarget>,
    pub connect: Option<WebhookTarget>,
}

pub struct Deliverer {
    client: reqwest::Client,
    policy: DeliveryPolicy,
    targets: Mutex<Targets>,
    /// The targets set aside by [`Deliverer::pause`], restored by [`Deliverer::resume`].
    paused: Mutex<Option<Targets>>,
    attempts: Mutex<Vec<Attempt>>,
    changed: watch::Sender<u64>,
    in_flight: AtomicUsize,
    tasks: Mutex<JoinSet<()>>,
}

/// Decrements the in-flight count even when a delivery task is aborted by a reset.
struct InFlight<'a>(&'a Deliverer);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.changed.send_modify(|v| *v += 1);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Deliverer {
    pub fn new(policy: DeliveryPolicy, targets: Targets) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(policy.timeout)
            .build()
            .unwrap_or_default();
        Self {
            client,
            policy,
            targets: Mutex::new(targets),
            paused: Mutex::new(None),
            attempts: Mutex::new(Vec::new()),
            changed: watch::channel(0).0,
            in_flight: AtomicUsize::new(0),
            tasks: Mutex::new(JoinSet::new()),
        }
    }

    /// Replaces the targets; ends a pause (explicit targets win over the set-aside ones).
    pub fn set_targets(&self, targets: Targets) {
        *lock(&self.paused) = None;
        *lock(&self.targets) = targets;
    }

    /// Stops automatic delivery of new events by setting the targets aside; events are still
    /// recorded (and listable), and are not delivered on resume, as when a Stripe endpoint is
    /// disabled. Pausing twice keeps the first set-aside targets.
    pub fn pause(&self) {
        let mut paused = lock(&self.paused);
        if paused.is_none() {
            *paused = Some(std::mem::take(&mut *lock(&self.targets)));
        }
    }

    /// Restores the targets set aside by [`Deliverer::pause`]; without a pause, nothing changes.
    pub fn resume(&self) {
        if let Some(targets) = lock(&self.paused).take() {
            *lock(&self.targets) = targets;
        }
    }

    pub fn is_paused(&self) -> bool {
        lock(&self.paused).is_some()
    }

    pub fn targets(&self) -> Targets {
        lock(&self.targets).clone()
    }

    /// Connect events go to the Connect target, else to the platform one (`stripe listen`).
    fn target_for(&self, connect: bool) -> Option<(&'static str, WebhookTarget)> {
        let t = lock(&self.targets);
        match (connect, &t.connect, &t.platform) {
            (true, Some(c), _) => Some(("connect", c.clone())),
            (_, _, Some(p)) => Some(("platform", p.clone())),
            _ => None,
        }
    }

    /// How many endpoints an event will be sent to (the event's `pending_webhooks`).
    pub fn target_count(&self, connect: bool) -> usize {
        usize::from(self.target_for(connect).is_some())
    }

    pub fn attempts(&self) -> Vec<Attempt> {
        lock(&self.attempts).clone()
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Aborts pending deliveries and forgets all attempts.
    pub fn reset(&self) {
        lock(&self.tasks).abort_all();
        lock(&self.attempts).clear();
        self.changed.send_modify(|v| *v += 1);
    }

    /// Sends one signed POST and records it.
    async fn send_once(&self, event: &Event, body: &str, attempt: u32, manual: bool) -> Attempt {
        let target = self.target_for(event.account.is_some());
        let (label, url, result) = match &target {
            None => (
                "none",
                String::new(),
                Err("no webhook target configured".to_owned()),
            ),
            Some((label, t)) => {
                let sig = sign(&t.secrets, real_now(), body);
                let res = self
                    .client
                    .post(&t.url)
                    .header("content-type", "application/json; charset=utf-8")
                    .header("stripe-signature", sig)
                    .header(
                        "user-agent",
                        "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    )
                    .body(body.to_owned())
                    .send()
                    .await;
                (
                    *label,
                    t.url.clone(),
                    res.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                )
            }
        };
        let mut attempts = lock(&self.attempts);
        let record = Attempt {
            seq: attempts.len() as u64 + 1,
            event_id: event.id.clone(),
            event_type: event.kind.clone(),
            account: event.account.clone(),
            target: label,
            url,
            attempt,
            status: result.as_ref().ok().copied(),
            error: result.err(),
            manual,
            at: real_now(),
        };
        attempts.push(record.clone());
        drop(attempts);
        self.changed.send_modify(|v| *v += 1);
        record
    }

    /// Delivers `event` in the background, retrying non-2xx answers per the policy.
    pub fn dispatch(self: &Arc<Self>, event: &Event) {
        if self.target_for(event.account.is_some()).is_none() {
            return;
        }
        let this = Arc::clone(self);
        let event = event.clone();
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let mut tasks = lock(&self.tasks);
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move {
            let _guard = InFlight(&this);
            let body = event.body.to_string();
            let mut delay = this.policy.backoff;
            for attempt in 1..=this.policy.max_attempts.max(1) {
                if this
                    .send_once(&event, &body, attempt, false)
                    .await
                    .succeeded()
                {
                    break;
                }
                if attempt < this.policy.max_attempts {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        });
    }

    /// Delivers `event` `times` times, at most `concurrency` at once, without retries; returns
    /// each attempt (in completion order).
    pub async fn deliver_now(
        self: &Arc<Self>,
        event: &Event,
        times: u32,
        concurrency: u32,
    ) -> Vec<Attempt> {
        let body = Arc::new(event.body.to_string());
        let sem = Arc::new(Semaphore::new(concurrency.max(1) as usize));
        let mut set = JoinSet::new();
        for i in 0..times {
            let (this, event, body, sem) = (
                Arc::clone(self),
                event.clone(),
                Arc::clone(&body),
                Arc::clone(&sem),
            );
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                this.send_once(&event, &body, i + 1, true).await
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(a) = r {
                out.push(a);
            }
        }
        out
    }

    /// Waits until `pred` holds for the recorded attempts (and in-flight count), or `timeout`.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        pred: impl Fn(&[Attempt], usize) -> bool,
    ) -> bool {
        let mut rx = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if pred(&lock(&self.attempts), self.in_flight()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                return pred(&lock(&self.attempts), self.in_flight());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_per_secret() {
        let h = sign(&["whsec_a".into(), "whsec_b".into()], 1_700_000_000, "{}");
        let parts: Vec<&str> = h.split(',').collect();
        assert_eq!(parts[0], "t=1700000000");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].starts_with("v1=") && parts[2].starts_with("v1="));
        assert_ne!(parts[1], parts[2]);
        // Known-answer check of the HMAC input "t.body".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_a").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(
            parts[1],
            format!("v1={}", hex::encode(mac.finalize().into_bytes()))
        );
    }
}
