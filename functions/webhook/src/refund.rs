//! `charge.refunded`: take the refund back from the sellers, proportionally and exactly once.
//!
//! Stripe's `amount_refunded` is cumulative, so every delivery (late, duplicated, reordered)
//! computes each share's cumulative claim (`payouts::refund`) and applies only the difference:
//! a reversal of a transferred share, a withholding of a held one.
//!
//! Each reversal step starts from Stripe's truth: the transfer is re-read and the step reverses
//! `target - (withheld before the transfer + amount_reversed)`. So a reversal whose ledger write
//! was lost is recorded instead of repeated, even after its idempotency key expired (24 h).
//! The key is derived from that base, not from the target: two refund events racing from the
//! same base send the same key with different amounts, and Stripe executes only one of them (the
//! other gets an `idempotency_error`, answers 503, and its redelivery starts from the new base).
//! Keyed by target, both would execute and over-reverse.

use payouts::ports::GatewayError;
use payouts::refund::{RefundAction, refund_action};
use payouts::{LedgerShare, PaymentRecord, PaymentStatus, ShareState};
use stripe_shared::Charge;

use crate::settle::{MAX_RACES, invariant, refusal_note, reload};
use crate::{Cx, Failure, Outcome, payment};

/// What the refund event says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundFacts {
    pub charge_id: String,
    pub payment_intent_id: Option<String>,
    /// Cumulative over all refunds of the charge.
    pub amount_refunded: i64,
}

impl RefundFacts {
    pub fn of(charge: &Charge) -> RefundFacts {
        RefundFacts {
            charge_id: charge.id.as_str().to_owned(),
            payment_intent_id: charge
                .payment_intent
                .as_ref()
                .map(|p| p.id().as_str().to_owned()),
            amount_refunded: charge.amount_refunded,
        }
    }
}

pub async fn on_refund(cx: &Cx<'_>, facts: &RefundFacts) -> Result<Outcome, Failure> {
    let Some(payment) = payment_of(cx, facts).await? else {
        return Ok(Outcome::Ignored("unknown_charge"));
    };
    if payment.status != PaymentStatus::Accepted {
        return Ok(Outcome::Processed); // nothing was paid out, nothing to take back
    }
    if facts.amount_refunded <= payment.refunded_applied {
        return Ok(Outcome::Processed); // this step (or a later one) is already applied
    }
    let shares = cx.deps.ledger.shares_of_order(&payment.order_id).await?;
    let mut first_failure = None;
    for share in shares {
        let who = format!("{}/{}", share.order_id, share.seller);
        if let Err(failure) = apply(cx, &payment, share, facts.amount_refunded).await {
            tracing::warn!(share = %who, error = %failure, "refund not applied to share");
            first_failure.get_or_insert(failure);
        }
    }
    if let Some(failure) = first_failure {
        return Err(failure);
    }
    advance(cx, payment, facts.amount_refunded).await?;
    Ok(Outcome::Processed)
}

/// The payment the refunded charge belongs to. A refund that arrives before its payment event
/// runs the payment flow first (from the PaymentIntent as Stripe has it now).
async fn payment_of(cx: &Cx<'_>, facts: &RefundFacts) -> Result<Option<PaymentRecord>, Failure> {
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
        Err(err) => return Err(Failure::stripe(&err)),
    };
    tracing::info!(payment_intent = %pi, "refund before its payment: running the payment flow first");
    payment::on_payment(cx, &payment_facts).await?;
    Ok(ledger.payment_by_charge(&facts.charge_id).await?)
}

/// Brings one share to its claim for `amount_refunded`.
async fn apply(
    cx: &Cx<'_>,
    payment: &PaymentRecord,
    mut share: LedgerShare,
    amount_refunded: i64,
) -> Result<(), Failure> {
    for _ in 0..MAX_RACES {
        match refund_action(&share, payment.amount_received, amount_refunded) {
            RefundAction::Nothing => return Ok(()),
            RefundAction::SettleFirst => {
                share = payment::settle_one(cx, &share.order_id, &share.seller).await?;
                if share.state == ShareState::Pending {
                    return Err(Failure::Contention(format!(
                        "{}/{}",
                        share.order_id, share.seller
                    )));
                }
            }
            RefundAction::Withhold { target, void, .. } => {
                let held = share.withhold(target, cx.now).map_err(invariant(&share))?;
                if cx.deps.ledger.replace_share(&held).await? {
                    tracing::info!(order_id = %held.order_id, seller = %held.seller, withheld = target, void, "refund withheld from a held share");
                    return Ok(());
                }
                share = reload(cx, &share).await?;
            }
            RefundAction::Reverse { target, .. } => match reverse(cx, share, target).await? {
                Some(again) => share = again,
                None => return Ok(()),
            },
        }
    }
    Err(Failure::Contention(format!(
        "{}/{}",
        share.order_id, share.seller
    )))
}

