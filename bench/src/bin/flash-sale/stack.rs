//! The simulated deployment: the local Stripe server (in this process, Stripe's rate limit on)
//! and the webhook's (and the transfer worker's) dependencies as their `main.rs` wire them, with the in-memory stores in
//! place of DynamoDB (equal to it by the contract suites; moto would be the bottleneck here, not
//! Stripe) and one real Stripe adapter shared by every handler, as one process would share them.

use std::sync::Arc;
use std::time::Duration;

use interceptors::{Interceptors, Metrics};
use payout_flows::FlowDeps;
use payouts::SellerAccount;
use payouts::keys;
use payouts::memory::{MemoryEventLog, MemoryLedger, MemorySellerAccounts, MemoryTransferQueue};
use payouts::ports::NewExpressAccount;
use serde_json::{Value, json};
use settings::{HttpSettings, PayoutSettings, Secret};
use stripe_adapter::StripeAdapter;
use webhook::{Config, Deps};

use crate::knobs::Knobs;
use crate::metrics::CountingSink;

/// What the local Stripe server signs deliveries with, and the webhook checks.
pub const SIGNING_SECRET: &str = "whsec_bench_flash_sale_0123456789abcdef";
/// `PLATFORM_FEE_BPS` as `make bench` sets it: each 1000 share nets 900.
pub const FEE_BPS: u16 = 1000;
/// The webhook's `STRIPE_TIMEOUT_MS` in template.yaml.
const STRIPE_TIMEOUT: Duration = Duration::from_millis(3000);

pub struct Stack {
    /// Kept: dropping the handle stops the server.
    _stripe: stripe_local::Handle,
    pub control: Control,
    pub deps: Arc<Deps>,
    pub ledger: Arc<MemoryLedger>,
    pub sink: Arc<CountingSink>,
    /// The transfer queue (sent to only in the queued design).
    pub queue: Arc<MemoryTransferQueue>,
    /// The transfer worker's flows: the same stores, its own Stripe client and retries.
    pub worker_flows: FlowDeps,
}

impl Stack {
    pub async fn start(knobs: &Knobs) -> Stack {
        // No webhook targets: deliveries are the simulation's own (crate::deliver), which models
        // Stripe's redelivery schedule and Lambda's concurrency.
        let stripe = stripe_local::spawn(stripe_local::Config::default())
            .await
            .expect("stripe-local starts");
        let control = Control::new(&stripe.base_url);
        let adapter_with = |retry| {
            StripeAdapter::new(&stripe.base_url, stripe.api_key(), STRIPE_TIMEOUT)
                .expect("Stripe adapter")
                .with_retry(retry)
        };
        let adapter = adapter_with(knobs.retry);
        let stripe_ports = crate::gate::Gated::new(adapter, knobs.stripe_calls);
        let ledger = Arc::new(MemoryLedger::new());
        let sink = Arc::new(CountingSink::default());
        let http = HttpSettings {
            frontend_url: "http://127.0.0.1:3000/sell".into(),
            frontend_origin: "http://127.0.0.1:3000".into(),
            max_body_bytes: 1 << 20,
        };
        let payout = PayoutSettings {
            platform_fee_bps: FEE_BPS,
            absorb_disputes: false,
        };
        let flows = FlowDeps::new(
            Arc::new(MemorySellerAccounts::new()),
            ledger.clone(),
            Arc::new(MemoryEventLog::new()),
            Arc::new(stripe_ports),
            &payout,
        );
        let worker_stripe = Arc::new(adapter_with(knobs.worker.retry));
        let worker_flows = FlowDeps {
            connect: worker_stripe.clone(),
            transfers: worker_stripe,
            ..flows.clone()
        };
        let queue = Arc::new(MemoryTransferQueue::default());
        let flows = if knobs.queued {
            flows.with_queue(queue.clone())
        } else {
            flows
        };
        let deps = Arc::new(Deps {
            flows,
            config: Config {
                platform_secrets: vec![Secret::new(SIGNING_SECRET)],
                connect_secrets: vec![Secret::new(SIGNING_SECRET)],
                livemode: false,
            },
            interceptors: Interceptors::new(
                Metrics::new(webhook::FUNCTION, sink.clone()),
                &http,
                None,
            ),
        });
        Stack {
            _stripe: stripe,
            control,
            deps,
            ledger,
            sink,
            queue,
            worker_flows,
        }
    }

    /// A seller as `onboard` leaves one (an Express account and its mapping), then onboarding
    /// completed at Stripe: returns the account and its `account.updated` event, which the
    /// caller delivers so that the webhook enables payouts as it would live.
    pub async fn seller(&self, user: &str) -> (String, String) {
        let new = NewExpressAccount {
            user_id: user.to_owned(),
            email: None,
            country: Some("FR".into()),
        };
        let account = self
            .deps
            .flows
            .connect
            .create_express_account(&new, &keys::account_key(user))
            .await
            .expect("create the seller's account");
        let record =
            SellerAccount::new(user.to_owned(), account.clone(), payouts::clock::unix_now());
        self.deps
            .flows
            .accounts
            .insert(&record)
            .await
            .expect("store the mapping");
        let done = self
            .control
            .post(
                &format!("accounts/{account}/onboarding"),
                json!({ "complete": true }),
            )
            .await;
        (account, text(&done["event_id"]))
    }
}

/// A client of the local server's control API (`/_control`) and of its real `/v1` API.
#[derive(Clone)]
pub struct Control {
    http: reqwest::Client,
    base: String,
}

impl Control {
    fn new(base_url: &str) -> Control {
        Control {
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("HTTP client"),
            base: base_url.trim_end_matches('/').to_owned(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder, what: &str) -> Value {
        let res = req.send().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{what} -> {status}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/_control/{path}", self.base);
        self.send(self.http.post(&url).json(&body), &url).await
    }

    pub async fn get(&self, path: &str) -> Value {
        let url = format!("{}/_control/{path}", self.base);
        self.send(self.http.get(&url), &url).await
    }

    /// `GET /v1/<path>` as the platform (what a Stripe client would read).
    pub async fn api_get(&self, path: &str) -> Value {
        let url = format!("{}/v1/{path}", self.base);
        let req = self
            .http
            .get(&url)
            .bearer_auth(stripe_local::DEFAULT_API_KEY);
        self.send(req, &url).await
    }

    /// A buyer pays `order` (one share of `gross` per seller); the `payment_intent.succeeded`
    /// event is recorded, not delivered (the simulation delivers it). Returns the event's id.
    pub async fn pay(&self, order: &str, sellers: &[String], gross: i64) -> String {
        let shares: Vec<String> = sellers.iter().map(|s| format!("{s}:{gross}")).collect();
        let amount = gross * i64::try_from(sellers.len()).expect("a few sellers");
        let body = json!({
            "currency": "eur", "amount": amount, "deliver": false,
            "metadata": { "veza_order_id": order, "veza_shares": shares.join(",") },
        });
        text(&self.post("payments", body).await["event_id"])
    }

    /// The event as Stripe would send it.
    pub async fn event_body(&self, id: &str) -> String {
        self.get(&format!("events/{id}")).await.to_string()
    }

    /// Stripe's rate limit (`None`: off), each admitted request answered after `latency`.
    pub async fn set_rate_limit(&self, per_second: Option<f64>, latency: Duration) {
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        let body = per_second.map_or(
            json!({}),
            |r| json!({ "per_second": r, "burst": r, "latency_ms": latency_ms }),
        );
        self.post("rate_limit", body).await;
    }
}

pub fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}
