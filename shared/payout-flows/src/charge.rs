//! A charge's refunds and disputes: each event is recorded on the payment (its refunds and
//! disputes by id, at the furthest status seen; `payouts::claims`), then every share of the order
//! is brought to the claim the recorded set gives it ([`crate::refund::apply_to_shares`]).
//!
//! Recording is a compare-and-set merge that never moves a refund or a dispute backwards, so
//! events delivered in any order and any number of times record the same set, and the shares
//! always follow the newest record: a flow holding an older record loses to a newer one on each
//! share (`LedgerShare::applied`).

use payouts::PaymentRecord;
use payouts::claims::{DisputeEntry, RefundEntry, RefundScope, refund_scope};
use payouts::ports::{DisputeFacts, RefundFacts, StripeError};
use payouts::{PaymentStatus, claims::ChargeEvents};

use crate::step::{Cas, compare_and_set};
use crate::{Failure, FlowContext, Outcome, payment, refund};

/// A refund's event: record each refund it carries, then bring the shares to their claims.
pub async fn on_refund(cx: &FlowContext<'_>, facts: &RefundFacts) -> Result<Outcome, Failure> {
    let Some(payment) =
        payment_of(cx, &facts.charge_id, facts.payment_intent_id.as_deref()).await?
    else {
        return Ok(Outcome::Ignored("unknown_charge"));
    };
    if payment.status != PaymentStatus::Accepted {
        return Ok(Outcome::Processed); // nothing was paid out, nothing to take back
    }
    let mut noted = Vec::new();
    let step = compare_and_set(cx, payment, |p| {
        noted.clear();
        let mut events = p.events.clone();
        for item in &facts.refunds {
            let entry = RefundEntry {
                amount: item.amount,
                status: item.status,
                scope: refund_scope(&item.metadata, item.amount, &p.shares, &events),
            };
            if let Some(next) = events.with_refund(&item.id, entry) {
                events = next;
                noted.push(item.id.clone());
            }
        }
        record(p, events, cx.now)
    })
    .await?;
    if let Cas::Written(p) = &step {
        for id in &noted {
            refund_recorded(cx, p, id);
        }
    }
    refund::apply_to_shares(cx, &step.into_inner()).await?;
    Ok(Outcome::Processed)
}

/// A dispute's event: record its stage (the policy in force when first seen), then bring the
/// shares to their claims.
pub async fn on_dispute(cx: &FlowContext<'_>, facts: &DisputeFacts) -> Result<Outcome, Failure> {
    let Some(payment) =
        payment_of(cx, &facts.charge_id, facts.payment_intent_id.as_deref()).await?
    else {
        return Ok(Outcome::Ignored("unknown_charge"));
    };
    if payment.status != PaymentStatus::Accepted {
        return Ok(Outcome::Processed);
    }
    let entry = DisputeEntry {
        amount: facts.amount,
        stage: facts.stage,
        policy: cx.deps.dispute_policy,
    };
    let step = compare_and_set(cx, payment, |p| {
        match p.events.with_dispute(&facts.dispute_id, entry.clone()) {
            Some(events) => record(p, events, cx.now),
            None => Ok(None),
        }
    })
    .await?;
    if let Cas::Written(p) = &step
        && let Some(d) = p.events.disputes.get(&facts.dispute_id)
    {
        tracing::info!(order_id = %p.order_id, dispute = %facts.dispute_id, stage = d.stage.as_str(), amount = d.amount, policy = ?d.policy, "dispute recorded");
        cx.metrics
            .dispute_recorded(&p.currency, d.stage.as_str(), d.amount, &p.order_id);
    }
    refund::apply_to_shares(cx, &step.into_inner()).await?;
    Ok(Outcome::Processed)
}

fn record(
    p: &PaymentRecord,
    events: ChargeEvents,
    now: i64,
) -> Result<Option<PaymentRecord>, Failure> {
    if events == p.events {
        return Ok(None);
    }
    p.record_events(events, now)
        .map(Some)
        .map_err(crate::step::invariant(p))
}

/// Logs and counts a refund just recorded (new, or a status that advanced).
fn refund_recorded(cx: &FlowContext<'_>, p: &PaymentRecord, id: &str) {
    let Some(r) = p.events.refunds.get(id) else {
        return;
    };
    match &r.scope {
        RefundScope::Rejected { reason, detail } => {
            tracing::error!(order_id = %p.order_id, refund = id, %reason, %detail, "refund metadata rejected: nothing moved, needs attention");
            cx.metrics.refund_rejected(reason, &p.order_id);
        }
        _ if r.status.is_live() => {
            tracing::info!(order_id = %p.order_id, refund = id, amount = r.amount, scope = ?r.scope, "refund recorded");
            cx.metrics
                .refund_applied(&p.currency, r.amount, &p.order_id);
        }
        _ => {
            tracing::warn!(order_id = %p.order_id, refund = id, amount = r.amount, status = ?r.status, "refund failed: the sellers' part is repaid");
            cx.metrics.refund_failed(&p.currency, r.amount, &p.order_id);
        }
    }
}

/// The payment the charge belongs to. An event that arrives before its payment event runs the
/// payment flow first (from the PaymentIntent as Stripe has it now).
async fn payment_of(
    cx: &FlowContext<'_>,
    charge_id: &str,
    payment_intent: Option<&str>,
) -> Result<Option<PaymentRecord>, Failure> {
    let ledger = &cx.deps.ledger;
    if let Some(payment) = ledger.payment_by_charge(charge_id).await? {
        return Ok(Some(payment));
    }
    let Some(pi) = payment_intent else {
        return Ok(None);
    };
    let payment_facts = match cx.deps.transfers.retrieve_payment(pi).await {
        Ok(f) => f,
        Err(StripeError::NotFound) => return Ok(None),
        Err(StripeError::Refused { code, message }) => {
            tracing::error!(payment_intent = %pi, %code, %message, "Stripe refused to read the payment of a refund or dispute: needs attention");
            cx.metrics.stripe_refused(&code, "payment_intent");
            return Ok(None);
        }
        Err(err) => return Err(Failure::stripe(&err)),
    };
    tracing::info!(payment_intent = %pi, "refund or dispute before its payment: running the payment flow first");
    // Now, not queued: the refund or dispute needs the payment recorded to act on it.
    payment::pay_out(cx, &payment_facts).await?;
    Ok(ledger.payment_by_charge(charge_id).await?)
}
