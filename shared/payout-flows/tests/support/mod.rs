//! The flows on the in-memory adapters and the Stripe double: a delivery is one call of
//! `payout_flows::handle_event`, as the webhook makes it, on the double's clock. No DynamoDB, no
//! Stripe server, no sleeps: what a slow suite waits for, these call.
#![allow(dead_code)] // each test binary uses a different part of this support code

use std::sync::Arc;

use interceptors::Metrics;
use interceptors::metrics::MemorySink;
use payout_flows::{BusinessMetrics, Failure, FlowContext, FlowDeps, Handled, Outcome};
use payouts::claims::DisputePolicy;
use payouts::memory::{
    MemoryEventLog, MemoryLedger, MemorySellerAccounts, MemoryStripe, MemoryTransferQueue,
};
use payouts::ports::{ConnectAccounts, Ledger, NewExpressAccount, SellerAccounts, StripeEvent};
use payouts::{LedgerShare, PaymentRecord, SellerAccount};
use tokio::task::JoinSet;

/// 12.5 %: shares of 3333 and 6667 round one up (416.625 → 417) and one down (833.375 → 833).
pub const FEE_BPS: u32 = 1250;
pub const EUR: &str = "eur";
/// The README's worked example: 10 000 paid, alice 3000 (net 2625) and bob 7000 (net 6125).
pub const WORKED_EXAMPLE: [(&str, i64); 2] = [("usr_alice", 3000), ("usr_bob", 7000)];

pub struct Flows {
    pub stripe: Arc<MemoryStripe>,
    pub ledger: Arc<MemoryLedger>,
    pub accounts: Arc<MemorySellerAccounts>,
    pub deps: FlowDeps,
    pub sink: Arc<MemorySink>,
    /// The transfer queue; the flows send to it only when built with [`Flows::queued`].
    pub queue: Arc<MemoryTransferQueue>,
}

impl Flows {
    pub fn new() -> Arc<Flows> {
        Flows::with(DisputePolicy::Reverse)
    }

    /// Flows that send payments to the transfer queue as jobs; [`Flows::work`] is the worker.
    pub fn queued() -> Arc<Flows> {
        let flows = Flows::new();
        Arc::new(Flows::sharing(&flows, flows.queue.clone()))
    }

    /// The same stores, Stripe and sink as `other`, sending shares to `queue`.
    pub fn sharing(other: &Flows, queue: Arc<dyn payouts::queue::TransferQueue>) -> Flows {
        Flows {
            stripe: other.stripe.clone(),
            ledger: other.ledger.clone(),
            accounts: other.accounts.clone(),
            deps: other.deps.clone().with_queue(queue),
            sink: other.sink.clone(),
            queue: other.queue.clone(),
        }
    }

    pub fn with(dispute_policy: DisputePolicy) -> Arc<Flows> {
        let stripe = Arc::new(MemoryStripe::new());
        let ledger = Arc::new(MemoryLedger::new());
        let accounts = Arc::new(MemorySellerAccounts::new());
        let deps = FlowDeps {
            accounts: accounts.clone(),
            ledger: ledger.clone(),
            events: Arc::new(MemoryEventLog::new()),
            connect: stripe.clone(),
            transfers: stripe.clone(),
            fee_bps: FEE_BPS,
            dispute_policy,
            clock: Arc::new(payouts::clock::SystemClock),
            queue: None,
        };
        Arc::new(Flows {
            stripe,
            ledger,
            accounts,
            deps,
            sink: MemorySink::new(),
            queue: Arc::new(MemoryTransferQueue::default()),
        })
    }

