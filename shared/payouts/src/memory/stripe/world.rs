//! What the double holds (accounts, payments, charges, transfers, balances, refunds, disputes,
//! events) and the rules Stripe applies to the writes the flows make, in the local Stripe
//! server's order (`tests/stripe-local/src/resources/transfers.rs`), with its error codes.
//!
//! Money waits for its charge as on Stripe: a transfer funded from a charge (`source_transaction`)
//! lands *pending* on the destination until the charge's `available_on` (two days after it by
//! default, or when a test makes it available), and a reversal takes back what is still pending of
//! its transfer first, then the destination's available balance. The platform's own balance is
//! kept only for transfers without a source (its available balance must cover them).

use std::collections::BTreeMap;

use crate::ports::{StripeError, StripeEvent, TransferRef, TransferRequest};
use crate::{AccountFlags, Currency, PaymentFacts};

/// The platform's own balance (as opposed to a connected account's).
pub const PLATFORM: &str = "platform";

/// How long a charge's funds stay pending by default (the local Stripe server's two days).
pub const AVAILABILITY_DELAY_SECONDS: i64 = 2 * 86_400;

/// What a fresh Express account still has to provide (the local server's list, sorted).
const INITIAL_REQUIREMENTS: [&str; 6] = [
    "business_profile.product_description",
    "business_profile.support_phone",
    "business_profile.url",
    "external_account",
    "tos_acceptance.date",
    "tos_acceptance.ip",
];

/// Why an execution failed, and whether Stripe saves that answer under the request's key
/// (validation errors are not saved: the key can be used again once the request is fixed).
#[derive(Debug)]
pub(super) struct Refusal {
    pub error: StripeError,
    pub saved: bool,
}

