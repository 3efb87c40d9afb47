//! `payment_intent.succeeded`: the payout plan, the ledger, then the transfers.
//!
//! Order of writes (each conditional, so running the flow again resumes where a crash stopped):
//! 1. the payment record: the order's claim (conditional on the order id, with its charge index),
//!    carrying the plan's shares. Claimed first, so two PaymentIntents for one order never both
//!    write shares: the second finds the first's claim and is rejected;
//! 2. every seller's share from the claimed record (`Pending` towards a seller who can receive,
//!    else `Held`); a refund that finds the payment before all shares exist writes the missing
//!    ones from the record first ([`write_missing_shares`]);
//! 3. settle each `Pending` share ([`crate::settle`]).
//!
//! With a transfer queue ([`payouts::queue`]) all of it runs in the transfer worker instead.

use payouts::plan::{self, PaymentFacts, PayoutPlan, Share};
use payouts::{
    LedgerShare, PaymentRecord, PaymentStatus, RejectReason, Settlement, ShareDecision, ShareState,
    decide_share,
};

use payouts::queue::Job;

use crate::settle::{release, settle};
use crate::{Failure, FlowContext, Outcome};

/// `payment_intent.succeeded`: with a transfer queue, a payment that will be paid out is sent to
/// it as a job (no Stripe call here; the transfer worker runs [`pay_out`]); otherwise, and for
/// what is ignored or rejected, [`pay_out`] runs now.
pub async fn on_payment(cx: &FlowContext<'_>, facts: &PaymentFacts) -> Result<Outcome, Failure> {
    if let Some(queue) = &cx.deps.queue
        && plan::is_marketplace_payment(&facts.metadata)
        && plan::plan_payout(facts, cx.deps.fee_bps).is_ok()
    {
        queue.send(&[Job::Payment(facts.clone())]).await?;
        tracing::info!(payment_intent = %facts.payment_intent_id, "payment sent to the transfer queue");
        return Ok(Outcome::Processed);
    }
    pay_out(cx, facts).await
}

/// Runs the payment flow; idempotent, so it is also how a refund that arrived first catches up,
/// and what the transfer worker runs for a queued payment.
pub async fn pay_out(cx: &FlowContext<'_>, facts: &PaymentFacts) -> Result<Outcome, Failure> {
    if !plan::is_marketplace_payment(&facts.metadata) {
        tracing::info!(payment_intent = %facts.payment_intent_id, "not a marketplace payment: ignored");
        return Ok(Outcome::Ignored("not_marketplace"));
    }
    let plan = match plan::plan_payout(facts, cx.deps.fee_bps) {
        Ok(plan) => plan,
        Err(reason) => return reject(cx, facts, &reason).await,
    };
    let payment = match claim_order(cx, &plan).await? {
        Ok(payment) => payment,
        Err(outcome) => return Ok(outcome),
    };
    let written = write_missing_shares(cx, &payment).await?;
    // Settle every share; one seller's Stripe trouble must not delay the others. A share this run
    // just wrote is settled from that record (no read back: a concurrent writer makes its first
    // compare-and-set fail, which re-reads); one that existed is read.
    let mut first_failure = None;
    for share in &plan.shares {
        let settled = match written.iter().find(|w| w.seller == share.seller) {
            Some(fresh) => settle_share(cx, fresh.clone()).await.map(drop),
            None => settle_one(cx, &plan.order_id, &share.seller)
                .await
                .map(drop),
        };
        if let Err(failure) = settled {
            tracing::warn!(order_id = %plan.order_id, seller = %share.seller, error = %failure, "share not settled");
            first_failure.get_or_insert(failure);
        }
    }
    first_failure.map_or(Ok(Outcome::Processed), Err)
}

/// Claims the order for this payment: the record this payment may write shares from, or the
/// outcome when the order belongs to another payment or was rejected.
async fn claim_order(
    cx: &FlowContext<'_>,
    plan: &PayoutPlan,
) -> Result<Result<PaymentRecord, Outcome>, Failure> {
    let ledger = &cx.deps.ledger;
    // Read first: a redelivery finds the claim without asking Stripe for the settlement again.
    let existing = match ledger.payment(&plan.order_id).await? {
        Some(existing) => existing,
        None => {
            let settlement = settlement_of(cx, plan).await?;
            let record = PaymentRecord::accepted(plan, cx.now).settled_as(settlement);
            if ledger.insert_payment(&record).await? {
                tracing::info!(order_id = %plan.order_id, sellers = plan.shares.len(), settlement = ?record.settlement, "order paid");
                cx.metrics
                    .order_paid(plan.currency.as_str(), &plan.order_id);
                return Ok(Ok(record));
            }
            ledger.payment(&plan.order_id).await?.ok_or_else(|| {
                Failure::Invariant(format!("payment {} neither new nor stored", plan.order_id))
            })?
        }
    };
    if existing.payment_intent_id != plan.payment_intent_id {
        return Ok(Err(second_payment(cx, plan, &existing)));
    }
    if existing.status != PaymentStatus::Accepted {
        // Decided once (e.g. under another fee setting): the recorded decision stands.
        return Ok(Err(Outcome::Rejected));
    }
    Ok(Ok(existing))
}

