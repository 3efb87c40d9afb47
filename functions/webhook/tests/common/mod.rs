//! The whole stack for one test: moto DynamoDB tables (harness), a local Stripe server that
//! delivers signed events over HTTP to a loopback receiver (`harness::apigw::serve`) running
//! `webhook::handle` with the real DynamoDB and Stripe adapters. Nothing is mocked; waits are on
//! conditions, never sleeps.
#![allow(dead_code)] // each test binary uses a different part of this support code

pub mod ledger;

use std::sync::Arc;
use std::time::Duration;

use interceptors::metrics::MemorySink;
use interceptors::{Interceptors, Metrics};
use payout_flows::FlowDeps;
use payouts::claims::DisputePolicy;
use payouts::clock::OffsetClock;
use payouts::ports::{Ledger, NewExpressAccount};
use payouts::{LedgerShare, PaymentRecord, SellerAccount, keys};
use serde_json::{Value, json};
use settings::{HttpSettings, PayoutSettings, Secret, TableNames};
use stripe_adapter::{RetryPolicy, StripeAdapter};
use stripe_local::{DeliveryPolicy, WebhookTarget};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use webhook::{CONNECT_ROUTE, Config, Deps, PLATFORM_ROUTE};

use self::ledger::FlakyLedger;
use harness::stripe::Control;

pub const PLATFORM_SECRET: &str = "whsec_test_platform_secret";
pub const CONNECT_SECRET: &str = "whsec_test_connect_secret";
/// 12.5 %: shares of 3333 and 6667 round one up (416.625 → 417) and one down (833.375 → 833).
pub const FEE_BPS: u32 = 1250;
pub const EUR: &str = "eur";

pub struct Options {
    /// What the webhook is configured with.
    pub platform_secrets: Vec<&'static str>,
    pub connect_secrets: Vec<&'static str>,
    pub livemode: bool,
    /// What the local Stripe server signs with (one `v1` per secret).
    pub stripe_platform_secrets: Vec<&'static str>,
    pub stripe_connect_secrets: Vec<&'static str>,
    /// The adapter's in-process retries (none: every fault reaches the webhook's answer).
    pub retry: RetryPolicy,
    pub stripe_timeout: Duration,
    pub delivery: DeliveryPolicy,
    /// `DISPUTE_POLICY`.
    pub dispute_policy: DisputePolicy,
    /// `TRANSFER_QUEUE_URL`'s queue: payments are sent there as jobs instead of paid inline.
    pub queue: Option<Arc<dyn payouts::queue::TransferQueue>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            platform_secrets: vec![PLATFORM_SECRET],
            connect_secrets: vec![CONNECT_SECRET],
            livemode: false,
            stripe_platform_secrets: vec![PLATFORM_SECRET],
            stripe_connect_secrets: vec![CONNECT_SECRET],
            retry: RetryPolicy::default(),
            stripe_timeout: Duration::from_secs(5),
            delivery: DeliveryPolicy {
                max_attempts: 10,
                backoff: Duration::from_millis(100),
                timeout: Duration::from_secs(30),
            },
            dispute_policy: Default::default(),
            queue: None,
        }
    }
}

impl Options {
    /// For fault injection: no in-process retry, a short Stripe timeout (faults hang 2.5 s).
    pub fn faults() -> Self {
        Options {
            retry: RetryPolicy::none(),
            stripe_timeout: Duration::from_secs(1),
            ..Options::default()
        }
    }
}

pub struct Stack {
    pub stripe: stripe_local::Handle,
    pub control: Control,
    pub deps: Arc<Deps>,
    pub ledger: Arc<FlakyLedger>,
    pub dynamo: harness::Dynamo,
    pub tables: TableNames,
    pub sink: Arc<MemorySink>,
    /// The flows' clock: [`Stack::advance_clock`] moves it with the local Stripe server's.
    pub clock: Arc<OffsetClock>,
    /// The receiver's origin, e.g. `http://127.0.0.1:40000`.
    pub receiver: String,
    server: JoinHandle<()>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn secrets(v: &[&str]) -> Vec<Secret> {
    v.iter().map(|s| Secret::new(*s)).collect()
}

impl Stack {
    pub async fn start() -> Stack {
        Stack::with(Options::default()).await
    }

