//! Arranging the double as Stripe or a seller would (onboarding, balances, the clock; a buyer's
//! payments, refunds and disputes are in `charges`), and reading what it holds. Every change
//! Stripe announces returns the events it would send (recorded for
//! [`EventSource`](crate::ports::EventSource) too), so a test delivers them to the flows itself.
//! None of this is scripted or counted: only the ports' calls are.

use super::world::{Transfer, World};
use super::{MemoryStripe, lock};
use crate::AccountFlags;
use crate::ports::{EventFacts, StripeEvent};

/// A transfer as Stripe holds it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRecord {
    pub id: String,
    pub amount: i64,
    pub reversed: i64,
    pub currency: String,
    pub destination: String,
    pub source_transaction: String,
    pub transfer_group: String,
    /// The idempotency key of each of its reversals, oldest first.
    pub reversal_keys: Vec<String>,
}

impl MemoryStripe {
    pub(super) fn world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        let world = &mut lock(&self.state).world;
        world.mature();
        f(world)
    }

    /// The double's clock (unix seconds).
    pub fn now(&self) -> i64 {
        self.world(|w| w.now)
    }

    /// Moves the clock on (idempotency keys expire after 24 h).
    pub fn advance_clock(&self, seconds: i64) {
        self.world(|w| w.now += seconds);
    }

    /// Charges made from now on in another currency than `currency` settle in it, at `rates`
    /// (presented currency → units of `currency` per unit).
    pub fn settle_in(&self, currency: &str, rates: &[(&str, f64)]) {
        let rates = rates.iter().map(|(c, r)| ((*c).to_owned(), *r)).collect();
        self.world(|w| w.settlement = Some((currency.to_owned(), rates)));
    }

    /// Finishes a seller's onboarding (details submitted, charges and payouts enabled, transfers
    /// active, nothing due); returns the Connect `account.updated` event.
    pub fn complete_onboarding(&self, account: &str) -> StripeEvent {
        self.update_account(account, |flags| {
            *flags = AccountFlags {
                details_submitted: true,
                charges_enabled: true,
                payouts_enabled: true,
                transfers_active: true,
                requirements_due: Vec::new(),
                disabled_reason: None,
            }
        })
    }

    /// Turns the account's transfers capability on or off; returns `account.updated`.
    pub fn set_transfers_active(&self, account: &str, active: bool) -> StripeEvent {
        self.update_account(account, |flags| flags.transfers_active = active)
    }

    /// Changes what Stripe says about an account; returns the Connect `account.updated` event.
    pub fn update_account(
        &self,
        account: &str,
        change: impl FnOnce(&mut AccountFlags),
    ) -> StripeEvent {
        self.world(|w| {
            let found = w.accounts.get_mut(account);
            change(
                &mut found
                    .unwrap_or_else(|| panic!("no account {account}"))
                    .flags,
            );
            let facts = EventFacts::AccountUpdated {
                stripe_account_id: account.to_owned(),
            };
            record_event(w, "account.updated", Some(account), facts)
        })
    }

    /// Makes a charge's funds, and every transfer funded from it, available now.
    pub fn make_available(&self, charge: &str) {
        self.world(|w| w.make_available(charge));
    }

    /// How long charges made from now on stay pending (seconds; 0: available at once).
    pub fn set_availability_delay(&self, seconds: i64) {
        self.world(|w| w.availability_delay = seconds);
    }

    /// Sets the available balance of `owner` (an account id, or [`PLATFORM`](super::PLATFORM)) in `currency`.
    pub fn set_available(&self, owner: &str, currency: &str, amount: i64) {
        self.world(|w| w.funds(owner, currency).available = amount);
    }

    /// The available balance of `owner` in `currency`.
    pub fn available(&self, owner: &str, currency: &str) -> i64 {
        self.world(|w| w.funds(owner, currency).available)
    }

    /// What reached `owner` in `currency`, pending or available.
    pub fn received(&self, owner: &str, currency: &str) -> i64 {
        self.world(|w| {
            let funds = w.funds(owner, currency);
            funds.available + funds.pending
        })
    }

    /// The user id an account was created for (its `user_id` metadata).
    pub fn account_user(&self, account: &str) -> Option<String> {
        self.world(|w| w.accounts.get(account).map(|a| a.user_id.clone()))
    }

    /// Every transfer of `group` (an order), oldest first.
    pub fn transfers(&self, group: &str) -> Vec<TransferRecord> {
        self.world(|w| {
            w.transfers_in(group, None)
                .into_iter()
                .map(record)
                .collect()
        })
    }

    /// Every transfer, oldest first.
    pub fn all_transfers(&self) -> Vec<TransferRecord> {
        self.world(|w| w.transfers.iter().map(record).collect())
    }

    /// What `destination` holds of `group`'s transfers: received − reversed, repayments included.
    pub fn net_paid(&self, group: &str, destination: &str) -> i64 {
        self.transfers(group)
            .iter()
            .filter(|t| t.destination == destination)
            .map(|t| t.amount - t.reversed)
            .sum()
    }
}

fn record(t: &Transfer) -> TransferRecord {
    TransferRecord {
        id: t.id.clone(),
        amount: t.request.amount.amount,
        reversed: t.reversed,
        currency: t.request.amount.currency.as_str().to_owned(),
        destination: t.request.destination.clone(),
        source_transaction: t.request.source_transaction.clone(),
        transfer_group: t.request.transfer_group.clone(),
        reversal_keys: t.reversal_keys.clone(),
    }
}

/// Records an event at the double's time; `account` for a connected account's (Connect) event.
pub(super) fn record_event(
    w: &mut World,
    kind: &str,
    account: Option<&str>,
    facts: EventFacts,
) -> StripeEvent {
    let event = StripeEvent {
        id: w.id("evt"),
        kind: kind.to_owned(),
        created: w.now,
        account: account.map(str::to_owned),
        facts,
    };
    w.events.push(event.clone());
    event
}