/// The charge's settlement when it is in another currency than the payment (`None` when the
/// same): the transfers must then be made in it ([`payouts::settlement`]).
async fn settlement_of(
    cx: &FlowContext<'_>,
    plan: &PayoutPlan,
) -> Result<Option<Settlement>, Failure> {
    match cx.deps.transfers.charge_settlement(&plan.charge_id).await {
        Ok(settlement) => Ok(settlement.differing(&plan.currency)),
        Err(err) => {
            tracing::warn!(order_id = %plan.order_id, charge = %plan.charge_id, error = %err, "charge settlement not read");
            Err(Failure::stripe(&err))
        }
    }
}

/// Writes every share of a claimed payment that does not exist yet; returns the ones it wrote.
pub async fn write_missing_shares(
    cx: &FlowContext<'_>,
    payment: &PaymentRecord,
) -> Result<Vec<LedgerShare>, Failure> {
    let Some(plan) = payment.plan() else {
        return Ok(Vec::new());
    };
    let mut written = Vec::new();
    for share in &plan.shares {
        written.extend(ensure_share(cx, &plan, share, payment.settlement.as_ref()).await?);
    }
    Ok(written)
}

/// Loads a share and settles it; a `Held` one is first re-checked against the seller's account,
/// which closes the race with an `account.updated` that enabled payouts while this share was
/// being written (its query of the seller's shares could not see this one yet).
pub async fn settle_one(
    cx: &FlowContext<'_>,
    order_id: &str,
    seller: &str,
) -> Result<LedgerShare, Failure> {
    let Some(share) = cx.deps.ledger.share(order_id, seller).await? else {
        return Err(Failure::Invariant(format!(
            "share {order_id}/{seller} missing"
        )));
    };
    settle_share(cx, share).await
}

/// [`settle_one`] for a share already read.
pub async fn settle_share(
    cx: &FlowContext<'_>,
    mut share: LedgerShare,
) -> Result<LedgerShare, Failure> {
    if share.state == ShareState::Held
        && let Some(account) = cx.deps.accounts.find_by_user(&share.seller).await?
        && account.flags.can_receive_transfers()
    {
        share = release(cx, share, &account.stripe_account_id).await?;
    }
    settle(cx, share).await
}

/// Writes the share unless it exists (a conditional put: no read first, the first delivery is the
/// common case): `Pending` towards an account that can receive transfers, otherwise `Held` (no
/// account yet, or payouts not enabled); `Void` when nothing is owed. The record when written.
async fn ensure_share(
    cx: &FlowContext<'_>,
    plan: &PayoutPlan,
    share: &Share,
    settlement: Option<&Settlement>,
) -> Result<Option<LedgerShare>, Failure> {
    let ledger = &cx.deps.ledger;
    let account = cx.deps.accounts.find_by_user(&share.seller).await?;
    let decision = decide_share(account.as_ref());
    let record = LedgerShare::new_settled(plan, share, settlement, &decision, cx.now);
    if !ledger.insert_share(&record).await? {
        return Ok(None);
    }
    if let ShareDecision::Hold { reason } = decision
        && record.state == ShareState::Held
    {
        tracing::info!(order_id = %plan.order_id, seller = %share.seller, amount = record.net, reason, "share held: seller cannot receive transfers yet");
        cx.metrics
            .share_held(record.currency.as_str(), record.net, &plan.order_id);
    }
    Ok(Some(record))
}

/// Records a payment that cannot be paid out, keyed by its order id (or the PaymentIntent id
/// when the order id itself is missing). Answered 200: a redelivery would be rejected again.
async fn reject(
    cx: &FlowContext<'_>,
    facts: &PaymentFacts,
    reason: &RejectReason,
) -> Result<Outcome, Failure> {
    let key = plan::order_id_of(&facts.metadata).unwrap_or(&facts.payment_intent_id);
    let record = PaymentRecord::rejected(key, facts, reason, cx.now);
    let code = reason.code();
    let created = match cx.deps.ledger.insert_payment(&record).await {
        Ok(created) => created,
        // The charge already belongs to another order's record: nothing more to store.
        Err(payouts::ports::StoreError::Conflict { .. }) => false,
        Err(err) => return Err(err.into()),
    };
    if created {
        tracing::error!(order_id = %key, payment_intent = %facts.payment_intent_id, reason = code, detail = %reason, "payment rejected for payout");
        cx.metrics.payment_rejected(code, key);
    }
    Ok(Outcome::Rejected)
}

/// A second PaymentIntent for an order that is already claimed: never pay the sellers twice.
/// The money stays on the platform for a human to refund.
fn second_payment(cx: &FlowContext<'_>, plan: &PayoutPlan, existing: &PaymentRecord) -> Outcome {
    tracing::error!(
        order_id = %plan.order_id,
        payment_intent = %plan.payment_intent_id,
        recorded_payment_intent = %existing.payment_intent_id,
        "second payment for an already recorded order: not paid out, refund it"
    );
    cx.metrics
        .payment_rejected("duplicate_order", &plan.order_id);
    Outcome::Rejected
}
