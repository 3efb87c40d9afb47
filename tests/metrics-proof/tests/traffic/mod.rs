//! Real traffic through the six functions on the local stack: a moto DynamoDB (one set of the
//! template's tables shared by all five, as in a deployed stack), the local Stripe server over
//! HTTP with the real `StripeAdapter`, and each function's `Deps` wired as its main.rs wires them
//! (settings read from one environment map) except that metrics go to a `MemorySink` per
//! function instead of stdout. Requests are API Gateway v2 events (`harness::apigw`) handed to
//! each function's `handle`; webhook deliveries are the local Stripe server's own events, signed
//! with its signer; the reconciler's scheduled runs are `reconcile::run` calls.
//!
//! Each function has its own DynamoDB client (`store::client` with the IAM proof's recording
//! interceptor), so the calls it makes are recorded under its name.
//!
//! [`drive`] runs the scenarios of issue 7 (`sellers`, `webhooks`) and the reconciler's
//! (`reconciler`), and returns every EMF record the functions wrote, per function, in the order
//! written, and every DynamoDB call each function made: the dashboards proof (dashboards.rs)
//! reads the records, the IAM proof (iam.rs) the calls.

mod queued;
mod reconciler;
mod sellers;
pub mod support;
mod webhooks;

use std::sync::Arc;

use harness::stripe::Control;
use iam_proof::CallLog;
use interceptors::metrics::MemorySink;
use interceptors::{Authenticator, Body, Interceptors, Metrics, Request, Response, names};
use serde_json::Value;
use settings::{
    BalanceSettings, HttpSettings, JwtSettings, OnboardingSettings, PayoutSettings,
    ReconcileSettings, StripeSettings, TableNames,
};
use store::{DynamoBalanceCache, DynamoEventLog, DynamoLedger, DynamoSellerAccounts};
use stripe_adapter::StripeAdapter;

/// What one function wrote: its `Function` dimension and its EMF lines, in order.
#[allow(dead_code)] // read by dashboards.rs, not by iam.rs (each compiles this module)
pub struct Captured {
    pub function: &'static str,
    pub lines: Vec<String>,
}

/// What the traffic left: the functions' EMF records and DynamoDB calls.
#[allow(dead_code)] // dashboards.rs reads `captured`, iam.rs the rest (each compiles this module)
pub struct Traffic {
    pub captured: Vec<Captured>,
    /// Every DynamoDB (and SQS) call, per function.
    pub calls: CallLog,
    /// The tables the calls went to.
    pub tables: TableNames,
    /// The transfer queue's name (the webhook's sends went to it).
    pub queue: String,
}

/// Drives the scenarios and returns the records and calls of onboard, callback, balance,
/// webhook, reconcile and transfer (a payment through the queue, [`queued`]).
pub async fn drive() -> Traffic {
    let stack = Stack::start().await;
    let sellers = sellers::onboarding(&stack).await;
    webhooks::deliveries(&stack, &sellers).await;
    webhooks::disputes(&stack, &sellers).await;
    reconciler::runs(&stack, &sellers).await;
    let queued = queued::payment(&stack).await;
    // Last, so seller A holds money from the webhook's and the reconciler's transfers.
    sellers::balance(&stack).await;
    sellers::payouts(&stack).await;
    let mut captured: Vec<Captured> = stack
        .sinks
        .iter()
        .map(|(function, sink)| Captured {
            function,
            lines: sink.lines(),
        })
        .collect();
    captured.push(Captured {
        function: transfer::FUNCTION,
        lines: queued.sink.lines(),
    });
    Traffic {
        captured,
        calls: stack.calls,
        tables: stack.tables,
        queue: queued.queue,
    }
}

/// One function's table adapters, over its own recording client (building them does no I/O).
struct Adapters {
    accounts: Arc<DynamoSellerAccounts>,
    ledger: Arc<DynamoLedger>,
    events: Arc<DynamoEventLog>,
    cache: Arc<DynamoBalanceCache>,
    view: Arc<store::DynamoSellerView>,
}

