//! The Stripe ports on the double: each method is one call of [`MemoryStripe::call`] (reads and
//! unkeyed writes) or [`MemoryStripe::write`] (keyed writes).

use async_trait::async_trait;

use super::world::{Account, Refusal};
use super::{MemoryStripe, Op};
use crate::ports::{
    AccountLink, Balance, Balances, ConnectAccounts, EventPage, EventSource, GroupTransfer,
    NewExpressAccount, StripeError, TransferRef, TransferRequest, Transfers,
};
use crate::{AccountFlags, PaymentFacts, Settlement};

/// How long an onboarding link lives, as Stripe's.
const LINK_TTL_SECONDS: i64 = 300;
/// The most event types one list request may name (Stripe's limit).
const MAX_TYPES: usize = 20;

fn refused(code: &str, message: impl Into<String>) -> StripeError {
    StripeError::Refused {
        code: code.to_owned(),
        message: message.into(),
    }
}

#[async_trait]
impl ConnectAccounts for MemoryStripe {
    async fn create_express_account(
        &self,
        account: &NewExpressAccount,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        self.write(
            Op::CreateAccount,
            idempotency_key,
            format!("{account:?}"),
            |world| {
                if account.email.as_ref().is_some_and(|e| !e.contains('@')) {
                    return Err(Refusal::invalid("email"));
                }
                let id = world.id("acct");
                world
                    .accounts
                    .insert(id.clone(), Account::fresh(&account.user_id));
                Ok(id)
            },
        )
    }

    async fn retrieve_account(&self, stripe_account_id: &str) -> Result<AccountFlags, StripeError> {
        self.call(Op::RetrieveAccount, |world| {
            let account = world.accounts.get(stripe_account_id);
            account
                .map(|a| a.flags.clone())
                .ok_or(StripeError::NotFound)
        })
    }

    async fn create_account_link(
        &self,
        stripe_account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, StripeError> {
        self.call(Op::CreateAccountLink, |world| {
            for url in [refresh_url, return_url] {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(refused(
                        "parameter_invalid",
                        format!("Not a valid URL: {url}"),
                    ));
                }
            }
            if !world.accounts.contains_key(stripe_account_id) {
                return Err(StripeError::NotFound);
            }
            let link = world.id("link");
            Ok(AccountLink {
                url: format!("https://connect.stripe.test/setup/{stripe_account_id}/{link}"),
                expires_at: world.now + LINK_TTL_SECONDS,
            })
        })
    }

    async fn create_login_link(&self, stripe_account_id: &str) -> Result<String, StripeError> {
        self.call(Op::CreateLoginLink, |world| {
            let account = world
                .accounts
                .get(stripe_account_id)
                .ok_or(StripeError::NotFound)?;
            if !account.flags.details_submitted {
                // Stripe gives this refusal no code: the adapter reports the error's type.
                return Err(refused(
                    "invalid_request_error",
                    "Cannot create a login link for an account that has not completed onboarding.",
                ));
            }
            let login = world.id("ll");
            Ok(format!(
                "https://connect.stripe.test/express/{stripe_account_id}/{login}"
            ))
        })
    }
}

#[async_trait]
impl Balances for MemoryStripe {
    async fn retrieve_balance(&self, stripe_account_id: &str) -> Result<Balance, StripeError> {
        self.call(Op::RetrieveBalance, |world| {
            if !world.accounts.contains_key(stripe_account_id) {
                // `Stripe-Account` naming an account the platform does not have: 403.
                return Err(refused(
                    "account_invalid",
                    format!(
                        "The provided key does not have access to account '{stripe_account_id}'."
                    ),
                ));
            }
            Ok(world.balance_of(stripe_account_id))
        })
    }
}

#[async_trait]
impl Transfers for MemoryStripe {
    async fn create_transfer(
        &self,
        transfer: &TransferRequest,
        idempotency_key: &str,
    ) -> Result<TransferRef, StripeError> {
        self.write(
            Op::CreateTransfer,
            idempotency_key,
            format!("{transfer:?}"),
            |world| world.create_transfer(transfer),
        )
    }

