//! The one compare-and-set step every ledger transition goes through: decide on the record as it
//! is, write the next version conditionally on the one read, and on a lost race re-read and decide
//! again. A use case is then only its decision (a closure); the race limit, the re-read and the
//! contention error live here.

use async_trait::async_trait;
use payouts::ports::{Ledger, StoreError};
use payouts::{LedgerShare, PaymentRecord, TransitionError};

use crate::{Failure, FlowContext};

/// How many lost compare-and-set races one run tolerates before giving up for now (the webhook
/// answers 503 and Stripe redelivers; the reconciler tries again next run).
pub const MAX_RACES: usize = 12;

/// A ledger record written by compare-and-set on its `version`.
#[async_trait]
pub trait Versioned: Clone + Send + Sync + Sized {
    /// `order/seller` or `payment order`, for errors and logs.
    fn describe(&self) -> String;
    /// Writes `self` if the stored version is the one before it; `false` if someone else wrote.
    async fn replace(&self, ledger: &dyn Ledger) -> Result<bool, StoreError>;
    /// The record as stored now.
    async fn reload(&self, ledger: &dyn Ledger) -> Result<Option<Self>, StoreError>;
    /// `self`, about to replace `before`, with what the write records besides the decision (a
    /// share's history).
    fn after(self, _before: &Self) -> Self {
        self
    }
}

#[async_trait]
impl Versioned for LedgerShare {
    fn describe(&self) -> String {
        format!("share {}/{}", self.order_id, self.seller)
    }
    async fn replace(&self, ledger: &dyn Ledger) -> Result<bool, StoreError> {
        ledger.replace_share(self).await
    }
    async fn reload(&self, ledger: &dyn Ledger) -> Result<Option<Self>, StoreError> {
        ledger.share(&self.order_id, &self.seller).await
    }
    fn after(self, before: &Self) -> Self {
        self.chronicled(before)
    }
}

#[async_trait]
impl Versioned for PaymentRecord {
    fn describe(&self) -> String {
        format!("payment {}", self.order_id)
    }
    async fn replace(&self, ledger: &dyn Ledger) -> Result<bool, StoreError> {
        ledger.replace_payment(self).await
    }
    async fn reload(&self, ledger: &dyn Ledger) -> Result<Option<Self>, StoreError> {
        ledger.payment(&self.order_id).await
    }
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cas<T> {
    /// This caller wrote the record (exactly one concurrent caller sees this for a transition).
    Written(T),
    /// The decision was to write nothing; the record as it is now.
    Unchanged(T),
}

impl<T> Cas<T> {
    pub fn into_inner(self) -> T {
        match self {
            Cas::Written(t) | Cas::Unchanged(t) => t,
        }
    }
}

/// Decides on `current` (`Ok(None)`: nothing to write) and writes the decision by compare-and-set,
/// re-reading and re-deciding after every lost race.
pub async fn compare_and_set<T, F>(
    cx: &FlowContext<'_>,
    mut current: T,
    mut decide: F,
) -> Result<Cas<T>, Failure>
where
    T: Versioned,
    F: FnMut(&T) -> Result<Option<T>, Failure> + Send,
{
    let ledger = cx.deps.ledger.as_ref();
    for _ in 0..MAX_RACES {
        let Some(next) = decide(&current)? else {
            return Ok(Cas::Unchanged(current));
        };
        let next = next.after(&current);
        if next.replace(ledger).await? {
            return Ok(Cas::Written(next));
        }
        current = reload(cx, &current).await?;
    }
    Err(Failure::Contention(current.describe()))
}

/// The record as stored now; it must still exist (records are never deleted).
pub async fn reload<T: Versioned>(cx: &FlowContext<'_>, record: &T) -> Result<T, Failure> {
    record
        .reload(cx.deps.ledger.as_ref())
        .await?
        .ok_or_else(|| Failure::Invariant(format!("{} vanished", record.describe())))
}

/// An illegal transition after the state was checked: the record is not what it should be.
pub fn invariant<T: Versioned>(record: &T) -> impl Fn(TransitionError) -> Failure + '_ {
    move |err| Failure::Invariant(format!("{}: {err}", record.describe()))
}
