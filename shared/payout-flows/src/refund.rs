//! `charge.refunded`: take the refund back from the sellers, proportionally and exactly once.
//!
//! Stripe's `amount_refunded` is cumulative, so every delivery (late, duplicated, reordered)
//! computes each share's cumulative claim (`payouts::refund`) and applies only the difference:
//! a reversal of a transferred share, a withholding of a held one.
//!
//! Each reversal step starts from Stripe's truth: the transfer is re-read and the step reverses
//! `target - (withheld before the transfer + amount_reversed)`. So a reversal whose ledger write
//! was lost is recorded instead of repeated, even after its idempotency key expired (24 h).
//! The key is derived from that base, not from the target: two refund steps racing from the
//! same base send the same key with different amounts, and Stripe executes only one of them (the
//! other gets an `idempotency_error`, fails for now, and its next run starts from the new base).
//! Keyed by target, both would execute and over-reverse. Each attempt is claimed on the ledger
//! (compare-and-set) before Stripe is called, so the key round it sends is the share's current
//! one: a delivery holding a stale copy loses the claim and re-decides.

use payouts::ports::{GatewayError, RefundFacts};
use payouts::refund::{RefundAction, refund_action};
use payouts::{LedgerShare, PaymentRecord, PaymentStatus, ShareState};

use crate::settle::refusal_note;
use crate::step::{Cas, compare_and_set, invariant};
use crate::{Failure, FlowContext, Outcome, payment};

pub async fn on_refund(cx: &FlowContext<'_>, facts: &RefundFacts) -> Result<Outcome, Failure> {
    let Some(payment) = payment_of(cx, facts).await? else {
        return Ok(Outcome::Ignored("unknown_charge"));
    };
    if payment.status != PaymentStatus::Accepted {
        return Ok(Outcome::Processed); // nothing was paid out, nothing to take back
    }
    if facts.amount_refunded <= payment.refunded_applied {
        return Ok(Outcome::Processed); // this step (or a later one) is already applied
    }
    apply_to_shares(cx, &payment, facts.amount_refunded).await?;
    advance(cx, payment, facts.amount_refunded).await?;
    Ok(Outcome::Processed)
}

