//! The exactly-once transfer of one seller's share: a state machine on the ledger item, moved only
//! by compare-and-set writes (`version`), with Stripe calls in between that are themselves
//! idempotent.
//!
//! `Pending` → record an attempt (CAS) → [look up the transfer if an earlier attempt may have
//! made it] → create it with the deterministic key → CAS `Transferred`. A lost race reloads and
//! re-decides; a crash anywhere is resumed by the redelivery:
//! - after the attempt was recorded but before Stripe answered: the next attempt looks the
//!   transfer up by `transfer_group` + destination (covers keys older than Stripe's 24 h), and
//!   otherwise creates it with the same key (Stripe replays the first result);
//! - after Stripe created it but before the ledger write: the same look-up adopts it.
//!
//! A refusal (the account cannot receive, ...) moves the share back to `Held` with an attention
//! note and a new key round (`LedgerShare::key_round`: Stripe keeps answering the refusal to the
//! old key for 24 h); `account.updated` releases it again ([`release`]).

use payouts::ports::{GatewayError, TransferRef, TransferRequest};
use payouts::{LedgerShare, Money, ShareState, TransitionError};

use crate::{Cx, Failure};

/// How many lost compare-and-set races one delivery tolerates before answering 503.
pub const MAX_RACES: usize = 12;

