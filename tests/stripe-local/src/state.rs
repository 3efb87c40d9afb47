//! In-memory state of the server: the objects, the balances and the controllable clock.
//!
//! One `std::sync::Mutex<Store>` guards every object so a request's checks and writes are atomic
//! (e.g. "is the balance high enough" and "debit it"); it is never held across an `.await`.

use crate::config::Config;
use crate::faults::Faults;
use crate::idempotency::Idempotency;
use crate::maturing::{Entry, Key, Maturing};
use crate::recorder::Recorder;
use crate::webhooks::Deliverer;
use rand::Rng;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock seconds, for signatures: receivers check `t` against their own real clock.
pub fn real_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The server's clock: real time plus an offset that tests advance (e.g. past the 24 h
/// idempotency-key lifetime) without sleeping.
#[derive(Debug, Default)]
pub struct Clock {
    offset: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> i64 {
        real_now() + self.offset.load(Ordering::SeqCst)
    }
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::SeqCst);
    }
    pub fn reset(&self) {
        self.offset.store(0, Ordering::SeqCst);
    }
}

/// A Stripe-like id: prefix + 24 random alphanumerics.
pub fn new_id(prefix: &str) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let tail: String = (0..24)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect();
    format!("{prefix}_{tail}")
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requirements {
    pub currently_due: Vec<String>,
    pub eventually_due: Vec<String>,
    pub past_due: Vec<String>,
    pub pending_verification: Vec<String>,
    pub disabled_reason: Option<String>,
    pub current_deadline: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub kind: String,
    pub email: Option<String>,
    pub country: String,
    pub default_currency: String,
    pub business_type: Option<String>,
    pub created: i64,
    pub metadata: BTreeMap<String, String>,
    pub details_submitted: bool,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    /// Capability name → status (`inactive`, `pending`, `active`), only for requested ones.
    pub capabilities: BTreeMap<String, String>,
    pub requirements: Requirements,
    pub tos_accepted_at: Option<i64>,
}

/// An Account Link: single use, expires after 300 s.
#[derive(Clone, Debug)]
pub struct Link {
    pub account: String,
    pub refresh_url: String,
    pub return_url: String,
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Funds {
    pub available: i64,
    pub pending: i64,
}

/// Balances per currency of one account (the platform's key is [`PLATFORM`]).
pub type Balance = BTreeMap<String, Funds>;
pub const PLATFORM: &str = "platform";

#[derive(Clone, Debug)]
pub struct PaymentIntent {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub created: i64,
    pub metadata: BTreeMap<String, String>,
    pub latest_charge: String,
    pub transfer_group: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Charge {
    pub id: String,
    pub amount: i64,
    pub amount_refunded: i64,
    pub currency: String,
    pub created: i64,
    pub metadata: BTreeMap<String, String>,
    pub payment_intent: String,
    pub transfer_group: Option<String>,
    pub balance_transaction: String,
    /// What the charge became in the platform's balance (its balance transaction).
    pub settled: crate::settlement::Settled,
    pub refunds: Vec<String>,
    /// When the charge's funds (and the transfers funded from it) become available.
    pub available_on: i64,
    /// The platform's pending entry for this charge's funds, while they are pending.
    pub pending: Option<Key>,
}

impl Charge {
    /// `amount` of this charge in its settlement currency (refunds and disputes debit the
    /// platform there): `(currency, floor(amount × settled / charged))`.
    pub fn settled_part(&self, amount: i64) -> (String, i64) {
        let part = if self.amount <= 0 {
            0
        } else {
            (i128::from(amount) * i128::from(self.settled.amount) / i128::from(self.amount)) as i64
        };
        (self.settled.currency.clone(), part)
    }
}

#[derive(Clone, Debug)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    pub charge: String,
    pub payment_intent: String,
    pub currency: String,
    pub created: i64,
    pub metadata: BTreeMap<String, String>,
    pub balance_transaction: String,
    /// `succeeded` until the control API fails it (`failed`, with `failure_reason`).
    pub status: String,
    pub failure_reason: Option<String>,
    pub failure_balance_transaction: Option<String>,
}

/// A dispute (chargeback) of a charge; `balance_transactions` holds one withdrawal and, once
/// won, one reinstatement: `(id, amount, fee)`.
#[derive(Clone, Debug)]
pub struct Dispute {
    pub id: String,
    pub amount: i64,
    pub charge: String,
    pub payment_intent: String,
    pub currency: String,
    pub created: i64,
    pub reason: String,
    pub status: String,
    pub balance_transactions: Vec<(String, i64, i64)>,
}

#[derive(Clone, Debug)]
pub struct Transfer {
    pub id: String,
    pub amount: i64,
    pub amount_reversed: i64,
    pub currency: String,
    pub created: i64,
    pub destination: String,
    pub destination_payment: String,
    pub source_transaction: Option<String>,
    pub transfer_group: Option<String>,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub balance_transaction: String,
    pub reversals: Vec<Reversal>,
    /// The destination's pending entry for this transfer, while its source charge is pending.
    pub pending: Option<Key>,
}

#[derive(Clone, Debug)]
pub struct Reversal {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub created: i64,
    pub transfer: String,
    pub metadata: BTreeMap<String, String>,
    pub balance_transaction: String,
    pub destination_payment_refund: String,
}

/// A stored event: the exact JSON that is delivered and returned by `GET /v1/events/{id}`.
#[derive(Clone, Debug)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub account: Option<String>,
    /// Server-clock seconds (also the body's `created`): lists filter and expire on it.
    pub created: i64,
    pub body: serde_json::Value,
}