impl Refusal {
    /// A refusal while executing (400 with a code): saved under the key.
    pub fn refused(code: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            error: StripeError::Refused {
                code: code.to_owned(),
                message: message.into(),
            },
            saved: true,
        }
    }

    /// 404 `resource_missing` while executing: saved under the key.
    pub fn not_found() -> Refusal {
        Refusal {
            error: StripeError::NotFound,
            saved: true,
        }
    }

    /// A parameter Stripe refuses before executing: not saved.
    pub fn invalid(param: &str) -> Refusal {
        Refusal {
            error: StripeError::Refused {
                code: "parameter_invalid".to_owned(),
                message: format!("Invalid {param}"),
            },
            saved: false,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Account {
    pub user_id: String,
    pub flags: AccountFlags,
}

impl Account {
    pub fn fresh(user_id: &str) -> Account {
        Account {
            user_id: user_id.to_owned(),
            flags: AccountFlags {
                requirements_due: INITIAL_REQUIREMENTS.map(str::to_owned).to_vec(),
                disabled_reason: Some("requirements.past_due".to_owned()),
                ..AccountFlags::default()
            },
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Charge {
    pub payment_intent: String,
    pub amount: i64,
    /// What the charge became in the platform's balance: `(currency, amount)`.
    pub settled: (String, i64),
    /// When its funds (and the transfers funded from it) become available.
    pub available_on: i64,
    /// Refund ids, oldest first.
    pub refunds: Vec<String>,
}

/// A transfer as the double keeps it (see [`super::TransferRecord`] for what tests read).
#[derive(Clone, Debug)]
pub(super) struct Transfer {
    pub id: String,
    pub request: TransferRequest,
    pub reversed: i64,
    /// The idempotency key of each reversal, oldest first.
    pub reversal_keys: Vec<String>,
    /// What is still pending of it on the destination, until `available_on`.
    pub pending: i64,
    pub available_on: i64,
}

impl Transfer {
    pub fn reference(&self) -> TransferRef {
        TransferRef {
            id: self.id.clone(),
            amount: self.request.amount.amount,
            reversed: self.reversed,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Funds {
    pub available: i64,
    pub pending: i64,
}

#[derive(Debug, Default)]
pub(super) struct World {
    /// Unix seconds: objects' and events' `created`, and idempotency keys' age.
    pub now: i64,
    next_id: u64,
    pub accounts: BTreeMap<String, Account>,
    pub intents: BTreeMap<String, PaymentFacts>,
    pub charges: BTreeMap<String, Charge>,
    /// Oldest first.
    pub transfers: Vec<Transfer>,
    /// By owner ([`PLATFORM`] or an account id), then currency.
    pub balances: BTreeMap<String, BTreeMap<String, Funds>>,
    pub refunds: BTreeMap<String, crate::ports::RefundItem>,
    pub disputes: BTreeMap<String, super::charges::Dispute>,
    /// Oldest first; Connect events carry their account.
    pub events: Vec<StripeEvent>,
    /// The platform's settlement currency and rates (presented currency → rate), once set.
    pub settlement: Option<(String, BTreeMap<String, f64>)>,
    /// Seconds from a charge to its `available_on`.
    pub availability_delay: i64,
}

impl World {
    /// A new object id with Stripe's prefix (`tr`, `acct`, ...).
    pub fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{:06}", self.next_id)
    }

    pub fn funds(&mut self, owner: &str, currency: &str) -> &mut Funds {
        self.balances
            .entry(owner.to_owned())
            .or_default()
            .entry(currency.to_owned())
            .or_default()
    }

    /// Moves what has come due from pending to available (lazily, before anything reads or
    /// writes, so that moving the clock is all it takes).
    pub fn mature(&mut self) {
        let now = self.now;
        let mut due = Vec::new();
        for t in self.transfers.iter_mut() {
            if t.pending > 0 && t.available_on <= now {
                let currency = t.request.amount.currency.as_str().to_owned();
                due.push((t.request.destination.clone(), currency, t.pending));
                t.pending = 0;
            }
        }
        for (owner, currency, amount) in due {
            let funds = self.funds(&owner, &currency);
            funds.pending -= amount;
            funds.available += amount;
        }
    }

    /// Makes a charge's funds, and every transfer funded from it, available now.
    pub fn make_available(&mut self, charge: &str) {
        let now = self.now;
        if let Some(c) = self.charges.get_mut(charge) {
            c.available_on = c.available_on.min(now);
        }
        for t in &mut self.transfers {
            if t.request.source_transaction == charge {
                t.available_on = t.available_on.min(now);
            }
        }
        self.mature();
    }

    /// `POST /v1/transfers`: the destination must exist with the transfers capability active;
    /// with a source charge, the transfer must be in the charge's settlement currency and the
    /// charge's transfers (less their reversals) must not exceed what it settled; without one,
    /// the platform's available balance must cover it.
    pub fn create_transfer(&mut self, request: &TransferRequest) -> Result<TransferRef, Refusal> {
        let amount = request.amount.amount;
        if amount < 1 {
            return Err(Refusal::invalid("amount"));
        }
        let currency = request.amount.currency.as_str();
        let destination = request.destination.as_str();
        let Some(account) = self.accounts.get(destination) else {
            let message = format!("No such destination: '{destination}'");
            return Err(Refusal::refused("resource_missing", message));
        };
        if !account.flags.transfers_active {
            return Err(Refusal::refused(
                "insufficient_capabilities_for_transfer",
                "Your destination account needs to have the transfers capability enabled",
            ));
        }
        let source = request.source_transaction.as_str();
        let mut available_on = self.now;
        if source.is_empty() {
            if self.funds(PLATFORM, currency).available < amount {
                return Err(Refusal::refused(
                    "insufficient_funds",
                    "You have insufficient funds in your Stripe account for this transfer.",
                ));
            }
            self.funds(PLATFORM, currency).available -= amount;
        } else {
            let Some(charge) = self.charges.get(source) else {
                let message = format!("No such charge: '{source}'");
                return Err(Refusal::refused("resource_missing", message));
            };
            let (settled_currency, settled) = charge.settled.clone();
            if settled_currency != currency {
                // Stripe gives this refusal no code: the adapter reports the error's type.
                return Err(Refusal::refused(
                    "invalid_request_error",
                    format!(
                        "The currency of source_transaction's balance transaction ({settled_currency}) must be the same as the transfer currency ({currency})."
                    ),
                ));
            }
            let used: i64 = self
                .transfers
                .iter()
                .filter(|t| t.request.source_transaction == source)
                .map(|t| t.request.amount.amount - t.reversed)
                .sum();
            if used + amount > settled {
                return Err(Refusal::refused(
                    "amount_too_large",
                    format!(
                        "The transfer amount ({amount}) exceeds what is left to transfer from source transaction {source} ({}).",
                        settled - used
                    ),
                ));
            }
            available_on = charge.available_on;
        }
        let pending = if available_on > self.now { amount } else { 0 };
        let transfer = Transfer {
            id: self.id("tr"),
            request: request.clone(),
            reversed: 0,
            reversal_keys: Vec::new(),
            pending,
            available_on,
        };
        let funds = self.funds(destination, currency);
        funds.pending += pending;
        funds.available += amount - pending;
        let made = transfer.reference();
        self.transfers.push(transfer);
        Ok(made)
    }

    /// `POST /v1/transfers/{id}/reversals`: at most what is left of the transfer, taken from
    /// what is still pending of it first, then from the destination's available balance, which
    /// must cover the rest.
    pub fn create_reversal(
        &mut self,
        transfer_id: &str,
        amount: i64,
        key: &str,
    ) -> Result<String, Refusal> {
        if amount < 1 {
            return Err(Refusal::invalid("amount"));
        }
        let Some(at) = self.transfers.iter().position(|t| t.id == transfer_id) else {
            return Err(Refusal::not_found());
        };
        let transfer = &self.transfers[at];
        let left = transfer.request.amount.amount - transfer.reversed;
        if left == 0 {
            // No code either: reported as the error's type.
            let message = format!("Transfer {transfer_id} has already been fully reversed.");
            return Err(Refusal::refused("invalid_request_error", message));
        }
        if amount > left {
            return Err(Refusal::refused(
                "amount_too_large",
                format!(
                    "Amount ({amount}) is greater than the amount left to reverse on transfer {transfer_id} ({left})."
                ),
            ));
        }
        let destination = transfer.request.destination.clone();
        let currency = transfer.request.amount.currency.as_str().to_owned();
        let from_pending = transfer.pending.min(amount);
        let funds = self.funds(&destination, &currency);
        if funds.available < amount - from_pending {
            return Err(Refusal::refused(
                "balance_insufficient",
                format!(
                    "Insufficient funds in the connected account {destination} to reverse {amount} {currency}."
                ),
            ));
        }
        funds.pending -= from_pending;
        funds.available -= amount - from_pending;
        if self.transfers[at].request.source_transaction.is_empty() {
            self.funds(PLATFORM, &currency).available += amount;
        }
        let transfer = &mut self.transfers[at];
        transfer.pending -= from_pending;
        transfer.reversed += amount;
        transfer.reversal_keys.push(key.to_owned());
        Ok(self.id("trr"))
    }

    /// The transfers of `group` (to `destination` only, when given), oldest first.
    pub fn transfers_in(&self, group: &str, destination: Option<&str>) -> Vec<&Transfer> {
        self.transfers
            .iter()
            .filter(|t| t.request.transfer_group == group)
            .filter(|t| destination.is_none_or(|d| t.request.destination == d))
            .collect()
    }

    /// How a charge of `amount` in `currency` settles: in its own currency, or converted at the
    /// configured rate as the local server does (major units × rate, rounded to the minor unit).
    pub fn settle(&self, currency: &str, amount: i64) -> (String, i64) {
        let Some((target, rates)) = &self.settlement else {
            return (currency.to_owned(), amount);
        };
        let Some(rate) = rates.get(currency).filter(|_| target != currency) else {
            return (currency.to_owned(), amount);
        };
        let major = amount as f64 / 10f64.powi(decimals(currency));
        let converted = (major * rate * 10f64.powi(decimals(target))).round() as i64;
        (target.clone(), converted)
    }

    /// A balance in the supported currencies, per currency; a fresh account shows nothing.
    pub fn balance_of(&self, owner: &str) -> crate::ports::Balance {
        let side = |pick: fn(&Funds) -> i64| {
            self.balances
                .get(owner)
                .into_iter()
                .flatten()
                .filter_map(|(c, f)| Currency::parse(c).map(|c| crate::Money::new(pick(f), c)))
                .collect()
        };
        crate::ports::Balance {
            available: side(|f| f.available),
            pending: side(|f| f.pending),
        }
    }
}

/// Digits after the decimal point of a currency's minor unit (of the supported ones, only the
/// yen has none).
fn decimals(currency: &str) -> i32 {
    if currency == "jpy" { 0 } else { 2 }
}