/// Settles `share` if it is `Pending`; returns it in its resulting state (`Transferred`, or
/// `Held` after a refusal). Any other state is returned unchanged.
pub async fn settle(cx: &Cx<'_>, mut share: LedgerShare) -> Result<LedgerShare, Failure> {
    for _ in 0..MAX_RACES {
        if share.state != ShareState::Pending {
            return Ok(share);
        }
        let (Some(destination), Some(charge)) =
            (share.destination.clone(), share.charge_id.clone())
        else {
            return Err(Failure::Invariant(format!(
                "pending share {}/{} has no destination or charge",
                share.order_id, share.seller
            )));
        };
        let earlier_attempts = share.transfer_attempts;
        let claimed = share
            .begin_transfer_attempt(cx.now)
            .map_err(invariant(&share))?;
        if !cx.deps.ledger.replace_share(&claimed).await? {
            share = reload(cx, &share).await?;
            continue;
        }
        let transfers = &cx.deps.transfers;
        let found = if earlier_attempts > 0 {
            transfers
                .find_transfer(&claimed.order_id, &destination)
                .await
        } else {
            Ok(None)
        };
        let result = match found {
            Ok(Some(existing)) => {
                tracing::info!(order_id = %claimed.order_id, seller = %claimed.seller, transfer = %existing.id, "adopting an existing transfer");
                Ok(existing)
            }
            Ok(None) => {
                let request = TransferRequest {
                    amount: Money::new(claimed.outstanding(), claimed.currency.clone()),
                    destination: destination.clone(),
                    source_transaction: charge,
                    transfer_group: claimed.order_id.clone(),
                    order_id: claimed.order_id.clone(),
                    seller: claimed.seller.clone(),
                };
                transfers
                    .create_transfer(&request, &claimed.transfer_key())
                    .await
            }
            Err(err) => Err(err),
        };
        return match result {
            Ok(transfer) => record_transfer(cx, claimed, &transfer, &destination).await,
            Err(GatewayError::Refused { code, message }) => {
                tracing::warn!(order_id = %claimed.order_id, seller = %claimed.seller, %code, %message, "transfer refused");
                refused(cx, claimed, &code).await
            }
            Err(GatewayError::NotFound) => refused(cx, claimed, "resource_missing").await,
            Err(err @ GatewayError::Unavailable { .. }) => {
                cx.biz
                    .transfer_failed("stripe_unavailable", &claimed.order_id);
                Err(Failure::stripe(&err))
            }
        };
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// Moves a `Held` share to `Pending` towards `destination` (exactly one caller wins and counts
/// it); the caller then [`settle`]s what it gets back.
pub async fn release(
    cx: &Cx<'_>,
    mut share: LedgerShare,
    destination: &str,
) -> Result<LedgerShare, Failure> {
    for _ in 0..MAX_RACES {
        if share.state != ShareState::Held {
            return Ok(share);
        }
        let pending = share
            .release_to(destination, cx.now)
            .map_err(invariant(&share))?;
        if cx.deps.ledger.replace_share(&pending).await? {
            tracing::info!(order_id = %pending.order_id, seller = %pending.seller, "held share released");
            cx.biz
                .share_released(pending.currency.as_str(), &pending.order_id);
            return Ok(pending);
        }
        share = reload(cx, &share).await?;
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// Records `transfer` (the one transfer of this share: same key or found by its group).
async fn record_transfer(
    cx: &Cx<'_>,
    mut share: LedgerShare,
    transfer: &TransferRef,
    destination: &str,
) -> Result<LedgerShare, Failure> {
    for _ in 0..MAX_RACES {
        let done = match share.state {
            ShareState::Pending => share
                .mark_transferred(&transfer.id, transfer.amount, destination, cx.now)
                .map_err(invariant(&share))?,
            ShareState::Transferred => {
                if share.transfer_id.as_deref() != Some(transfer.id.as_str()) {
                    tracing::error!(order_id = %share.order_id, seller = %share.seller, recorded = ?share.transfer_id, seen = %transfer.id, "two transfers for one share");
                }
                return Ok(share);
            }
            ShareState::Held | ShareState::Void => {
                // Money moved although the ledger says it did not: keep the truth visible.
                tracing::error!(order_id = %share.order_id, seller = %share.seller, transfer = %transfer.id, state = share.state.as_str(), "transfer exists for a share that is not pending");
                let note = format!(
                    "transfer {} exists but the share is {}",
                    transfer.id,
                    share.state.as_str()
                );
                share
                    .flag_attention(&note, cx.now)
                    .map_err(invariant(&share))?
            }
        };
        if cx.deps.ledger.replace_share(&done).await? {
            if done.state == ShareState::Transferred {
                tracing::info!(order_id = %done.order_id, seller = %done.seller, transfer = %transfer.id, amount = transfer.amount, "share transferred");
                cx.biz
                    .transfer_created(done.currency.as_str(), transfer.amount, &done.order_id);
            }
            return Ok(done);
        }
        share = reload(cx, &share).await?;
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// Stripe refused the transfer: back to `Held`, with an attention note and a new key round.
async fn refused(cx: &Cx<'_>, mut share: LedgerShare, code: &str) -> Result<LedgerShare, Failure> {
    for _ in 0..MAX_RACES {
        if share.state != ShareState::Pending {
            return Ok(share);
        }
        let held = share
            .hold_back(&refusal_note("transfer", code), cx.now)
            .map_err(invariant(&share))?;
        if cx.deps.ledger.replace_share(&held).await? {
            cx.biz.transfer_failed(code, &held.order_id);
            return Ok(held);
        }
        share = reload(cx, &share).await?;
    }
    Err(Failure::Contention(format!(
        "share {}/{}",
        share.order_id, share.seller
    )))
}

/// An illegal transition after the state was checked: the ledger item is not what it should be.
pub fn invariant(share: &LedgerShare) -> impl Fn(TransitionError) -> Failure + '_ {
    move |err| Failure::Invariant(format!("share {}/{}: {err}", share.order_id, share.seller))
}

/// Re-reads a share after a lost compare-and-set.
pub async fn reload(cx: &Cx<'_>, share: &LedgerShare) -> Result<LedgerShare, Failure> {
    cx.deps
        .ledger
        .share(&share.order_id, &share.seller)
        .await?
        .ok_or_else(|| {
            Failure::Invariant(format!(
                "share {}/{} vanished",
                share.order_id, share.seller
            ))
        })
}

/// The attention note of a refused transfer or reversal: `"<what>_refused:<code>"`.
pub fn refusal_note(what: &str, code: &str) -> String {
    format!("{what}_refused:{}", crate::metrics::reason_code(code))
}
