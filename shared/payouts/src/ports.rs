//! Ports: the narrow traits the functions depend on. `store` (DynamoDB) and `stripe_adapter`
//! (async-stripe) implement them; the domain itself never does I/O.
//!
//! Every write that must not happen twice is conditional: `insert*` fail with
//! [`StoreError::Conflict`] (or return `false`) when the item exists; `replace_*` are
//! compare-and-set on `version` and return `false` when someone else wrote first.

use async_trait::async_trait;

use crate::{AccountFlags, LedgerShare, Money, PaymentFacts, PaymentRecord, SellerAccount};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule would be broken (`what` says which: `user`, `stripe_account`, ...).
    #[error("conflict on {what}")]
    Conflict { what: &'static str },
    /// The store could not be reached or throttled us: retryable.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// An item could not be read back (schema drift, manual edit): not retryable.
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// The store refused the request for a reason no retry fixes (access denied, missing table,
    /// invalid request, unrecognised credentials): a misconfiguration or a bug, not retryable.
    #[error("store refused the request: {0}")]
    Refused(String),
}

/// Seller accounts: user id and Stripe account id are each unique.
#[async_trait]
pub trait SellerAccounts: Send + Sync {
    async fn find_by_user(&self, user_id: &str) -> Result<Option<SellerAccount>, StoreError>;
    async fn find_by_stripe_account(
        &self,
        stripe_account_id: &str,
    ) -> Result<Option<SellerAccount>, StoreError>;
    /// Atomically claims both the user id and the Stripe account id;
    /// `Conflict { what: "user" | "stripe_account" }` when either is taken.
    async fn insert(&self, account: &SellerAccount) -> Result<(), StoreError>;
    /// Stores flags read from Stripe at `read_at_ms` (unix milliseconds; `updated_at` becomes its
    /// second), and `onboarding_completed` once complete, unless the stored flags come from a
    /// newer read: the newest read wins whatever order the writes arrive in. Returns the account
    /// before and after; when a newer read is stored, both are that stored account (callers act on
    /// `after.flags`, never on their own older read). `Ok(None)` if the user has no account.
    async fn update_flags(
        &self,
        user_id: &str,
        flags: &AccountFlags,
        read_at_ms: i64,
    ) -> Result<Option<(SellerAccount, SellerAccount)>, StoreError>;
    /// Sellers who never completed onboarding, the least recently read from Stripe first, at most
    /// `limit`: the reconciler re-reads them (their `account.updated` may never have arrived), and
    /// each read moves a seller to the back, so successive runs go round all of them.
    async fn unfinished_onboarding(&self, limit: usize) -> Result<Vec<SellerAccount>, StoreError>;
}