    pub async fn with(o: Options) -> Stack {
        let dynamo = harness::dynamo().await;
        let tables = dynamo.tables().await;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let receiver = format!("http://{}", listener.local_addr().expect("addr"));
        let target = |route: &str, s: &[&str]| WebhookTarget {
            url: format!("{receiver}{route}"),
            secrets: s.iter().map(|x| (*x).to_owned()).collect(),
        };
        let config = stripe_local::Config {
            platform_webhook: Some(target(PLATFORM_ROUTE.template, &o.stripe_platform_secrets)),
            connect_webhook: Some(target(CONNECT_ROUTE.template, &o.stripe_connect_secrets)),
            delivery: o.delivery,
            ..stripe_local::Config::default()
        };
        let stripe = harness::stripe_with(config).await;
        let control = Control::new(&stripe);
        let adapter = StripeAdapter::new(&stripe.base_url, stripe.api_key(), o.stripe_timeout)
            .expect("adapter")
            .with_retry(o.retry);
        let adapter = Arc::new(adapter);
        let dynamo_ledger: Arc<dyn Ledger> = Arc::new(store::DynamoLedger::new(
            dynamo.client.clone(),
            &tables.payout_ledger,
        ));
        let ledger = Arc::new(FlakyLedger::new(dynamo_ledger));
        let sink = MemorySink::new();
        let http = HttpSettings {
            frontend_url: "http://localhost:5173".into(),
            frontend_origin: "http://localhost:5173".into(),
            max_body_bytes: 1 << 20,
        };
        let interceptors =
            Interceptors::new(Metrics::new(webhook::FUNCTION, sink.clone()), &http, None);
        let payout = PayoutSettings {
            platform_fee_bps: u16::try_from(FEE_BPS).expect("a fee in basis points"),
            absorb_disputes: o.dispute_policy == DisputePolicy::Absorb,
        };
        let clock = Arc::new(OffsetClock::default());
        let deps = Arc::new(Deps {
            flows: FlowDeps {
                clock: clock.clone(),
                queue: o.queue.clone(),
                ..FlowDeps::new(
                    Arc::new(store::DynamoSellerAccounts::new(
                        dynamo.client.clone(),
                        &tables.seller_accounts,
                    )),
                    ledger.clone(),
                    Arc::new(store::DynamoEventLog::new(
                        dynamo.client.clone(),
                        &tables.webhook_events,
                    )),
                    adapter,
                    &payout,
                )
            },
            config: Config {
                platform_secrets: secrets(&o.platform_secrets),
                connect_secrets: secrets(&o.connect_secrets),
                livemode: o.livemode,
            },
            interceptors,
        });
        let server = harness::apigw::serve(listener, deps.clone(), webhook::handle);
        Stack {
            stripe,
            control,
            deps,
            ledger,
            dynamo,
            tables,
            sink,
            clock,
            receiver,
            server,
        }
    }

    /// Moves time forward for the local Stripe server and the flows alike (a day passing between
    /// two deliveries).
    pub async fn advance_clock(&self, seconds: i64) {
        self.control.advance_clock(seconds).await;
        self.clock.advance_secs(seconds);
    }

    /// A seller with an Express account on Stripe and its stored mapping (as `onboard` leaves
    /// it). `complete` finishes onboarding, and waits until its `account.updated` was processed.
    pub async fn seller(&self, user: &str, complete: bool) -> String {
        let account = self.stripe_account(user).await;
        self.map_account(user, &account).await;
        if complete {
            let event = self
                .control
                .onboarding(&account, json!({ "complete": true }))
                .await;
            self.control.wait_delivered(&event).await;
        }
        account
    }

