//! From Stripe's objects to the domain's, kept apart from the HTTP calls so the rules are
//! unit-tested: requirements sorted and de-duplicated, balances per currency (every entry),
//! payments' metadata and charge.

use std::collections::BTreeMap;

use payouts::claims::{DisputeStage, RefundStatus};
use payouts::ports::{Balance, DisputeFacts, RefundFacts, RefundItem, StripeError, TransferRef};
use payouts::{AccountFlags, Currency, Money, PaymentFacts};
use stripe_shared::{
    Account, AccountCapabilitiesStatus, Charge, Dispute, PaymentIntent, Refund, Transfer,
};

pub(crate) fn account_flags(account: &Account) -> AccountFlags {
    let requirements = account.requirements.as_ref();
    let transfers_active = account
        .capabilities
        .as_ref()
        .and_then(|c| c.transfers.as_ref())
        .is_some_and(|s| *s == AccountCapabilitiesStatus::Active);
    AccountFlags {
        details_submitted: account.details_submitted.unwrap_or(false),
        charges_enabled: account.charges_enabled.unwrap_or(false),
        payouts_enabled: account.payouts_enabled.unwrap_or(false),
        transfers_active,
        requirements_due: requirements_due(
            requirements.and_then(|r| r.currently_due.as_deref()),
            requirements.and_then(|r| r.past_due.as_deref()),
        ),
        disabled_reason: requirements
            .and_then(|r| r.disabled_reason.as_ref())
            .map(|d| d.as_str().to_string()),
    }
}

/// `currently_due` plus `past_due`, sorted and de-duplicated (Stripe lists past-due items in both).
pub(crate) fn requirements_due(
    currently: Option<&[String]>,
    past: Option<&[String]>,
) -> Vec<String> {
    let mut due: Vec<String> = currently
        .unwrap_or_default()
        .iter()
        .chain(past.unwrap_or_default())
        .cloned()
        .collect();
    due.sort();
    due.dedup();
    due
}

/// Sums `(currency code, amount)` entries per supported currency, sorted by currency. Entries in
/// currencies the domain does not support are skipped and logged, never silently merged.
pub(crate) fn per_currency(
    entries: impl IntoIterator<Item = (String, i64)>,
    what: &str,
) -> Vec<Money> {
    let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
    for (code, amount) in entries {
        match Currency::parse(&code) {
            Some(currency) => {
                let total = totals.entry(currency).or_insert(0);
                *total = total.saturating_add(amount);
            }
            None => {
                tracing::warn!(currency = %code, amount, what, "skipping unsupported currency in balance")
            }
        }
    }
    totals
        .into_iter()
        .map(|(currency, amount)| Money::new(amount, currency))
        .collect()
}

pub(crate) fn balance(b: &stripe_core::Balance) -> Balance {
    let entries = |list: &[stripe_core::BalanceAmount]| {
        list.iter()
            .map(|e| (e.currency.to_string(), e.amount))
            .collect::<Vec<_>>()
    };
    Balance {
        available: per_currency(entries(&b.available), "available"),
        pending: per_currency(entries(&b.pending), "pending"),
    }
}