/// One reversal step of the share to `target`, from Stripe's own reversed total. `Some(share)`
/// when the caller must re-decide (lost race), `None` when this step is settled (done or refused).
async fn reverse(
    cx: &Cx<'_>,
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
        Err(err) => return Err(Failure::stripe(&err)),
    };
    // Refunds withheld before the transfer, plus what Stripe has reversed since.
    let base = (share.net - share.transferred).max(0) + transfer.reversed;
    if base != share.refunded {
        tracing::warn!(order_id = %share.order_id, seller = %share.seller, ledger = share.refunded, stripe = base, "ledger and Stripe disagree on the reversed total: following Stripe");
    }
    if base >= target {
        // Already reversed at Stripe (the ledger write was lost): record it, reverse nothing.
        return record_reversal(cx, share, target, None)
            .await
            .map(|()| None);
    }
    let amount = target - base;
    let key = share.reversal_key(base);
    match transfers.create_reversal(&transfer_id, amount, &key).await {
        Ok(reversal) => {
            tracing::info!(order_id = %share.order_id, seller = %share.seller, %reversal, amount, "transfer reversed");
            record_reversal(cx, share, target, Some(amount))
                .await
                .map(|()| None)
        }
        Err(GatewayError::Refused { code, .. }) if code != "idempotency_error" => {
            note_refusal(cx, share, &code).await
        }
        Err(GatewayError::NotFound) => note_refusal(cx, share, "resource_missing").await,
        // `idempotency_error`: another step from this base is (or was) executing; never start a
        // new round for it (that would let both execute). Stripe's redelivery resumes.
        Err(err) => Err(Failure::stripe(&err)),
    }
}

/// Brings the ledger to `target` after Stripe reversed up to it (`created`: the amount this
/// delivery reversed, counted once the ledger holds it).
async fn record_reversal(
    cx: &Cx<'_>,
    mut share: LedgerShare,
    target: i64,
    created: Option<i64>,
) -> Result<(), Failure> {
    for _ in 0..MAX_RACES {
        if share.refunded >= target {
            return Ok(()); // recorded by a concurrent delivery of the same step
        }
        let done = share
            .record_reversal(target, cx.now)
            .map_err(invariant(&share))?;
        if cx.deps.ledger.replace_share(&done).await? {
            if let Some(amount) = created {
                cx.biz
                    .reversal_created(done.currency.as_str(), amount, &done.order_id);
            }
            return Ok(());
        }
        share = reload(cx, &share).await?;
    }
    Err(Failure::Contention(format!(
        "{}/{}",
        share.order_id, share.seller
    )))
}

/// Stripe refused the reversal (e.g. the seller's balance is too low): needs attention, and the
/// next refund step retries the whole missing amount under a new key round (the refusal stays
/// saved under this round's key for 24 h).
async fn note_refusal(
    cx: &Cx<'_>,
    share: LedgerShare,
    code: &str,
) -> Result<Option<LedgerShare>, Failure> {
    tracing::error!(order_id = %share.order_id, seller = %share.seller, %code, "transfer reversal refused: needs attention");
    let noted = share
        .refuse_reversal(&refusal_note("reversal", code), cx.now)
        .map_err(invariant(&share))?;
    if cx.deps.ledger.replace_share(&noted).await? {
        cx.biz.reversal_failed(code, &noted.order_id);
        return Ok(None);
    }
    // Lost a race: whatever won is re-decided by the caller (a concurrent refusal of the same
    // key already noted it; a recorded reversal makes this step `Nothing`).
    let current = reload(cx, &share).await?;
    if current.refunded == share.refunded && current.key_round > share.key_round {
        return Ok(None);
    }
    Ok(Some(current))
}

/// Raises the payment's applied refund total to `amount_refunded` (counted once per step).
async fn advance(
    cx: &Cx<'_>,
    mut payment: PaymentRecord,
    amount_refunded: i64,
) -> Result<(), Failure> {
    for _ in 0..MAX_RACES {
        // Not advancing (stale, duplicate, or a concurrent delivery got there first): done.
        let Ok(next) = payment.apply_refund(amount_refunded, cx.now) else {
            return Ok(());
        };
        if cx.deps.ledger.replace_payment(&next).await? {
            let step = next.refunded_applied - payment.refunded_applied;
            tracing::info!(order_id = %next.order_id, refunded = next.refunded_applied, step, "refund applied");
            cx.biz.refund_applied(&next.currency, step, &next.order_id);
            return Ok(());
        }
        payment = cx
            .deps
            .ledger
            .payment(&payment.order_id)
            .await?
            .ok_or_else(|| Failure::Invariant(format!("payment {} vanished", payment.order_id)))?;
    }
    Err(Failure::Contention(format!("payment {}", payment.order_id)))
}
