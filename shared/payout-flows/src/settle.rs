//! The exactly-once transfer of one seller's share: a state machine on the ledger item, moved only
//! by compare-and-set writes ([`crate::step`]), with Stripe calls in between that are themselves
//! idempotent.
//!
//! `Pending` → claim an attempt (CAS) → find or create the transfer → record it (CAS
//! `Transferred`). A lost race re-reads and re-decides; a crash anywhere is resumed by running the
//! flow again (a redelivery, or the reconciler):
//! - after the attempt was claimed but before Stripe answered: the next attempt sends the same key
//!   (Stripe replays the first result). Only when that key may be gone (older than Stripe's
//!   24 h, or an earlier key round's) does it first look the transfer up by `transfer_group` +
//!   destination ([`LedgerShare::transfer_look_up_needed`]): under a rate limit every retry's
//!   look-up is one more call;
//! - after Stripe created it but before the ledger write: the same look-up adopts it.
//!
//! A refusal (the account cannot receive, ...) moves the share back to `Held` with an attention
//! note and a new key round (`LedgerShare::key_round`: Stripe keeps answering the refusal to the
//! old key for 24 h); `account.updated` or the reconciler releases it again ([`release`]).

use payouts::ports::{StripeError, TransferRef, TransferRequest};
use payouts::{LedgerShare, Money, ShareState};

use crate::step::{Cas, compare_and_set, invariant};
use crate::{Failure, FlowContext};

/// Settles `share` if it is `Pending`; returns it in its resulting state (`Transferred`, or
/// `Held` after a refusal). Any other state is returned unchanged.
pub async fn settle(cx: &FlowContext<'_>, share: LedgerShare) -> Result<LedgerShare, Failure> {
    let claimed = match claim_attempt(cx, share).await? {
        Cas::Written(claimed) => claimed,
        Cas::Unchanged(other) => return Ok(other),
    };
    let look_up = claimed.transfer_look_up_needed(cx.now);
    let destination = claimed.destination.clone().unwrap_or_default();
    match find_or_create(cx, &claimed, &destination, look_up).await {
        Ok(transfer) => record_transfer(cx, claimed, &transfer, &destination).await,
        Err(StripeError::Refused { code, message }) => {
            tracing::warn!(order_id = %claimed.order_id, seller = %claimed.seller, %code, %message, "transfer refused");
            refused(cx, claimed, &code).await
        }
        Err(StripeError::NotFound) => refused(cx, claimed, "resource_missing").await,
        Err(err @ StripeError::Unavailable { .. }) => {
            cx.metrics
                .transfer_failed("stripe_unavailable", &claimed.order_id);
            Err(Failure::stripe(&err))
        }
    }
}

/// Records that a transfer is about to be attempted (before the Stripe call). `Unchanged` when
/// the share is no longer `Pending` (someone else finished it).
async fn claim_attempt(
    cx: &FlowContext<'_>,
    share: LedgerShare,
) -> Result<Cas<LedgerShare>, Failure> {
    compare_and_set(cx, share, |s| {
        if s.state != ShareState::Pending {
            return Ok(None);
        }
        if s.destination.is_none() || s.charge_id.is_none() {
            return Err(Failure::Invariant(format!(
                "pending share {}/{} has no destination or charge",
                s.order_id, s.seller
            )));
        }
        s.begin_transfer_attempt(cx.now)
            .map(Some)
            .map_err(invariant(s))
    })
    .await
}

/// The share's one transfer: found by its group and destination when an earlier attempt may have
/// made it, else created with the share's deterministic key.
async fn find_or_create(
    cx: &FlowContext<'_>,
    share: &LedgerShare,
    destination: &str,
    look_up: bool,
) -> Result<TransferRef, StripeError> {
    let transfers = &cx.deps.transfers;
    if look_up
        && let Some(existing) = transfers
            .find_transfer(&share.order_id, destination)
            .await?
    {
        tracing::info!(order_id = %share.order_id, seller = %share.seller, transfer = %existing.id, "adopting an existing transfer");
        return Ok(existing);
    }
    let request = TransferRequest {
        amount: Money::new(share.outstanding(), share.currency.clone()),
        destination: destination.to_owned(),
        source_transaction: share.charge_id.clone().unwrap_or_default(),
        transfer_group: share.order_id.clone(),
        order_id: share.order_id.clone(),
        seller: share.seller.clone(),
    };
    transfers
        .create_transfer(&request, &share.transfer_key())
        .await
}

/// Moves a `Held` share to `Pending` towards `destination` (exactly one caller wins and counts
/// it); the caller then [`settle`]s what it gets back.
pub async fn release(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    destination: &str,
) -> Result<LedgerShare, Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.state != ShareState::Held {
            return Ok(None);
        }
        s.release_to(destination, cx.now)
            .map(Some)
            .map_err(invariant(s))
    })
    .await?;
    if let Cas::Written(pending) = &step {
        tracing::info!(order_id = %pending.order_id, seller = %pending.seller, "held share released");
        cx.metrics
            .share_released(pending.currency.as_str(), &pending.order_id);
    }
    Ok(step.into_inner())
}

/// Records `transfer` (the one transfer of this share: same key or found by its group).
async fn record_transfer(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    transfer: &TransferRef,
    destination: &str,
) -> Result<LedgerShare, Failure> {
    let step = compare_and_set(cx, share, |s| match s.state {
        ShareState::Pending => s
            .mark_transferred(&transfer.id, transfer.amount, destination, cx.now)
            .map(Some)
            .map_err(invariant(s)),
        ShareState::Transferred => {
            if s.transfer_id.as_deref() != Some(transfer.id.as_str()) {
                tracing::error!(order_id = %s.order_id, seller = %s.seller, recorded = ?s.transfer_id, seen = %transfer.id, "two transfers for one share");
            }
            Ok(None)
        }
        ShareState::Held | ShareState::Void => {
            // Money moved although the ledger says it did not: keep the truth visible.
            tracing::error!(order_id = %s.order_id, seller = %s.seller, transfer = %transfer.id, state = s.state.as_str(), "transfer exists for a share that is not pending");
            let note = format!(
                "transfer {} exists but the share is {}",
                transfer.id,
                s.state.as_str()
            );
            if s.attention.as_deref() == Some(note.as_str()) {
                return Ok(None);
            }
            s.flag_attention(&note, cx.now)
                .map(Some)
                .map_err(invariant(s))
        }
    })
    .await?;
    if let Cas::Written(done) = &step
        && done.state == ShareState::Transferred
    {
        tracing::info!(order_id = %done.order_id, seller = %done.seller, transfer = %transfer.id, amount = transfer.amount, "share transferred");
        cx.metrics
            .transfer_created(done.currency.as_str(), transfer.amount, &done.order_id);
    }
    Ok(step.into_inner())
}

/// Stripe refused the transfer: back to `Held`, with an attention note and a new key round.
async fn refused(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    code: &str,
) -> Result<LedgerShare, Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.state != ShareState::Pending {
            return Ok(None);
        }
        s.hold_back(&refusal_note("transfer", code), cx.now)
            .map(Some)
            .map_err(invariant(s))
    })
    .await?;
    if let Cas::Written(held) = &step {
        cx.metrics.transfer_failed(code, &held.order_id);
    }
    Ok(step.into_inner())
}

/// The attention note of a refused transfer or reversal: `"<what>_refused:<code>"`.
pub fn refusal_note(what: &str, code: &str) -> String {
    format!("{what}_refused:{}", crate::metrics::reason_code(code))
}
