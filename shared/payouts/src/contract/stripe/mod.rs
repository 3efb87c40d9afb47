//! The contract of the Stripe ports ([`ConnectAccounts`], [`Balances`], [`Transfers`],
//! [`EventSource`]): what the flows rely on Stripe for, each rule a case run on a fresh
//! [`StripeWorld`]. It runs on the double (`payouts::memory::stripe`, in
//! `shared/payouts/tests/contract_memory.rs`) and on the real adapter against the local Stripe
//! server over HTTP (`shared/stripe-adapter/tests/contract.rs`): the double is trusted for
//! exactly what passes on both.
//!
//! Covered: idempotent creation (same key and parameters → the same object, other parameters →
//! `idempotency_error`, ten racers with one key → one transfer), a refusal saved under its key,
//! finding a share's transfer by group and destination, the limits of transfers (what is left of
//! the source charge, the destination's capability, the settlement currency) and reversals
//! (what is left of the transfer, what is still pending of it, then the destination's available
//! balance), funds pending until their charge is available, a charge's settlement, re-reading a
//! payment, and listing events by type and time in pages. Not covered: faults (the double
//! scripts them, the local server injects them: each side is tested on its own) and key expiry.

mod accounts;
mod double;
mod reads;
mod reversals;
mod transfers;

use async_trait::async_trait;

use super::cases;
use crate::ports::{
    Balances, ConnectAccounts, EventSource, NewExpressAccount, StripeError, StripeEvent,
    TransferRequest, Transfers,
};
use crate::{Currency, Money};

/// Every Stripe port at once, as one client serves them.
pub trait StripePorts: ConnectAccounts + Balances + Transfers + EventSource {}

impl<T: ConnectAccounts + Balances + Transfers + EventSource + ?Sized> StripePorts for T {}

/// A payment a buyer made: its ids and its `payment_intent.succeeded` event's id.
#[derive(Clone, Debug)]
pub struct Payment {
    pub payment_intent: String,
    pub charge: String,
    pub event: String,
}

/// Stripe as a case arranges it: the ports under test, and what only a buyer, Stripe itself or a
/// seller can do.
#[async_trait]
pub trait StripeWorld: Send + Sync + 'static {
    /// The ports under test.
    fn stripe(&self) -> &dyn StripePorts;
    /// The seller finishes onboarding: details submitted, payouts enabled, transfers active.
    async fn complete_onboarding(&self, account: &str);
    /// Stripe turns the account's transfers capability on or off.
    async fn set_transfers_active(&self, account: &str, active: bool);
    /// A buyer pays `amount` with PaymentIntent `metadata`; its event is recorded, not delivered.
    async fn pay(&self, currency: &str, amount: i64, metadata: &[(&str, &str)]) -> Payment;
    /// The charge's funds, and every transfer funded from it, become available now (they are
    /// pending until the charge's `available_on` otherwise).
    async fn make_available(&self, charge: &str);
    /// Sets an account's available balance in `currency` (the seller paid some out).
    async fn set_available(&self, account: &str, currency: &str, amount: i64);
    /// Charges made from now on in `presented` settle in `currency` at `rate`.
    async fn settle_in(&self, currency: &str, presented: &str, rate: f64);
    /// Stripe's clock (unix seconds): what events' `created` are stamped with.
    async fn now(&self) -> i64;
    async fn advance_clock(&self, seconds: i64);
}

/// Every rule of the Stripe ports, each case on a world made by `fresh`.
pub async fn stripe_contract<W: StripeWorld>(fresh: impl AsyncFn() -> W) {
    cases!("stripe", fresh, W;
        accounts::accounts_are_created_once_per_key::<W>,
        accounts::a_fresh_account_cannot_receive_transfers_until_onboarded::<W>,
        accounts::unknown_accounts_are_not_found::<W>,
        transfers::transfers_are_made_once_per_key::<W>,
        transfers::racers_with_one_key_make_one_transfer::<W>,
        transfers::transfers_are_found_by_group_and_destination::<W>,
        transfers::a_transfer_cannot_exceed_what_is_left_of_its_charge::<W>,
        transfers::a_destination_that_cannot_receive_is_refused_and_the_refusal_kept::<W>,
        transfers::unknown_objects_and_another_currency_are_refused::<W>,
        reversals::reversals_are_made_once_per_key_up_to_what_is_left::<W>,
        reversals::a_reversal_the_sellers_balance_cannot_cover_is_refused::<W>,
        reversals::a_reversal_takes_back_what_is_still_pending_first::<W>,
        reads::a_charges_settlement_is_its_balance_transaction::<W>,
        reads::a_payment_is_read_back_with_its_facts::<W>,
        reads::events_are_listed_newest_first_by_type_and_time_in_pages::<W>,
        reads::bad_event_lists_are_refused::<W>,
    );
}

/// A seller's Express account, created through the port, onboarding completed.
pub(crate) async fn seller<W: StripeWorld>(world: &W, user: &str) -> String {
    let account = NewExpressAccount {
        user_id: user.to_owned(),
        email: None,
        country: Some("US".into()),
    };
    let key = crate::keys::account_key(user);
    let id = world.stripe().create_express_account(&account, &key).await;
    let id = id.expect("account created");
    world.complete_onboarding(&id).await;
    id
}

/// A buyer's USD payment of `amount`, no metadata.
pub(crate) async fn paid<W: StripeWorld>(world: &W, amount: i64) -> Payment {
    world.pay("usd", amount, &[]).await
}

/// A USD transfer of `amount` from `charge` to `destination` for `order`.
pub(crate) fn transfer(
    order: &str,
    destination: &str,
    charge: &str,
    amount: i64,
) -> TransferRequest {
    TransferRequest {
        amount: Money::new(amount, usd()),
        destination: destination.to_owned(),
        source_transaction: charge.to_owned(),
        transfer_group: order.to_owned(),
        order_id: order.to_owned(),
        seller: format!("usr_of_{destination}"),
    }
}

pub(crate) fn usd() -> Currency {
    Currency::parse("usd").expect("supported")
}

/// The code of a refusal; panics on anything else.
#[track_caller]
pub(crate) fn refused<T: std::fmt::Debug>(result: Result<T, StripeError>) -> String {
    match result {
        Err(StripeError::Refused { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Ids of a list of events.
pub(crate) fn ids(events: &[StripeEvent]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}
