//! Money movement: transfers to connected accounts, their look-up and reversals; payment re-reads.

use std::collections::HashMap;

use async_trait::async_trait;
use payouts::PaymentFacts;
use payouts::ports::{GroupTransfer, StripeError, TransferRef, TransferRequest, Transfers};
use stripe::StripeRequest;
use stripe_connect::transfer::{CreateTransfer, ListTransfer, RetrieveTransfer};
use stripe_connect::transfer_reversal::CreateIdTransferReversal;
use stripe_core::charge::RetrieveCharge;
use stripe_core::payment_intent::RetrievePaymentIntent;
use stripe_shared::Transfer;

use crate::retry::with_retry;
use crate::{StripeAdapter, convert, idempotent};

/// Page size when listing an order's transfers (Stripe's maximum).
const PAGE: i64 = 100;
/// A bound on pages read for one order (an order has one transfer per seller, at most
/// `payouts::plan::MAX_SELLERS`): protects against a server that never stops saying `has_more`.
const MAX_PAGES: usize = 20;

/// Metadata keys set on our transfers and reversals, for reconciliation from Stripe's side.
pub const ORDER_ID_METADATA: &str = "order_id";
pub const SELLER_METADATA: &str = "seller";
pub const REVERSAL_KEY_METADATA: &str = "reversal_key";

#[async_trait]
impl Transfers for StripeAdapter {
    async fn create_transfer(
        &self,
        transfer: &TransferRequest,
        idempotency_key: &str,
    ) -> Result<TransferRef, StripeError> {
        let strategy = idempotent(idempotency_key)?;
        let currency: stripe_types::Currency = transfer
            .amount
            .currency
            .as_str()
            .parse()
            .unwrap_or_else(|never| match never {});
        let metadata = HashMap::from([
            (ORDER_ID_METADATA.to_string(), transfer.order_id.clone()),
            (SELLER_METADATA.to_string(), transfer.seller.clone()),
        ]);
        let mut req = CreateTransfer::new(currency, transfer.destination.as_str())
            .amount(transfer.amount.amount)
            .transfer_group(transfer.transfer_group.as_str())
            .metadata(metadata);
        // An empty source means none: the platform's available balance must then cover the
        // transfer (Stripe answers `insufficient_funds`/`balance_insufficient` otherwise).
        if !transfer.source_transaction.is_empty() {
            req = req.source_transaction(transfer.source_transaction.as_str());
        }
        let created = with_retry(&self.retry, "create_transfer", || {
            req.customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(convert::transfer_ref(&created))
    }

    async fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> Result<Option<TransferRef>, StripeError> {
        let mut found = self.list_group(transfer_group, Some(destination)).await?;
        if found.len() > 1 {
            // Exactly-once was broken somewhere: surface it loudly (a human must reconcile).
            tracing::error!(
                transfer_group,
                destination,
                count = found.len(),
                "more than one transfer for one seller's share"
            );
        }
        // Stripe lists newest first; the original transfer is the oldest.
        Ok(found.pop().map(|t| convert::transfer_ref(&t)))
    }

    async fn retrieve_transfer(&self, transfer_id: &str) -> Result<TransferRef, StripeError> {
        let req = RetrieveTransfer::new(transfer_id);
        let transfer = with_retry(&self.retry, "retrieve_transfer", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(convert::transfer_ref(&transfer))
    }

    async fn create_reversal(
        &self,
        transfer_id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        let strategy = idempotent(idempotency_key)?;
        let metadata = HashMap::from([(
            REVERSAL_KEY_METADATA.to_string(),
            idempotency_key.to_string(),
        )]);
        let req = CreateIdTransferReversal::new(transfer_id)
            .amount(amount)
            .metadata(metadata);
        let reversal = with_retry(&self.retry, "create_reversal", || {
            req.customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(reversal.id.as_str().to_string())
    }

    async fn retrieve_payment(&self, payment_intent_id: &str) -> Result<PaymentFacts, StripeError> {
        let req = RetrievePaymentIntent::new(payment_intent_id);
        let pi = with_retry(&self.retry, "retrieve_payment", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(convert::payment_facts(&pi))
    }

    async fn charge_settlement(&self, charge_id: &str) -> Result<payouts::Settlement, StripeError> {
        // One round trip: the charge with its balance transaction expanded.
        let req = RetrieveCharge::new(charge_id).expand(vec!["balance_transaction".to_string()]);
        let charge = with_retry(&self.retry, "retrieve_charge", || {
            req.customize().send(&self.client)
        })
        .await?;
        convert::settlement(&charge)
    }

    async fn transfers_in_group(
        &self,
        transfer_group: &str,
    ) -> Result<Vec<GroupTransfer>, StripeError> {
        let transfers = self.list_group(transfer_group, None).await?;
        Ok(transfers
            .iter()
            .map(|t| GroupTransfer {
                // Stripe always names the destination of a transfer to a connected account;
                // an empty id matches no ledger share, so a drift check flags it.
                destination: convert::destination_of(t).unwrap_or_default().to_string(),
                transfer: convert::transfer_ref(t),
            })
            .collect())
    }
}

impl StripeAdapter {
    /// Every transfer of `transfer_group` (to `destination` only, when given), newest first,
    /// reading every page.
    async fn list_group(
        &self,
        transfer_group: &str,
        destination: Option<&str>,
    ) -> Result<Vec<Transfer>, StripeError> {
        let mut found: Vec<Transfer> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut req = ListTransfer::new()
                .transfer_group(transfer_group)
                .limit(PAGE);
            if let Some(d) = destination {
                req = req.destination(d);
            }
            if let Some(cursor) = &after {
                req = req.starting_after(cursor.as_str());
            }
            let page = with_retry(&self.retry, "list_transfers", || {
                req.customize().send(&self.client)
            })
            .await?;
            after = page.data.last().map(|t| t.id.as_str().to_string());
            // Filter again locally: the answer must not depend on the server honouring filters.
            found.extend(page.data.into_iter().filter(|t| {
                t.transfer_group.as_deref() == Some(transfer_group)
                    && destination.is_none_or(|d| convert::destination_of(t) == Some(d))
            }));
            if !page.has_more || after.is_none() {
                return Ok(found);
            }
        }
        // Far beyond any order (one transfer per seller): report rather than answer with a
        // partial list that a reconciliation would take for the whole truth.
        tracing::error!(
            transfer_group,
            pages = MAX_PAGES,
            "transfer group still has more pages"
        );
        Err(StripeError::Refused {
            code: "too_many_transfers".into(),
            message: format!("more than {MAX_PAGES} pages of transfers"),
        })
    }
}
