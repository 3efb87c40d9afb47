//! The seller's payout history: what happened to each share, as the seller sees it.
//!
//! Every share write appends what it moved ([`LedgerShare::chronicled`], derived from the
//! difference between the share before and after, so no transition can forget to), and
//! [`PayoutItem::of`] turns a share into the history's item: its state in the seller's words and
//! the amounts sent and taken back.

use serde::{Deserialize, Serialize};

use crate::claims::DisputeStage;
use crate::{LedgerShare, ShareState};

/// What one write of a share moved (integer minor units of the share's currency).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareEventKind {
    /// Kept back: the seller cannot receive yet.
    Held,
    /// Transferred to the seller.
    Paid,
    /// Taken from a held share (a refund or dispute before the transfer).
    Withheld,
    /// Given back to a held share (that refund failed, that dispute was won).
    Restored,
    /// Taken back from the seller by a transfer reversal.
    Reversed,
    /// Paid again by a new transfer (a failed refund, a won dispute).
    Repaid,
    /// Nothing is owed any more (refunded in full before the transfer).
    Void,
    /// The charge's dispute reached a new stage (amount 0: what moved is its own event).
    DisputeOpened,
    DisputeWithdrawn,
    DisputeWon,
    DisputeLost,
    DisputeClosed,
}

/// One entry of a share's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareEvent {
    /// Unix seconds.
    pub at: i64,
    pub kind: ShareEventKind,
    pub amount: i64,
}

impl ShareEventKind {
    fn of_dispute(stage: DisputeStage) -> ShareEventKind {
        match stage {
            DisputeStage::Open => ShareEventKind::DisputeOpened,
            DisputeStage::Withdrawn => ShareEventKind::DisputeWithdrawn,
            DisputeStage::Reinstated => ShareEventKind::DisputeWon,
            DisputeStage::Lost => ShareEventKind::DisputeLost,
            DisputeStage::Closed => ShareEventKind::DisputeClosed,
        }
    }
}

impl LedgerShare {
    /// What was taken back after the transfer, by Stripe reversals (the rest of `refunded` was
    /// withheld before it).
    pub fn reversed(&self) -> i64 {
        if self.transfer_id.is_none() {
            return 0;
        }
        (self.refunded - (self.net - self.transferred).max(0)).max(0)
    }

    /// The events of a new share: held from the start, or void when its net is 0.
    pub fn first_events(mut self) -> LedgerShare {
        let at = self.created_at;
        let kind = match self.state {
            ShareState::Held => ShareEventKind::Held,
            ShareState::Void => ShareEventKind::Void,
            _ => return self,
        };
        self.history.push(ShareEvent {
            at,
            kind,
            amount: self.net,
        });
        self
    }

    /// This version with what it moved since `before` appended to its history, at its
    /// `updated_at`. Money first, then a state change, then the dispute's stage.
    pub fn chronicled(mut self, before: &LedgerShare) -> LedgerShare {
        let at = self.updated_at;
        let mut events = Vec::new();
        // Money that moved (nothing when it did not); a state or a stage always says so.
        let mut money = |kind, amount: i64| {
            if amount != 0 {
                events.push(ShareEvent { at, kind, amount });
            }
        };
        if self.transfer_id.is_some() && before.transfer_id.is_none() {
            money(ShareEventKind::Paid, self.transferred);
        }
        let held = |s: &LedgerShare| s.transfer_id.is_none();
        let taken = self.refunded - before.refunded;
        if held(before) && held(&self) {
            money(ShareEventKind::Withheld, taken.max(0));
            money(ShareEventKind::Restored, (-taken).max(0));
        } else {
            money(
                ShareEventKind::Reversed,
                self.reversed() - before.reversed(),
            );
        }
        money(ShareEventKind::Repaid, self.repaid - before.repaid);
        let mut mark = |kind, amount| events.push(ShareEvent { at, kind, amount });
        if self.state != before.state {
            match self.state {
                ShareState::Held => mark(ShareEventKind::Held, self.net - self.refunded),
                ShareState::Void => mark(ShareEventKind::Void, 0),
                _ => {}
            }
        }
        if let Some(stage) = self.dispute.filter(|s| before.dispute != Some(*s)) {
            mark(ShareEventKind::of_dispute(stage), 0);
        }
        self.history.extend(events);
        self
    }
}

/// A share's state in the seller's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    Held,
    Pending,
    Paid,
    Void,
    Reversed,
    PartiallyReversed,
    Disputed,
}

/// One item of the seller's payout history (`GET /api/v1/sell/payouts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayoutItem {
    pub order_id: String,
    pub created_at: i64,
    pub currency: String,
    pub gross: i64,
    pub fee: i64,
    pub net: i64,
    pub state: PayoutState,
    /// Sent to the seller: the transfer and the repayments.
    pub transferred: i64,
    /// Taken back from the seller by transfer reversals.
    pub reversed: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_id: Option<String>,
    /// When the charge settled in another currency: the net in that currency. `transferred`,
    /// `reversed` and the events' amounts are then in it too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<SettledNet>,
    pub events: Vec<ShareEvent>,
}

/// A converted share's net in the settlement currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettledNet {
    pub currency: String,
    pub amount: i64,
}

impl PayoutItem {
    /// The item of `share`: what the buyer paid (its presentment amounts when converted), what
    /// moved (in the share's own currency).
    pub fn of(share: &LedgerShare) -> PayoutItem {
        let (currency, gross, fee, net) = match &share.presentment {
            Some(p) => (&p.currency, p.gross, p.fee, p.net),
            None => (&share.currency, share.gross, share.fee, share.net),
        };
        PayoutItem {
            order_id: share.order_id.clone(),
            created_at: share.created_at,
            currency: currency.as_str().to_owned(),
            gross,
            fee,
            net,
            settlement: share.presentment.as_ref().map(|_| SettledNet {
                currency: share.currency.as_str().to_owned(),
                amount: share.net,
            }),
            state: state_of(share),
            transferred: share.transferred + share.repaid,
            reversed: share.reversed(),
            transfer_id: share.transfer_id.clone(),
            events: share.history.clone(),
        }
    }
}

fn state_of(share: &LedgerShare) -> PayoutState {
    let open_dispute = matches!(
        share.dispute,
        Some(DisputeStage::Open | DisputeStage::Withdrawn | DisputeStage::Lost)
    );
    match share.state {
        ShareState::Held => PayoutState::Held,
        ShareState::Pending => PayoutState::Pending,
        ShareState::Void => PayoutState::Void,
        ShareState::Transferred if open_dispute => PayoutState::Disputed,
        ShareState::Transferred => {
            let kept = share.transferred + share.repaid - share.reversed();
            match kept {
                k if k <= 0 => PayoutState::Reversed,
                k if k < share.transferred => PayoutState::PartiallyReversed,
                _ => PayoutState::Paid,
            }
        }
    }
}

#[cfg(test)]
mod tests;