    /// One delivery of `event`, as the webhook handles it (de-dup, flow, mark processed), with
    /// the `WebhookEvents` metric it emits; `Err` is what the webhook answers 5xx for.
    pub async fn deliver(&self, event: &StripeEvent) -> Result<Handled, Failure> {
        let metrics = Metrics::new("webhook", self.sink.clone());
        let metrics = BusinessMetrics::new(metrics, &event.id, &event.kind);
        let cx = FlowContext {
            deps: &self.deps,
            metrics: &metrics,
            now: self.stripe.now(),
        };
        let handled = payout_flows::handle_event(&cx, event).await;
        metrics.webhook_event(match &handled {
            Ok(Handled::Duplicate) => Outcome::Duplicate,
            Ok(Handled::Now(outcome)) => *outcome,
            Err(_) => Outcome::Failed,
        });
        handled
    }

    /// One pass of the transfer worker: every job waiting is run (one at a time); the failed
    /// ones go back to the queue. Their number.
    pub async fn work(&self) -> usize {
        let metrics = Metrics::new("transfer", self.sink.clone());
        let metrics = BusinessMetrics::new(metrics, "queue", "job");
        let worker = FlowDeps {
            queue: None,
            ..self.deps.clone()
        };
        let cx = FlowContext {
            deps: &worker,
            metrics: &metrics,
            now: self.stripe.now(),
        };
        let mut failed = Vec::new();
        for job in self.queue.take(usize::MAX) {
            if payout_flows::worker::run_job(&cx, &job).await.is_err() {
                failed.push(job);
            }
        }
        let n = failed.len();
        self.queue.put_back(failed);
        n
    }

    /// One delivery that must be handled (a 200 from the webhook).
    pub async fn delivered(&self, event: &StripeEvent) -> Handled {
        let handled = self.deliver(event).await;
        handled.unwrap_or_else(|failure| panic!("{} ({}): {failure}", event.id, event.kind))
    }

    /// `times` deliveries of `event` at once; their answers.
    pub async fn deliver_at_once(
        self: &Arc<Self>,
        event: &StripeEvent,
        times: usize,
    ) -> Vec<Result<Handled, String>> {
        let mut set = JoinSet::new();
        for _ in 0..times {
            let (flows, event) = (self.clone(), event.clone());
            set.spawn(async move { flows.deliver(&event).await.map_err(|f| f.to_string()) });
        }
        set.join_all().await
    }

    /// A seller with an Express account on Stripe and its stored mapping (as `onboard` leaves
    /// it); `complete` finishes onboarding and delivers its `account.updated`.
    pub async fn seller(&self, user: &str, complete: bool) -> String {
        let account = self.stripe_account(user).await;
        self.map_account(user, &account).await;
        if complete {
            let updated = self.stripe.complete_onboarding(&account);
            self.delivered(&updated).await;
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
        let key = payouts::keys::account_key(user);
        self.stripe
            .create_express_account(&new, &key)
            .await
            .expect("account created")
    }

    pub async fn map_account(&self, user: &str, account: &str) {
        let record = SellerAccount::new(user.to_owned(), account.to_owned(), self.stripe.now());
        self.accounts.insert(&record).await.expect("mapping stored");
    }

    /// The worked example paid and delivered: (alice's account, bob's account, the payment).
    pub async fn paid_order(&self, order: &str) -> (String, String, payouts::memory::stripe::Paid) {
        let alice = self.seller("usr_alice", true).await;
        let bob = self.seller("usr_bob", true).await;
        let paid = self.stripe.pay(order, EUR, 10_000, &WORKED_EXAMPLE);
        self.delivered(&paid.event).await;
        (alice, bob, paid)
    }

    pub async fn share(&self, order: &str, seller: &str) -> LedgerShare {
        let share = self.ledger.share(order, seller).await.expect("share read");
        share.expect("share exists")
    }

    pub async fn payment(&self, order: &str) -> PaymentRecord {
        let payment = self.ledger.payment(order).await.expect("payment read");
        payment.expect("payment exists")
    }

    /// Sum of a business metric over the EMF records whose dimensions include `dims`.
    pub fn metric(&self, name: &str, dims: &[(&str, &str)]) -> f64 {
        self.sink.sum(name, dims)
    }
}
