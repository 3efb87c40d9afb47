//! Bringing each share of an order to its claim (`payouts::claims`: what the charge's refunds and
//! disputes, as recorded on the payment, hold back from it), exactly once: a reversal of the
//! share's transfers or a withholding of a held share when the claim grows, a repayment
//! ([`crate::repay`]) or a smaller withholding when it shrinks.
//!
//! Each reversal step starts from Stripe's truth: the share's transfers are re-read and the step
//! reverses `target - (withheld before the transfer + amount_reversed)`. So a reversal whose ledger
//! write was lost is recorded instead of repeated, even after its idempotency key expired (24 h).
//! The key is derived from that base, not from the target: two steps racing from the same base
//! send the same key with different amounts, and Stripe executes only one of them (the other gets
//! an `idempotency_error`, fails for now, and its next run starts from the new base). Keyed by
//! target, both would execute and over-reverse. Each attempt is claimed on the ledger
//! (compare-and-set) before Stripe is called, so the key round it sends is the share's current
//! one: a delivery holding a stale copy loses the claim and re-decides. Every write stamps the
//! payment version it applied (`LedgerShare::applied`): a flow holding an older payment record
//! stops at a share a newer one has reached.

use payouts::ports::StripeError;
use payouts::refund::{RefundAction, share_action};
use payouts::{LedgerShare, PaymentRecord, ShareState};

use crate::settle::refusal_note;
use crate::step::{Cas, compare_and_set, invariant};
use crate::{Failure, FlowContext, payment, repay};