    async fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> Result<Option<TransferRef>, StripeError> {
        self.call(Op::FindTransfer, |world| {
            let found = world.transfers_in(transfer_group, Some(destination));
            // The original transfer is the oldest.
            Ok(found.first().map(|t| t.reference()))
        })
    }

    async fn retrieve_transfer(&self, transfer_id: &str) -> Result<TransferRef, StripeError> {
        self.call(Op::RetrieveTransfer, |world| {
            let found = world.transfers.iter().find(|t| t.id == transfer_id);
            found.map(|t| t.reference()).ok_or(StripeError::NotFound)
        })
    }

    async fn create_reversal(
        &self,
        transfer_id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        self.write(
            Op::CreateReversal,
            idempotency_key,
            format!("{transfer_id} {amount}"),
            |world| world.create_reversal(transfer_id, amount, idempotency_key),
        )
    }

    async fn charge_settlement(&self, charge_id: &str) -> Result<Settlement, StripeError> {
        self.call(Op::ChargeSettlement, |world| {
            let charge = world.charges.get(charge_id).ok_or(StripeError::NotFound)?;
            let (currency, amount) = &charge.settled;
            let currency = crate::Currency::parse(currency).ok_or_else(|| {
                refused(
                    "unsupported_settlement_currency",
                    format!("charge {charge_id} settled in {currency}"),
                )
            })?;
            Ok(Settlement {
                currency,
                amount: *amount,
            })
        })
    }

    async fn retrieve_payment(&self, payment_intent_id: &str) -> Result<PaymentFacts, StripeError> {
        self.call(Op::RetrievePayment, |world| {
            let found = world.intents.get(payment_intent_id).cloned();
            found.ok_or(StripeError::NotFound)
        })
    }

    async fn transfers_in_group(
        &self,
        transfer_group: &str,
    ) -> Result<Vec<GroupTransfer>, StripeError> {
        self.call(Op::TransfersInGroup, |world| {
            let newest_first = world.transfers_in(transfer_group, None).into_iter().rev();
            Ok(newest_first
                .map(|t| GroupTransfer {
                    destination: t.request.destination.clone(),
                    transfer: t.reference(),
                })
                .collect())
        })
    }
}

#[async_trait]
impl EventSource for MemoryStripe {
    /// The platform's events (not the connected accounts'), newest first, as Stripe lists them;
    /// `types` empty lists every type.
    async fn list_events(
        &self,
        types: &[&str],
        created_gte: i64,
        starting_after: Option<&str>,
        limit: u8,
    ) -> Result<EventPage, StripeError> {
        self.call(Op::ListEvents, |world| {
            if !(1..=100).contains(&limit) {
                return Err(refused(
                    "parameter_invalid_integer",
                    "limit must be between 1 and 100",
                ));
            }
            if types.len() > MAX_TYPES {
                return Err(refused(
                    "parameter_invalid",
                    format!("You may pass up to {MAX_TYPES} event types."),
                ));
            }
            let visible: Vec<_> = world
                .events
                .iter()
                .rev()
                .filter(|e| e.account.is_none())
                .collect();
            // A cursor is a position among what the caller sees, whatever the other filters.
            let start = match starting_after {
                None => 0,
                Some(cursor) => match visible.iter().position(|e| e.id == cursor) {
                    Some(at) => at + 1,
                    None => {
                        let message = format!("No such event: '{cursor}'");
                        return Err(refused("resource_missing", message));
                    }
                },
            };
            let mut kept = visible[start..].iter().filter(|e| {
                e.created >= created_gte && (types.is_empty() || types.contains(&e.kind.as_str()))
            });
            let events: Vec<_> = kept
                .by_ref()
                .take(usize::from(limit))
                .copied()
                .cloned()
                .collect();
            Ok(EventPage {
                events,
                has_more: kept.next().is_some(),
            })
        })
    }
}
