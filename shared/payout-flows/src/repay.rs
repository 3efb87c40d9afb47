//! Repaying a seller when a claim shrinks on a transferred share (a refund failed, a dispute was
//! won): a transfer reversal cannot be undone, so the money goes back by a new transfer from the
//! same charge (`source_transaction`) in the order's `transfer_group`.
//!
//! Exactly once, like reversals: each attempt is claimed on the ledger before Stripe is called
//! (`begin_repay`), the idempotency key is derived from the repaid total *before* the repayment
//! (`keys::repay_key`: every delivery of the same step sends the same key, two racing steps
//! from one base send one key and Stripe executes one of them), and an attempt the ledger did not
//! record (a crash, a lost write, a key older than Stripe's 24 h) is first looked up among the
//! order's transfers to the seller and recorded instead of repeated.

use payouts::ports::{StripeError, TransferRequest};
use payouts::{LedgerShare, Money, PaymentRecord};

use crate::refund::{is_refusal, note_refusal, stamp};
use crate::step::{Cas, compare_and_set, invariant};
use crate::{Failure, FlowContext};

/// One repayment of `amount` to the share's seller. `Some(share)` when the caller must re-decide
/// (lost race, an unrecorded repayment found), `None` when this step is settled (done or refused).
pub async fn repay(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
    amount: i64,
) -> Result<Option<LedgerShare>, Failure> {
    let (Some(destination), Some(charge)) = (share.destination.clone(), payment.charge_id.clone())
    else {
        return Err(Failure::Invariant(format!(
            "transferred share {}/{} has no destination or charge",
            share.order_id, share.seller
        )));
    };
    if share.repay_attempts as usize > share.repays.len()
        && let Some(found) = adopt_unrecorded(cx, payment, &share, &destination).await?
    {
        return Ok(Some(found));
    }
    let claimed = stamp(
        share.begin_repay(cx.now).map_err(invariant(&share))?,
        payment,
    );
    if !cx.deps.ledger.replace_share(&claimed).await? {
        return Ok(Some(crate::step::reload(cx, &share).await?));
    }
    let request = TransferRequest {
        amount: Money {
            amount,
            currency: claimed.currency.clone(),
        },
        destination,
        source_transaction: charge,
        transfer_group: claimed.order_id.clone(),
        order_id: claimed.order_id.clone(),
        seller: claimed.seller.clone(),
    };
    let key = claimed.repay_key(claimed.repaid);
    match cx.deps.transfers.create_transfer(&request, &key).await {
        Ok(transfer) => {
            tracing::info!(order_id = %claimed.order_id, seller = %claimed.seller, transfer = %transfer.id, amount = transfer.amount, "seller repaid");
            record(cx, payment, claimed, &transfer.id, transfer.amount).await?;
            Ok(None)
        }
        Err(StripeError::Refused { code, .. }) if code != "idempotency_error" => {
            note_refusal(cx, claimed, "repay", &code).await
        }
        Err(StripeError::NotFound) => note_refusal(cx, claimed, "repay", "resource_missing").await,
        Err(err) => Err(Failure::stripe(&err)),
    }
}

/// A repayment attempt the ledger did not record: Stripe's transfers of the order to the seller
/// that are neither the share's transfer nor a recorded repayment are recorded now. `Some(share)`
/// when one was found.
async fn adopt_unrecorded(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: &LedgerShare,
    destination: &str,
) -> Result<Option<LedgerShare>, Failure> {
    let listed = cx
        .deps
        .transfers
        .transfers_in_group(&share.order_id)
        .await
        .map_err(|e| Failure::stripe(&e))?;
    let known = |id: &String| share.transfer_id.as_ref() == Some(id) || share.repays.contains(id);
    let mut found = None;
    for t in listed
        .into_iter()
        .filter(|t| t.destination == destination && !known(&t.transfer.id))
    {
        tracing::warn!(order_id = %share.order_id, seller = %share.seller, transfer = %t.transfer.id, "repayment found at Stripe but not on the ledger: recording it");
        let current = match found.take() {
            Some(s) => s,
            None => share.clone(),
        };
        record(cx, payment, current, &t.transfer.id, t.transfer.amount).await?;
        found = Some(crate::step::reload(cx, share).await?);
    }
    Ok(found)
}

/// Records repayment `transfer_id` of `amount` (once: a concurrent run may have recorded it) and
/// clears the note of an earlier refusal.
async fn record(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
    transfer_id: &str,
    amount: i64,
) -> Result<(), Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.repays.iter().any(|id| id == transfer_id) {
            return Ok(None);
        }
        let mut done = s
            .record_repay(transfer_id, amount, cx.now)
            .map_err(invariant(s))?;
        if done.attention.as_deref().is_some_and(is_refusal) {
            done.attention = None;
        }
        Ok(Some(stamp(done, payment)))
    })
    .await?;
    if let Cas::Written(done) = step {
        cx.metrics
            .repay_created(done.currency.as_str(), amount, &done.order_id);
    }
    Ok(())
}