impl Adapters {
    async fn of(function: &str, calls: &CallLog, endpoint: &str, t: &TableNames) -> Adapters {
        let client = iam_proof::recording_client(Some(endpoint), calls.recorder(function)).await;
        Adapters {
            accounts: Arc::new(DynamoSellerAccounts::new(
                client.clone(),
                &t.seller_accounts,
            )),
            ledger: Arc::new(DynamoLedger::new(client.clone(), &t.payout_ledger)),
            events: Arc::new(DynamoEventLog::new(client.clone(), &t.webhook_events)),
            cache: Arc::new(DynamoBalanceCache::new(client.clone(), &t.balance_cache)),
            view: Arc::new(store::DynamoSellerView::new(
                client,
                &t.seller_accounts,
                &t.balance_cache,
            )),
        }
    }
}

pub struct Stack {
    pub control: Control,
    /// The adapter's attempts per call (a fault must outlast them to fail a delivery).
    pub stripe_attempts: u32,
    onboard: onboard::Deps,
    callback: callback::Deps,
    balance: balance::Deps,
    webhook: webhook::Deps,
    reconcile: reconcile::Deps,
    sinks: [(&'static str, Arc<MemorySink>); 5],
    calls: CallLog,
    tables: TableNames,
    // Last: dropping it stops the server after everything that calls it.
    pub stripe: stripe_local::Handle,
}

fn setting<T, E: std::fmt::Display>(what: &str, loaded: Result<T, E>) -> T {
    loaded.unwrap_or_else(|e| panic!("{what} settings: {e}"))
}

impl Stack {
    pub async fn start() -> Stack {
        // reqwest (dev) enables rustls' ring provider next to the adapter's aws-lc-rs, so rustls
        // cannot choose by itself: pick the one production uses.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let stripe_server = harness::stripe().await;
        let dynamo = harness::dynamo().await;
        let tables = dynamo.tables().await;
        let env = support::env(&stripe_server.base_url);
        let http = setting("http", HttpSettings::from_lookup(&env));
        let jwt = setting("jwt", JwtSettings::from_lookup(&env));
        let stripe = setting("stripe", StripeSettings::from_lookup(&env));
        let payout = setting("payout", PayoutSettings::from_lookup(&env));
        let cache = setting("balance", BalanceSettings::from_lookup(&env));
        let onboarding = || {
            let s = setting("onboarding", OnboardingSettings::from_lookup(&env));
            setting("onboarding", onboarding::Onboarding::new(&s))
        };
        let adapter = || setting("stripe", StripeAdapter::from_settings(&stripe));
        let facade = async |function: &'static str, with_auth: bool| {
            let sink = MemorySink::new();
            let auth = match with_auth {
                true => Some(setting("jwt", Authenticator::new(&jwt).await)),
                false => None,
            };
            let metrics = Metrics::new(function, sink.clone());
            (Interceptors::new(metrics, &http, auth), (function, sink))
        };
        let calls = CallLog::default();
        let db = |function| Adapters::of(function, &calls, &dynamo.endpoint, &tables);
        let onboard_db = db(onboard::FUNCTION).await;
        let callback_db = db(callback::FUNCTION).await;
        let balance_db = db(balance::FUNCTION).await;
        let webhook_db = db(webhook::FUNCTION).await;
        let reconcile_db = db(reconcile::FUNCTION).await;
        // The payout flows of the webhook and of the reconciler, each with its own adapter.
        let flows = |db: &Adapters, stripe: Arc<StripeAdapter>| {
            payout_flows::FlowDeps::new(
                db.accounts.clone(),
                db.ledger.clone(),
                db.events.clone(),
                stripe,
                &payout,
            )
        };
        let (onboard_facade, onboard_sink) = facade(onboard::FUNCTION, true).await;
        let (callback_facade, callback_sink) = facade(callback::FUNCTION, false).await;
        let (balance_facade, balance_sink) = facade(balance::FUNCTION, true).await;
        let (webhook_facade, webhook_sink) = facade(webhook::FUNCTION, false).await;
        let stripe_attempts = adapter().retry_policy().attempts.max(1);
        let balances = adapter();
        // The reconciler has no facade: its main.rs writes the cold start on its Metrics.
        let reconcile_sink = MemorySink::new();
        let reconcile_metrics = Metrics::new(reconcile::FUNCTION, reconcile_sink.clone());
        reconcile_metrics.cold_start();
        let reconcile_stripe = Arc::new(adapter());
        Stack {
            control: Control::new(&stripe_server),
            stripe_attempts,
            onboard: onboard::Deps {
                accounts: onboard_db.accounts,
                connect: Arc::new(adapter()),
                budgets: onboard_db.events,
                onboarding: onboarding(),
                interceptors: onboard_facade,
            },
            callback: callback::Deps {
                accounts: callback_db.accounts,
                connect: Arc::new(adapter()),
                used_states: callback_db.events.clone(),
                budgets: callback_db.events,
                onboarding: onboarding(),
                interceptors: callback_facade,
            },
            balance: balance::Deps {
                view: balance_db.view,
                cache: balance_db.cache,
                balances: Arc::new(balances),
                ledger: balance_db.ledger,
                policy: balance::CachePolicy::new(
                    cache.cache_ttl,
                    stripe.timeout * stripe_attempts,
                ),
                clock: Arc::new(payouts::clock::SystemClock),
                interceptors: balance_facade,
            },
            webhook: webhook::Deps {
                flows: flows(&webhook_db, Arc::new(adapter())),
                config: webhook::Config::new(
                    &stripe,
                    &settings::WebhookSecrets::from_lookup(&env).expect("webhook secrets"),
                ),
                interceptors: webhook_facade,
            },
            reconcile: reconcile::Deps {
                flows: flows(&reconcile_db, reconcile_stripe.clone()),
                events: reconcile_stripe,
                checkpoints: reconcile_db.events,
                settings: setting("reconcile", ReconcileSettings::from_lookup(&env)),
                metrics: reconcile_metrics,
            },
            sinks: [
                onboard_sink,
                callback_sink,
                balance_sink,
                webhook_sink,
                (reconcile::FUNCTION, reconcile_sink),
            ],
            calls,
            tables,
            stripe: stripe_server,
        }
    }

    pub async fn onboard(&self, req: Request) -> Response<Body> {
        harness::contract::call(req, |req| onboard::handle(&self.onboard, req)).await
    }

    pub async fn callback(&self, req: Request) -> Response<Body> {
        harness::contract::call(req, |req| callback::handle(&self.callback, req)).await
    }

    pub async fn balance(&self, req: Request) -> Response<Body> {
        harness::contract::call(req, |req| balance::handle(&self.balance, req)).await
    }

    pub async fn webhook(&self, req: Request) -> Response<Body> {
        harness::contract::call(req, |req| webhook::handle(&self.webhook, req)).await
    }

    /// One scheduled run of the reconciler, as if started `ahead` seconds from now (the grace
    /// period is 0 here: shares written before that second count as older than it; shares a run
    /// writes carry its time, so the next run must start later to see them). Asserts the run
    /// had no errors.
    pub async fn reconcile(&self, ahead: i64) -> reconcile::Report {
        let report = reconcile::run(&self.reconcile, support::unix_now() + ahead).await;
        assert!(report.errors.is_empty(), "{report:?}");
        report
    }

    /// The DynamoDB operations `function` called so far, in order (the round-trip budgets).
    #[allow(dead_code)] // read by round_trips.rs only
    pub fn dynamodb_calls(&self, function: &str) -> Vec<String> {
        let calls = self.calls.calls();
        let made = calls.get(function).map(Vec::as_slice).unwrap_or_default();
        made.iter().map(|c| c.operation.clone()).collect()
    }

    /// Every EMF record `function` wrote so far.
    pub fn records(&self, function: &str) -> Vec<Value> {
        self.sinks
            .iter()
            .find(|(f, _)| *f == function)
            .map(|(_, sink)| sink.records())
            .unwrap_or_default()
    }

    /// The `Outcome` and `event_id` of the newest `WebhookEvents` record.
    pub fn last_outcome(&self) -> Option<(String, String)> {
        self.records(webhook::FUNCTION)
            .iter()
            .rev()
            .find(|r| r.get(names::WEBHOOK_EVENTS).is_some())
            .map(|r| {
                let text = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
                (text(names::OUTCOME), text("event_id"))
            })
    }
}