/// The payout ledger.
#[async_trait]
pub trait Ledger: Send + Sync {
    /// Creates the payment record (and its charge index) unless it exists; `true` if created.
    async fn insert_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError>;
    async fn payment(&self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError>;
    async fn payment_by_charge(&self, charge_id: &str)
    -> Result<Option<PaymentRecord>, StoreError>;
    /// Compare-and-set on `version` (the stored version must equal `payment.version - 1`).
    async fn replace_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError>;

    /// Creates a share unless it exists; `true` if created.
    async fn insert_share(&self, share: &LedgerShare) -> Result<bool, StoreError>;
    async fn share(&self, order_id: &str, seller: &str) -> Result<Option<LedgerShare>, StoreError>;
    async fn shares_of_order(&self, order_id: &str) -> Result<Vec<LedgerShare>, StoreError>;
    /// Every share of `seller` in state `Held` or `Pending` (released or resumed on
    /// `account.updated`: a released share whose transfer failed is `Pending` and must be
    /// finished by the redelivery).
    async fn unsettled_shares_of_seller(
        &self,
        seller: &str,
    ) -> Result<Vec<LedgerShare>, StoreError>;
    /// Open shares ([`LedgerShare::is_open`]) in `state` last written before `updated_before`
    /// (unix seconds), oldest first, at most `limit`: what the reconciler re-drives. By state, so
    /// that shares waiting for their seller (held) never crowd out the ones it can finish.
    async fn open_shares(
        &self,
        state: crate::ShareState,
        updated_before: i64,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError>;
    /// Compare-and-set on `version` (the stored version must equal `share.version - 1`).
    async fn replace_share(&self, share: &LedgerShare) -> Result<bool, StoreError>;
    /// The seller's payout history: their shares newest first (by `created_at`, then order id,
    /// both descending), those after `after` (the last share of the previous page), at most
    /// `limit`. Eventually consistent on DynamoDB (an index).
    async fn seller_history(
        &self,
        seller: &str,
        after: Option<&LedgerShare>,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError>;
}

/// Where a share sorts in its seller's history (`Ledger::seller_history`): larger is newer.
/// Zero-padded so that string order is time order (unix seconds fit in 12 digits).
pub fn history_key(share: &LedgerShare) -> String {
    format!("{:012}#{}", share.created_at.max(0), share.order_id)
}

/// Processed webhook events, for de-duplication (entries expire after Stripe's retry window).
#[async_trait]
pub trait EventLog: Send + Sync {
    async fn is_processed(&self, event_id: &str) -> Result<bool, StoreError>;
    /// Marks the event done; `false` if it already was.
    async fn mark_processed(
        &self,
        event_id: &str,
        event_type: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
}

/// Where a resumable scan stands (the reconciler's walk through Stripe's events): written by
/// compare-and-set on `version`, so two runs at once never move it backwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Events created at or after this time (unix seconds) are (re)listed by the next scan.
    pub since: i64,
    /// A scan in progress: continue after this event id (Stripe lists newest first).
    pub resume_after: Option<String>,
    /// The newest event time seen by the scan in progress.
    pub scan_top: i64,
    /// The oldest event of the scan in progress that could not be handled: the next scan starts
    /// there again.
    pub retry_from: Option<i64>,
    pub version: u64,
}

/// Named checkpoints (one per scan).
#[async_trait]
pub trait Checkpoints: Send + Sync {
    async fn get(&self, name: &str) -> Result<Option<Checkpoint>, StoreError>;
    /// Compare-and-set: stores `checkpoint` if the stored version is `checkpoint.version - 1`
    /// (absent for version 1); `false` if another run wrote first.
    async fn put(&self, name: &str, checkpoint: &Checkpoint) -> Result<bool, StoreError>;
}

/// A balance as Stripe reported it, per currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Balance {
    pub available: Vec<Money>,
    pub pending: Vec<Money>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CachedBalance {
    pub balance: Balance,
    /// Unix seconds when it was fetched from Stripe.
    pub fetched_at: i64,
}

/// Short-lived balance cache (keeps page-refresh storms inside Stripe's rate limits).
#[async_trait]
pub trait BalanceCache: Send + Sync {
    async fn get(&self, user_id: &str) -> Result<Option<CachedBalance>, StoreError>;
    async fn put(
        &self,
        user_id: &str,
        cached: &CachedBalance,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Claims the right to refresh `user_id`'s balance until `until` (unix seconds);
    /// `false` if another caller holds an unexpired claim (so concurrent misses don't stampede).
    async fn try_claim_refresh(
        &self,
        user_id: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError>;
}

/// Why a Stripe call failed, as the functions need to know it.
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// 429, 5xx, timeout, connection failure: retry later.
    #[error("stripe unavailable: {cause}")]
    Unavailable {
        retry_after: Option<u64>,
        cause: String,
        /// Stripe rate-limited us (429), as opposed to failing or not answering: callers may
        /// answer 429 instead of 503, and should back off rather than retry at once.
        rate_limited: bool,
    },
    /// Stripe refused the request (4xx with a code, e.g. `balance_insufficient`): retrying won't help.
    #[error("stripe refused: {code}: {message}")]
    Refused { code: String, message: String },
    #[error("not found at stripe")]
    NotFound,
}

/// A new Express account for a seller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewExpressAccount {
    pub user_id: String,
    pub email: Option<String>,
    pub country: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLink {
    pub url: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Connected accounts: creation, state, onboarding and dashboard links.
#[async_trait]
pub trait ConnectAccounts: Send + Sync {
    /// Returns the new account id. The idempotency key makes concurrent first calls share one.
    async fn create_express_account(
        &self,
        account: &NewExpressAccount,
        idempotency_key: &str,
    ) -> Result<String, StripeError>;
    async fn retrieve_account(&self, stripe_account_id: &str) -> Result<AccountFlags, StripeError>;
    async fn create_account_link(
        &self,
        stripe_account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, StripeError>;
    /// Express dashboard login link URL.
    async fn create_login_link(&self, stripe_account_id: &str) -> Result<String, StripeError>;
}

/// A connected account's balance (called as that account).
#[async_trait]
pub trait Balances: Send + Sync {
    async fn retrieve_balance(&self, stripe_account_id: &str) -> Result<Balance, StripeError>;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRequest {
    pub amount: Money,
    pub destination: String,
    pub source_transaction: String,
    pub transfer_group: String,
    pub order_id: String,
    pub seller: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRef {
    pub id: String,
    pub amount: i64,
    /// Stripe's `amount_reversed` so far: the truth to reconcile the ledger with when a
    /// reversal's ledger write was lost and its idempotency key may have expired.
    pub reversed: i64,
}

/// Money movement: transfers to sellers and their reversals.
#[async_trait]
pub trait Transfers: Send + Sync {
    async fn create_transfer(
        &self,
        transfer: &TransferRequest,
        idempotency_key: &str,
    ) -> Result<TransferRef, StripeError>;
    /// The transfer already made to `destination` for `transfer_group`, if any
    /// (for when the idempotency key may have expired or the ledger write was lost).
    async fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> Result<Option<TransferRef>, StripeError>;
    /// The transfer as Stripe has it now (amount, and how much of it is reversed).
    async fn retrieve_transfer(&self, transfer_id: &str) -> Result<TransferRef, StripeError>;
    /// Returns the reversal id.
    async fn create_reversal(
        &self,
        transfer_id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, StripeError>;
    /// What the charge became in the platform's balance (its balance transaction's currency and
    /// amount): read once per order, before its shares are written ([`crate::settlement`]).
    async fn charge_settlement(&self, charge_id: &str) -> Result<crate::Settlement, StripeError>;
    /// Re-reads a PaymentIntent (for a refund that arrives before its payment event).
    async fn retrieve_payment(
        &self,
        payment_intent_id: &str,
    ) -> Result<crate::PaymentFacts, StripeError>;
    /// Every transfer of `transfer_group` (an order), whatever its destination: what Stripe
    /// holds for the order, to check the ledger against (drift).
    async fn transfers_in_group(
        &self,
        transfer_group: &str,
    ) -> Result<Vec<GroupTransfer>, StripeError>;
}

/// A transfer of an order as Stripe lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupTransfer {
    pub destination: String,
    pub transfer: TransferRef,
}

/// What a refund event says: the refunds of one charge, each with its id (`refund.created`,
/// `refund.updated`, `refund.failed`, `charge.refund.updated` carry one; `charge.refunded` the
/// ones its charge embeds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundFacts {
    pub charge_id: String,
    pub payment_intent_id: Option<String>,
    pub refunds: Vec<RefundItem>,
}

/// One refund as Stripe reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundItem {
    pub id: String,
    pub amount: i64,
    pub status: crate::claims::RefundStatus,
    /// `veza_refund_shares` / `veza_refund_scope` (see [`crate::claims::refund_scope`]).
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// What a `charge.dispute.*` event says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeFacts {
    pub dispute_id: String,
    pub charge_id: String,
    pub payment_intent_id: Option<String>,
    /// The disputed amount, in the charge's currency.
    pub amount: i64,
    pub stage: crate::claims::DisputeStage,
}

/// What a Stripe event means to the payout flows, whichever way it arrived (a signed webhook
/// delivery, or listed from Stripe by the reconciler).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventFacts {
    /// `payment_intent.succeeded` (the event's own copy of the PaymentIntent).
    Payment(PaymentFacts),
    /// A refund's life (`refund.*`, `charge.refund.updated`, `charge.refunded`).
    Refund(RefundFacts),
    /// `charge.dispute.created` / `funds_withdrawn` / `funds_reinstated` / `closed` / `updated`.
    Dispute(DisputeFacts),
    /// `account.updated` of a connected account: the account id only, since the flags are
    /// always re-read from Stripe (events arrive out of order).
    AccountUpdated { stripe_account_id: String },
    /// A type, or an object, the flows do not act on.
    Unhandled,
}

/// One Stripe event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeEvent {
    pub id: String,
    /// Stripe's event type, e.g. `payment_intent.succeeded`.
    pub kind: String,
    /// Unix seconds.
    pub created: i64,
    /// The connected account the event happened on (Connect events), `None` for the platform's.
    pub account: Option<String>,
    pub facts: EventFacts,
}

/// One page of `GET /v1/events`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventPage {
    /// Newest first, as Stripe lists them.
    pub events: Vec<StripeEvent>,
    /// More (older) events follow: ask again with `starting_after` = the last event's id.
    pub has_more: bool,
}

/// The platform's own events as Stripe keeps them (30 days), for catching up on deliveries that
/// never arrived.
#[async_trait]
pub trait EventSource: Send + Sync {
    /// Events of any of `types` created at or after `created_gte` (unix seconds), newest first,
    /// at most `limit` (1..=100), after the event `starting_after` when given.
    async fn list_events(
        &self,
        types: &[&str],
        created_gte: i64,
        starting_after: Option<&str>,
        limit: u8,
    ) -> Result<EventPage, StripeError>;
}

/// The state of each per-seller request budget ([`crate::rate`]): one number per key, written by
/// compare-and-set so that concurrent requests never spend the same token twice.
#[async_trait]
pub trait RateBuckets: Send + Sync {
    /// The stored state of `key`'s bucket (a consistent read), `None` when never used or forgotten.
    async fn get(&self, key: &str) -> Result<Option<i64>, StoreError>;
    /// Stores `tat_ms` for `key` if it still holds `expected` (`None`: nothing stored); `false`
    /// when another request moved it first.
    async fn put(&self, key: &str, expected: Option<i64>, tat_ms: i64) -> Result<bool, StoreError>;
}