/// Brings every share of the payment to its claim for `amount_refunded`; one seller's trouble
/// does not stop the others. Shares the claimed payment lacks (a crash between the claim and
/// its shares) are written first.
pub async fn apply_to_shares(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    amount_refunded: i64,
) -> Result<(), Failure> {
    let ledger = &cx.deps.ledger;
    let mut shares = ledger.shares_of_order(&payment.order_id).await?;
    if shares.len() < payment.shares.len() {
        payment::write_missing_shares(cx, payment).await?;
        shares = ledger.shares_of_order(&payment.order_id).await?;
    }
    let mut first_failure = None;
    for share in shares {
        let who = format!("{}/{}", share.order_id, share.seller);
        if let Err(failure) = apply(cx, payment, share, amount_refunded).await {
            tracing::warn!(share = %who, error = %failure, "refund not applied to share");
            first_failure.get_or_insert(failure);
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// The payment the refunded charge belongs to. A refund that arrives before its payment event
/// runs the payment flow first (from the PaymentIntent as Stripe has it now).
async fn payment_of(
    cx: &FlowContext<'_>,
    facts: &RefundFacts,
) -> Result<Option<PaymentRecord>, Failure> {
    let ledger = &cx.deps.ledger;
    if let Some(payment) = ledger.payment_by_charge(&facts.charge_id).await? {
        return Ok(Some(payment));
    }
    let Some(pi) = &facts.payment_intent_id else {
        return Ok(None);
    };
    let payment_facts = match cx.deps.transfers.retrieve_payment(pi).await {
        Ok(f) => f,
        Err(GatewayError::NotFound) => return Ok(None),
        Err(GatewayError::Refused { code, message }) => {
            tracing::error!(payment_intent = %pi, %code, %message, "Stripe refused to read the payment of a refund: needs attention");
            cx.metrics.stripe_refused(&code, "payment_intent");
            return Ok(None);
        }
        Err(err) => return Err(Failure::stripe(&err)),
    };
    tracing::info!(payment_intent = %pi, "refund before its payment: running the payment flow first");
    payment::on_payment(cx, &payment_facts).await?;
    Ok(ledger.payment_by_charge(&facts.charge_id).await?)
}

/// Brings one share to its claim for `amount_refunded`: each turn decides on the share as it is
/// now, so a lost race or a settled transfer leads to the next right action.
pub async fn apply(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
    mut share: LedgerShare,
    amount_refunded: i64,
) -> Result<(), Failure> {
    for _ in 0..crate::step::MAX_RACES {
        match refund_action(&share, payment.amount_received, amount_refunded) {
            RefundAction::Nothing => return Ok(()),
            RefundAction::SettleFirst => {
                share = payment::settle_share(cx, share).await?;
                if share.state == ShareState::Pending {
                    return Err(Failure::Contention(format!(
                        "share {}/{}",
                        share.order_id, share.seller
                    )));
                }
            }
            RefundAction::Withhold { target, .. } => match withhold(cx, share, target).await? {
                Some(again) => share = again,
                None => return Ok(()),
            },
            RefundAction::Reverse { target, .. } => match reverse(cx, share, target).await? {
                Some(again) => share = again,
                None => return Ok(()),
            },
        }
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// A held share gives up `target` (cumulative) of its net; void when nothing is left.
/// `Some(share)` when it stopped being held meanwhile (the caller re-decides).
async fn withhold(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    target: i64,
) -> Result<Option<LedgerShare>, Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.state != ShareState::Held || s.refunded >= target {
            return Ok(None);
        }
        s.withhold(target, cx.now).map(Some).map_err(invariant(s))
    })
    .await?;
    match step {
        Cas::Written(held) => {
            tracing::info!(order_id = %held.order_id, seller = %held.seller, withheld = target, void = held.state == ShareState::Void, "refund withheld from a held share");
            Ok(None)
        }
        // Released (or transferred) meanwhile: the caller's next turn settles or reverses.
        Cas::Unchanged(s) if s.state != ShareState::Held => Ok(Some(s)),
        Cas::Unchanged(_) => Ok(None),
    }
}

/// One reversal step of the share to `target`, from Stripe's own reversed total. `Some(share)`
/// when the caller must re-decide (lost race), `None` when this step is settled (done or refused).
async fn reverse(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    target: i64,
) -> Result<Option<LedgerShare>, Failure> {
    let Some(transfer_id) = share.transfer_id.clone() else {
        return Err(Failure::Invariant(format!(
            "transferred share {}/{} has no transfer id",
            share.order_id, share.seller
        )));
    };
    let transfers = &cx.deps.transfers;
    let transfer = match transfers.retrieve_transfer(&transfer_id).await {
        Ok(transfer) => transfer,
        Err(GatewayError::NotFound) => return note_refusal(cx, share, "resource_missing").await,
        Err(GatewayError::Refused { code, .. }) => return note_refusal(cx, share, &code).await,
        Err(err) => return Err(Failure::stripe(&err)),
    };
    // Refunds withheld before the transfer, plus what Stripe has reversed since.
    let base = (share.net - share.transferred).max(0) + transfer.reversed;
    if base != share.refunded {
        tracing::warn!(order_id = %share.order_id, seller = %share.seller, ledger = share.refunded, stripe = base, "ledger and Stripe disagree on the reversed total: following Stripe");
    }
    if base >= target {
        // Already reversed at Stripe (the ledger write was lost): record it, reverse nothing.
        record_reversal(cx, share, target, None).await?;
        return Ok(None);
    }
    // Claim the attempt on the version this decision was made on: a stale copy loses here.
    let claimed = share.begin_reversal(cx.now).map_err(invariant(&share))?;
    if !cx.deps.ledger.replace_share(&claimed).await? {
        return Ok(Some(crate::step::reload(cx, &share).await?));
    }
    let amount = target - base;
    let key = claimed.reversal_key(base);
    match transfers.create_reversal(&transfer_id, amount, &key).await {
        Ok(reversal) => {
            tracing::info!(order_id = %claimed.order_id, seller = %claimed.seller, %reversal, amount, "transfer reversed");
            record_reversal(cx, claimed, target, Some(amount)).await?;
            Ok(None)
        }
        Err(GatewayError::Refused { code, .. }) if code != "idempotency_error" => {
            note_refusal(cx, claimed, &code).await
        }
        Err(GatewayError::NotFound) => note_refusal(cx, claimed, "resource_missing").await,
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
    share: LedgerShare,
    target: i64,
    created: Option<i64>,
) -> Result<(), Failure> {
    let step = compare_and_set(cx, share, |s| {
        if s.refunded >= target {
            return Ok(None); // recorded by a concurrent run of the same step
        }
        let mut done = s.record_reversal(target, cx.now).map_err(invariant(s))?;
        if done.attention.as_deref().is_some_and(is_reversal_refusal) {
            done.attention = None;
        }
        Ok(Some(done))
    })
    .await?;
    if let (Cas::Written(done), Some(amount)) = (&step, created) {
        cx.metrics
            .reversal_created(done.currency.as_str(), amount, &done.order_id);
    }
    Ok(())
}

fn is_reversal_refusal(note: &str) -> bool {
    note.starts_with("reversal_refused:")
}

/// Stripe refused the reversal (e.g. the seller's balance is too low): needs attention, and the
/// next run (a later refund step, or the reconciler) retries the whole missing amount under a new
/// key round (the refusal stays saved under this round's key for 24 h). Of the runs refused under
/// one round, only the first records it.
async fn note_refusal(
    cx: &FlowContext<'_>,
    share: LedgerShare,
    code: &str,
) -> Result<Option<LedgerShare>, Failure> {
    tracing::error!(order_id = %share.order_id, seller = %share.seller, %code, "transfer reversal refused: needs attention");
    let (round, refunded) = (share.key_round, share.refunded);
    let step = compare_and_set(cx, share, |s| {
        if s.key_round != round || s.refunded != refunded {
            return Ok(None); // another run noted this refusal, or reversed meanwhile
        }
        s.refuse_reversal(&refusal_note("reversal", code), cx.now)
            .map(Some)
            .map_err(invariant(s))
    })
    .await?;
    match step {
        Cas::Written(noted) => {
            cx.metrics.reversal_failed(code, &noted.order_id);
            Ok(None)
        }
        // Reversed by another run meanwhile: re-decide; a noted refusal: this step is settled.
        Cas::Unchanged(current) if current.refunded != refunded => Ok(Some(current)),
        Cas::Unchanged(_) => Ok(None),
    }
}

/// Raises the payment's applied refund total to `amount_refunded` (counted once per step).
async fn advance(
    cx: &FlowContext<'_>,
    payment: PaymentRecord,
    amount_refunded: i64,
) -> Result<(), Failure> {
    let mut before = payment.refunded_applied;
    // Not advancing (stale, duplicate, or a concurrent run got there first): nothing to write.
    let step = compare_and_set(cx, payment, |p| {
        before = p.refunded_applied;
        Ok(p.apply_refund(amount_refunded, cx.now).ok())
    })
    .await?;
    if let Cas::Written(next) = step {
        let step = next.refunded_applied - before;
        tracing::info!(order_id = %next.order_id, refunded = next.refunded_applied, step, "refund applied");
        cx.metrics
            .refund_applied(&next.currency, step, &next.order_id);
    }
    Ok(())
}