/// Brings every share of the payment to its claim; one seller's trouble does not stop the
/// others. Shares the claimed payment lacks (a crash between the claim and its shares) are
/// written first.
pub async fn apply_to_shares(cx: &FlowContext<'_>, payment: &PaymentRecord) -> Result<(), Failure> {
    let ledger = &cx.deps.ledger;
    let mut shares = ledger.shares_of_order(&payment.order_id).await?;
    if shares.len() < payment.shares.len() {
        payment::write_missing_shares(cx, payment).await?;
        shares = ledger.shares_of_order(&payment.order_id).await?;
    }
    let mut first_failure = None;
    for share in shares {
        let who = format!("{}/{}", share.order_id, share.seller);
        if let Err(failure) = apply(cx, payment, share).await {
            tracing::warn!(share = %who, error = %failure, "claim not applied to share");
            first_failure.get_or_insert(failure);
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// `share` having applied `payment` (a version never goes back).
pub(crate) fn stamp(mut share: LedgerShare, payment: &PaymentRecord) -> LedgerShare {
    share.applied = share.applied.max(payment.version);
    share
}

/// A newer payment record has been applied to the share: this (older) one must not move money.
pub(crate) fn superseded(share: &LedgerShare, payment: &PaymentRecord) -> bool {
    share.applied > payment.version
}

/// Brings one share to its claim under `payment`, or under a newer record of the payment once one
/// has been applied to the share: each turn decides on the share as it is now, so a lost race or
/// a settled transfer leads to the next right action.
///
/// After each step that moved money the run re-reads the share *and* the payment and decides
/// again. A concurrent run may have decided on the share while this step's Stripe call was in
/// flight (it saw a claim already met, or a repayment not yet recorded) and finished: the run
/// that records money last is the one that sees every claim written before it, so it must be the
/// one that brings the share to the newest claim.
pub async fn apply(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    mut share: LedgerShare,
) -> Result<(), Failure> {
    let mut payment = payment.clone();
    for _ in 0..crate::step::MAX_RACES {
        if superseded(&share, &payment) {
            payment = newest(cx, payment).await?;
            if superseded(&share, &payment) {
                return Err(Failure::Invariant(format!(
                    "share {}/{} applied payment version {} the ledger does not hold",
                    share.order_id, share.seller, share.applied
                )));
            }
        }
        let before = share.clone();
        let again = match share_action(&share, payment.claim_of(&share).total()) {
            RefundAction::Nothing => return note_dispute(cx, &payment, share).await,
            RefundAction::SettleFirst => {
                share = payment::settle_share(cx, share).await?;
                if share.state == ShareState::Pending {
                    return Err(Failure::Contention(format!(
                        "share {}/{}",
                        share.order_id, share.seller
                    )));
                }
                Some(share)
            }
            RefundAction::Withhold { target, .. } | RefundAction::Restore { target } => {
                withhold(cx, &payment, share, target).await?
            }
            RefundAction::Reverse { target, .. } => reverse(cx, &payment, share, target).await?,
            RefundAction::Repay { amount } => repay::repay(cx, &payment, share, amount).await?,
        };
        share = match again {
            Some(next) => next,
            None => {
                let now = crate::step::reload(cx, &before).await?;
                if now.attention.as_deref().is_some_and(is_refusal) {
                    // Refused: settled until the next step or the reconciler retries it.
                    return note_dispute(cx, &payment, now).await;
                }
                payment = newest(cx, payment).await?;
                now
            }
        };
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// The newer of `payment` and the payment as stored now (a record never goes back: a caller's
/// copy may carry events the store does not hold yet).
async fn newest(cx: &FlowContext<'_>, payment: PaymentRecord) -> Result<PaymentRecord, Failure> {
    let stored = crate::step::reload(cx, &payment).await?;
    Ok(if stored.version > payment.version {
        stored
    } else {
        payment
    })
}

/// Records the stage of the charge's dispute on a share that has reached its claim (a lost
/// dispute moves nothing more, but the share says so).
async fn note_dispute(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
) -> Result<(), Failure> {
    let stage = payment
        .events
        .disputes
        .values()
        .map(|d| d.stage)
        .next_back();
    if stage.is_none() || share.dispute == stage {
        return Ok(());
    }
    compare_and_set(cx, share, |s| {
        if superseded(s, payment) || s.dispute == stage {
            return Ok(None);
        }
        let next = s.note_dispute(stage, cx.now).map_err(invariant(s))?;
        Ok(Some(stamp(next, payment)))
    })
    .await?;
    Ok(())
}

/// A held (or voided) share withholds `target` (cumulative) of its net: more when a claim grows
/// (void when nothing is left), less when it shrinks (held again). `Some(share)` when it stopped
/// being held meanwhile (the caller re-decides).
async fn withhold(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
    target: i64,
) -> Result<Option<LedgerShare>, Failure> {
    let step = compare_and_set(cx, share, |s| {
        if superseded(s, payment)
            || !matches!(s.state, ShareState::Held | ShareState::Void)
            || s.refunded == target
        {
            return Ok(None);
        }
        let next = if target > s.refunded {
            s.withhold(target, cx.now)
        } else {
            s.restore(target, cx.now)
        };
        next.map(|n| Some(stamp(n, payment))).map_err(invariant(s))
    })
    .await?;
    match step {
        Cas::Written(held) => {
            tracing::info!(order_id = %held.order_id, seller = %held.seller, withheld = target, void = held.state == ShareState::Void, "claim withheld from a held share");
            Ok(None)
        }
        // Released (or transferred) meanwhile: the caller's next turn settles or reverses.
        Cas::Unchanged(s) if !matches!(s.state, ShareState::Held | ShareState::Void) => Ok(Some(s)),
        Cas::Unchanged(_) => Ok(None),
    }
}

/// One reversal step of the share to `target` (its cumulative `refunded`), from Stripe's own
/// reversed total over the share's transfers (the original, then its repayments). `Some(share)`
/// when the caller must re-decide (lost race, or more to reverse from the next transfer), `None`
/// when this step is settled (done or refused).
async fn reverse(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
    target: i64,
) -> Result<Option<LedgerShare>, Failure> {
    let Some(original) = share.transfer_id.clone() else {
        return Err(Failure::Invariant(format!(
            "transferred share {}/{} has no transfer id",
            share.order_id, share.seller
        )));
    };
    let transfers = &cx.deps.transfers;
    let mut at_stripe = Vec::with_capacity(1 + share.repays.len());
    for id in std::iter::once(&original).chain(&share.repays) {
        match transfers.retrieve_transfer(id).await {
            Ok(transfer) => at_stripe.push(transfer),
            Err(StripeError::NotFound) => {
                return note_refusal(cx, share, "reversal", "resource_missing").await;
            }
            Err(StripeError::Refused { code, .. }) => {
                return note_refusal(cx, share, "reversal", &code).await;
            }
            Err(err) => return Err(Failure::stripe(&err)),
        }
    }
    // Refunds withheld before the transfer, plus what Stripe has reversed since.
    let reversed: i64 = at_stripe.iter().map(|t| t.reversed).sum();
    let base = (share.net - share.transferred).max(0) + reversed;
    if base != share.refunded {
        tracing::warn!(order_id = %share.order_id, seller = %share.seller, ledger = share.refunded, stripe = base, "ledger and Stripe disagree on the reversed total: following Stripe");
    }
    if base >= target {
        // Already reversed at Stripe (the ledger write was lost): record what Stripe holds, reverse
        // nothing (more than the target is repaid by the caller's next decision).
        record_reversal(cx, payment, share, base, None).await?;
        return Ok(None);
    }
    let Some(source) = at_stripe.iter().find(|t| t.amount > t.reversed) else {
        return Err(Failure::Invariant(format!(
            "share {}/{}: nothing left to reverse towards {target}",
            share.order_id, share.seller
        )));
    };
    // Claim the attempt on the version this decision was made on: a stale copy loses here.
    let claimed = stamp(
        share.begin_reversal(cx.now).map_err(invariant(&share))?,
        payment,
    );
    if !cx.deps.ledger.replace_share(&claimed).await? {
        return Ok(Some(crate::step::reload(cx, &share).await?));
    }
    let amount = (target - base).min(source.amount - source.reversed);
    let key = claimed.reversal_key(base);
    match transfers.create_reversal(&source.id, amount, &key).await {
        Ok(reversal) => {
            tracing::info!(order_id = %claimed.order_id, seller = %claimed.seller, %reversal, amount, "transfer reversed");
            let more = base + amount < target;
            record_reversal(cx, payment, claimed, base + amount, Some(amount)).await?;
            if more {
                let now = crate::step::reload(cx, &share).await?;
                return Ok(Some(now));
            }
            Ok(None)
        }
        Err(StripeError::Refused { code, .. }) if code != "idempotency_error" => {
            note_refusal(cx, claimed, "reversal", &code).await
        }
        Err(StripeError::NotFound) => {
            note_refusal(cx, claimed, "reversal", "resource_missing").await
        }
        // `idempotency_error`: another step from this base is (or was) executing; never start a
        // new round for it (that would let both execute). The next run resumes.
        Err(err) => Err(Failure::stripe(&err)),
    }
}

/// Brings the ledger to `target` after Stripe reversed up to it (`created`: the amount this
/// run reversed, counted once the ledger holds it). A recorded reversal clears the note of an
/// earlier refusal: the missing amount is now reversed.
async fn record_reversal(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    share: LedgerShare,
    target: i64,
    created: Option<i64>,
) -> Result<(), Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.refunded >= target {
            return Ok(None); // recorded by a concurrent run of the same step
        }
        let mut done = s.record_reversal(target, cx.now).map_err(invariant(s))?;
        if done.attention.as_deref().is_some_and(is_refusal) {
            done.attention = None;
        }
        Ok(Some(stamp(done, payment)))
    })
    .await?;
    if let (Cas::Written(done), Some(amount)) = (&step, created) {
        cx.metrics
            .reversal_created(done.currency.as_str(), amount, &done.order_id);
    }
    Ok(())
}

/// A refused reversal or repayment: retried by the next step (or the reconciler), cleared once
/// money moves again.
pub fn is_refusal(note: &str) -> bool {
    note.starts_with("reversal_refused:") || note.starts_with("repay_refused:")
}

/// Stripe refused the reversal (e.g. the seller's balance is too low): needs attention, and the
/// next run (a later refund step, or the reconciler) retries the whole missing amount under a new
/// key round (the refusal stays saved under this round's key for 24 h). Of the runs refused under
/// one round, only the first records it.
pub(crate) async fn note_refusal(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    what: &str,
    code: &str,
) -> Result<Option<LedgerShare>, Failure> {
    tracing::error!(order_id = %share.order_id, seller = %share.seller, what, %code, "Stripe refused to move the money back: needs attention");
    let (round, refunded) = (share.key_round, share.refunded);
    let step = compare_and_set(cx, share, |s| {
        if s.key_round != round || s.refunded != refunded {
            return Ok(None); // another run noted this refusal, or reversed meanwhile
        }
        s.refuse_reversal(&refusal_note(what, code), cx.now)
            .map(Some)
            .map_err(invariant(s))
    })
    .await?;
    match step {
        Cas::Written(noted) if what == "reversal" => {
            cx.metrics.reversal_failed(code, &noted.order_id);
            Ok(None)
        }
        Cas::Written(noted) => {
            cx.metrics.transfer_failed(code, &noted.order_id);
            Ok(None)
        }
        // Reversed by another run meanwhile: re-decide; a noted refusal: this step is settled.
        Cas::Unchanged(current) if current.refunded != refunded => Ok(Some(current)),
        Cas::Unchanged(_) => Ok(None),
    }
}
