//! Ports: the narrow traits the functions depend on. `store` (DynamoDB) and `stripe_adapter`
//! (async-stripe) implement them; the domain itself never does I/O.
//!
//! Every write that must not happen twice is conditional: `insert*` fail with
//! [`StoreError::Conflict`] (or return `false`) when the item exists; `replace_*` are
//! compare-and-set on `version` and return `false` when someone else wrote first.

use async_trait::async_trait;

use crate::{AccountFlags, LedgerShare, Money, PaymentRecord, SellerAccount};

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
    /// Stores fresh flags (and `onboarding_completed` once complete); returns the account before
    /// and after, so callers can see a transition (e.g. payouts just enabled). `Ok(None)` if the
    /// user has no account.
    async fn update_flags(
        &self,
        user_id: &str,
        flags: &AccountFlags,
        now: i64,
    ) -> Result<Option<(SellerAccount, SellerAccount)>, StoreError>;
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
    /// Every share of `seller` in state `Held` (for release on `account.updated`).
    async fn held_shares_of_seller(&self, seller: &str) -> Result<Vec<LedgerShare>, StoreError>;
    /// Compare-and-set on `version` (the stored version must equal `share.version - 1`).
    async fn replace_share(&self, share: &LedgerShare) -> Result<bool, StoreError>;
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
pub enum GatewayError {
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
    ) -> Result<String, GatewayError>;
    async fn retrieve_account(&self, stripe_account_id: &str)
    -> Result<AccountFlags, GatewayError>;
    async fn create_account_link(
        &self,
        stripe_account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, GatewayError>;
    /// Express dashboard login link URL.
    async fn create_login_link(&self, stripe_account_id: &str) -> Result<String, GatewayError>;
}

/// A connected account's balance (called as that account).
#[async_trait]
pub trait Balances: Send + Sync {
    async fn retrieve_balance(&self, stripe_account_id: &str) -> Result<Balance, GatewayError>;
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
    ) -> Result<TransferRef, GatewayError>;
    /// The transfer already made to `destination` for `transfer_group`, if any
    /// (for when the idempotency key may have expired or the ledger write was lost).
    async fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> Result<Option<TransferRef>, GatewayError>;
    /// The transfer as Stripe has it now (amount, and how much of it is reversed).
    async fn retrieve_transfer(&self, transfer_id: &str) -> Result<TransferRef, GatewayError>;
    /// Returns the reversal id.
    async fn create_reversal(
        &self,
        transfer_id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, GatewayError>;
    /// Re-reads a PaymentIntent (for a refund that arrives before its payment event).
    async fn retrieve_payment(
        &self,
        payment_intent_id: &str,
    ) -> Result<crate::PaymentFacts, GatewayError>;
}