    /// Only the Stripe account (no mapping yet).
    pub async fn stripe_account(&self, user: &str) -> String {
        let new = NewExpressAccount {
            user_id: user.to_owned(),
            email: None,
            country: Some("FR".into()),
        };
        self.deps
            .flows
            .connect
            .create_express_account(&new, &keys::account_key(user))
            .await
            .expect("create account")
    }

    pub async fn map_account(&self, user: &str, account: &str) {
        let record = SellerAccount::new(
            user.to_owned(),
            account.to_owned(),
            payouts::clock::unix_now(),
        );
        self.deps
            .flows
            .accounts
            .insert(&record)
            .await
            .expect("store mapping");
    }

    pub async fn share(&self, order: &str, seller: &str) -> LedgerShare {
        self.deps
            .flows
            .ledger
            .share(order, seller)
            .await
            .expect("read share")
            .expect("share exists")
    }

    pub async fn payment(&self, order: &str) -> PaymentRecord {
        self.deps
            .flows
            .ledger
            .payment(order)
            .await
            .expect("read payment")
            .expect("payment exists")
    }

    /// Sum of a business metric over the EMF records whose dimensions include `dims`.
    pub fn metric(&self, name: &str, dims: &[(&str, &str)]) -> f64 {
        self.sink.sum(name, dims)
    }

    /// POSTs raw bytes to a webhook route over HTTP; returns the status and JSON body.
    pub async fn post(&self, route: &str, signature: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let mut req = client
            .post(format!("{}{route}", self.receiver))
            .header("content-type", "application/json")
            .body(body);
        if let Some(sig) = signature {
            req = req.header("Stripe-Signature", sig);
        }
        let res = req.send().await.expect("post to receiver");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// `Stripe-Signature` for `body` at `t` (Stripe's scheme, via async-stripe's own helper).
pub fn sign(body: &str, secret: &str, t: i64) -> String {
    stripe_webhook::Webhook::generate_test_header(body, secret, Some(t))
}

/// The amounts of a list of transfers, by destination.
pub fn by_destination(transfers: &[Value]) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = transfers
        .iter()
        .map(|t| {
            (
                t["destination"].as_str().unwrap_or_default().to_owned(),
                t["amount"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// What `destination` holds from an order's transfers at Stripe: received − reversed + repaid
/// (every transfer, the original and its repayments, less what was reversed of each).
pub fn net_paid(transfers: &[Value], destination: &str) -> i64 {
    transfers
        .iter()
        .filter(|t| t["destination"] == json!(destination))
        .map(|t| t["amount"].as_i64().unwrap_or(0) - t["amount_reversed"].as_i64().unwrap_or(0))
        .sum()
}

/// The README's worked example, paid and delivered: 10 000, alice 3000 (net 2625) and bob 7000
/// (net 6125) at 12.5 %; returns (alice's account, bob's account, the payment).
pub async fn paid_order(stack: &Stack, order: &str) -> (String, String, harness::stripe::Payment) {
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;
    let paid = stack
        .control
        .pay(order, EUR, 10_000, &WORKED_EXAMPLE, true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    (alice, bob, paid)
}

/// Runs the refund flow on `share` with `payment` as the caller holds it (possibly a copy older
/// or newer than the stored record), as one delivery of the webhook would.
pub async fn apply_claims(stack: &Stack, payment: &PaymentRecord, share: LedgerShare) {
    let metrics = payout_flows::BusinessMetrics::new(
        Metrics::new("webhook", MemorySink::new()),
        "evt_apply",
        "charge.refunded",
    );
    let cx = payout_flows::FlowContext {
        deps: &stack.deps.flows,
        metrics: &metrics,
        now: payouts::clock::unix_now(),
    };
    payout_flows::refund::apply(&cx, payment, share)
        .await
        .expect("applied");
}

/// The worked example's shares.
pub const WORKED_EXAMPLE: [(&str, i64); 2] = [("usr_alice", 3000), ("usr_bob", 7000)];

/// Waits until each event was delivered with a 2xx.
pub async fn delivered(stack: &Stack, events: &[String]) {
    for e in events {
        stack.control.wait_delivered(e).await;
    }
}