/// What the payout plan needs from a PaymentIntent: ids, the amount received, the currency and
/// the metadata naming the order and the sellers' shares. The same whether the PaymentIntent
/// came in a (signed) `payment_intent.succeeded` event or was re-read from Stripe.
pub fn payment_facts(pi: &PaymentIntent) -> PaymentFacts {
    PaymentFacts {
        payment_intent_id: pi.id.as_str().to_string(),
        charge_id: pi
            .latest_charge
            .as_ref()
            .map(|c| c.id().as_str().to_string()),
        amount_received: pi.amount_received,
        currency: pi.currency.to_string(),
        metadata: pi
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// The refunds a `charge.refunded` event's charge embeds (Stripe embeds `refunds` only when
/// expanded or on old API versions; `refund.*` events carry each refund). The same whether the
/// charge came in a signed webhook or in a listed event.
pub fn refund_facts(charge: &Charge) -> RefundFacts {
    RefundFacts {
        charge_id: charge.id.as_str().to_string(),
        payment_intent_id: charge
            .payment_intent
            .as_ref()
            .map(|pi| pi.id().as_str().to_string()),
        refunds: charge
            .refunds
            .as_ref()
            .map(|list| list.data.iter().map(refund_item).collect())
            .unwrap_or_default(),
    }
}

/// One refund's event (`refund.created` / `updated` / `failed`, `charge.refund.updated`); `None`
/// for a refund of no charge (a customer-balance refund).
pub fn refund_event_facts(refund: &Refund) -> Option<RefundFacts> {
    Some(RefundFacts {
        charge_id: refund.charge.as_ref()?.id().as_str().to_string(),
        payment_intent_id: refund
            .payment_intent
            .as_ref()
            .map(|pi| pi.id().as_str().to_string()),
        refunds: vec![refund_item(refund)],
    })
}

fn refund_item(refund: &Refund) -> RefundItem {
    RefundItem {
        id: refund.id.as_str().to_string(),
        amount: refund.amount,
        status: RefundStatus::parse(refund.status.as_deref()),
        metadata: refund
            .metadata
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// A `charge.dispute.*` event of type `kind`: its stage from the event, the dispute's status and
/// its balance transactions (one per withdrawal or reinstatement).
pub fn dispute_facts(kind: &str, dispute: &Dispute) -> DisputeFacts {
    DisputeFacts {
        dispute_id: dispute.id.as_str().to_string(),
        charge_id: dispute.charge.id().as_str().to_string(),
        payment_intent_id: dispute
            .payment_intent
            .as_ref()
            .map(|pi| pi.id().as_str().to_string()),
        amount: dispute.amount,
        stage: DisputeStage::of(
            kind,
            dispute.status.as_str(),
            dispute.balance_transactions.len(),
        ),
    }
}

pub(crate) fn transfer_ref(t: &Transfer) -> TransferRef {
    TransferRef {
        id: t.id.as_str().to_string(),
        amount: t.amount,
        reversed: t.amount_reversed,
    }
}

/// The id of the account a transfer went to.
pub(crate) fn destination_of(t: &Transfer) -> Option<&str> {
    t.destination.as_ref().map(|d| d.id().as_str())
}

/// A charge's settlement from its expanded balance transaction. A charge without one yet (its
/// funds not captured) is retried later; a settlement currency outside the supported ones is
/// refused (no share can be converted into it).
pub(crate) fn settlement(
    charge: &stripe_shared::Charge,
) -> Result<payouts::Settlement, StripeError> {
    let Some(stripe_types::Expandable::Object(txn)) = &charge.balance_transaction else {
        return Err(StripeError::Unavailable {
            retry_after: None,
            cause: format!("charge {} has no balance transaction yet", charge.id),
            rate_limited: false,
        });
    };
    let currency =
        Currency::parse(&txn.currency.to_string()).ok_or_else(|| StripeError::Refused {
            code: "unsupported_settlement_currency".into(),
            message: format!("charge {} settled in {}", charge.id, txn.currency),
        })?;
    Ok(payouts::Settlement {
        currency,
        amount: txn.amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn requirements_are_merged_sorted_and_deduplicated() {
        let currently = strings(&[
            "individual.dob.day",
            "external_account",
            "tos_acceptance.date",
        ]);
        let past = strings(&["external_account", "business_profile.url"]);
        assert_eq!(
            requirements_due(Some(&currently), Some(&past)),
            strings(&[
                "business_profile.url",
                "external_account",
                "individual.dob.day",
                "tos_acceptance.date"
            ])
        );
        assert!(requirements_due(None, None).is_empty());
        assert_eq!(requirements_due(None, Some(&past)).len(), 2);
    }

    #[test]
    fn every_supported_currency_is_kept_and_duplicates_summed() {
        let out = per_currency(
            [
                ("usd".to_string(), 100),
                ("eur".to_string(), 5),
                ("usd".to_string(), 20),
                ("xyz".to_string(), 7),
                ("GBP".to_string(), -3),
            ],
            "available",
        );
        let got: Vec<(&str, i64)> = out
            .iter()
            .map(|m| (m.currency.as_str(), m.amount))
            .collect();
        assert_eq!(got, vec![("eur", 5), ("gbp", -3), ("usd", 120)]);
    }

    #[test]
    fn empty_balance_is_empty() {
        assert!(per_currency(Vec::new(), "pending").is_empty());
    }

    #[test]
    fn sums_saturate_instead_of_overflowing() {
        let out = per_currency(
            [("usd".to_string(), i64::MAX), ("usd".to_string(), 1)],
            "available",
        );
        assert_eq!(out[0].amount, i64::MAX);
    }
}