/// Every object of the server. Lists keep creation order (Stripe lists newest first).
#[derive(Debug, Default)]
pub struct Store {
    pub accounts: BTreeMap<String, Account>,
    pub links: HashMap<String, Link>,
    pub balances: HashMap<String, Balance>,
    pub payment_intents: HashMap<String, PaymentIntent>,
    pub charges: HashMap<String, Charge>,
    pub refunds: HashMap<String, Refund>,
    pub disputes: HashMap<String, Dispute>,
    /// In creation order.
    pub transfers: Vec<Transfer>,
    pub events: HashMap<String, Event>,
    pub event_order: Vec<String>,
    /// The platform's settlement currency and rates (`/_control/settlement`).
    pub settlement: crate::settlement::SettlementConfig,
    /// Pending money and when it becomes available (`/_control/availability`).
    pub maturing: Maturing,
    /// The server clock when the current request locked the store: one time per request.
    pub now: i64,
}

impl Store {
    pub fn balance_mut(&mut self, owner: &str, currency: &str) -> &mut Funds {
        self.balances
            .entry(owner.to_owned())
            .or_default()
            .entry(currency.to_owned())
            .or_default()
    }
    /// Debits (negative: credits) the platform for `amount` of charge `charge_id`, in the
    /// charge's settlement currency.
    pub fn debit_platform_for(&mut self, charge_id: &str, amount: i64) {
        if let Some((currency, part)) = self.charges.get(charge_id).map(|c| c.settled_part(amount))
        {
            self.balance_mut(PLATFORM, &currency).available -= part;
        }
    }
    pub fn transfer_mut(&mut self, id: &str) -> Option<&mut Transfer> {
        self.transfers.iter_mut().find(|t| t.id == id)
    }
    /// Credits `owner` with money that becomes available at `available_on` (pending until then).
    pub fn credit_until(
        &mut self,
        owner: &str,
        currency: &str,
        amount: i64,
        available_on: i64,
    ) -> Option<Key> {
        let entry = Entry {
            owner: owner.to_owned(),
            currency: currency.to_owned(),
            amount,
        };
        self.maturing
            .credit(&mut self.balances, entry, available_on, self.now)
    }
    /// Takes up to `at_most` of pending entry `key`; returns what it took.
    pub fn take_pending(&mut self, key: Option<Key>, at_most: i64) -> i64 {
        self.maturing.take(&mut self.balances, key, at_most)
    }
    /// Gives `amount` of charge `charge_id`'s money back to the platform: into the charge's
    /// pending entry while the charge is pending, else into the available balance.
    pub fn return_to_platform(&mut self, charge_id: Option<&str>, currency: &str, amount: i64) {
        let charge = charge_id.and_then(|id| self.charges.get(id));
        let (key, available_on) = charge.map_or((None, 0), |c| (c.pending, c.available_on));
        if amount == 0 || self.maturing.top_up(&mut self.balances, key, amount) {
            return;
        }
        let key = self.credit_until(PLATFORM, currency, amount, available_on);
        if let (Some(id), Some(_)) = (charge_id, key)
            && let Some(c) = self.charges.get_mut(id)
        {
            c.pending = key;
        }
    }
    /// Makes charge `charge_id`'s funds available now, with every transfer funded from it.
    pub fn make_available(&mut self, charge_id: &str) -> bool {
        let now = self.now;
        let Some(c) = self.charges.get_mut(charge_id) else {
            return false;
        };
        c.available_on = c.available_on.min(now);
        let mut keys: Vec<Key> = c.pending.take().into_iter().collect();
        for t in &mut self.transfers {
            if t.source_transaction.as_deref() == Some(charge_id) {
                keys.extend(t.pending.take());
            }
        }
        self.maturing.mature_now(&mut self.balances, &keys);
        true
    }
}

/// Shared state behind every handler.
pub struct AppState {
    /// Base URL with a trailing slash, e.g. `http://127.0.0.1:4242/`.
    pub base_url: String,
    pub config: Config,
    pub clock: Clock,
    pub store: Mutex<Store>,
    pub idempotency: Idempotency,
    pub faults: Faults,
    pub recorder: Recorder,
    /// Stripe's rate limit (off unless set through `/_control/rate_limit`).
    pub rate_limit: crate::rate_limit::RateLimiter,
    pub webhooks: Arc<Deliverer>,
}

pub type Shared = Arc<AppState>;

impl AppState {
    /// Locks the store; a poisoned lock (a panicking handler) is recovered because the data is
    /// test state and later requests should still be answered.
    /// Every lock first matures the pending money that is due at the server's clock.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut *store;
        s.now = self.clock.now();
        s.maturing.mature(&mut s.balances, s.now);
        store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_stripe_ids() {
        let id = new_id("acct");
        assert!(id.starts_with("acct_"));
        assert_eq!(id.len(), 5 + 24);
        assert_ne!(new_id("tr"), new_id("tr"));
    }

    #[test]
    fn clock_advances() {
        let c = Clock::default();
        let before = c.now();
        c.advance(86_400);
        assert!(c.now() >= before + 86_400);
        c.reset();
        assert_eq!(c.offset(), 0);
    }
}
