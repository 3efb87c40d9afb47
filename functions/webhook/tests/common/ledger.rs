//! A decorator over the real DynamoDB ledger that loses chosen writes (the process "dies" after
//! Stripe created the transfer but before the ledger recorded it), and table inspection.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use payouts::ports::{Ledger, StoreError};
use payouts::{LedgerShare, PaymentRecord, ShareState};

/// The real ledger, except that the next `fail_transferred` writes that would mark a share
/// `Transferred`, and the next `fail_reversal` writes recording a reversal, fail (nothing is
/// written).
pub struct FlakyLedger {
    inner: Arc<dyn Ledger>,
    pub fail_transferred: AtomicU32,
    pub fail_reversal: AtomicU32,
    pub injected: AtomicU32,
}

impl FlakyLedger {
    pub fn new(inner: Arc<dyn Ledger>) -> Self {
        FlakyLedger {
            inner,
            fail_transferred: AtomicU32::new(0),
            fail_reversal: AtomicU32::new(0),
            injected: AtomicU32::new(0),
        }
    }

    pub fn fail_next_transferred(&self, times: u32) {
        self.fail_transferred.store(times, Ordering::SeqCst);
    }

    pub fn fail_next_reversal(&self, times: u32) {
        self.fail_reversal.store(times, Ordering::SeqCst);
    }

    fn take(counter: &AtomicU32) -> bool {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

#[async_trait]
impl Ledger for FlakyLedger {
    async fn insert_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        self.inner.insert_payment(payment).await
    }
    async fn payment(&self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        self.inner.payment(order_id).await
    }
    async fn payment_by_charge(
        &self,
        charge_id: &str,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        self.inner.payment_by_charge(charge_id).await
    }
    async fn replace_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        self.inner.replace_payment(payment).await
    }
    async fn insert_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        self.inner.insert_share(share).await
    }
    async fn share(&self, order_id: &str, seller: &str) -> Result<Option<LedgerShare>, StoreError> {
        self.inner.share(order_id, seller).await
    }
    async fn shares_of_order(&self, order_id: &str) -> Result<Vec<LedgerShare>, StoreError> {
        self.inner.shares_of_order(order_id).await
    }
    async fn unsettled_shares_of_seller(
        &self,
        seller: &str,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        self.inner.unsettled_shares_of_seller(seller).await
    }
    async fn open_shares(
        &self,
        state: ShareState,
        updated_before: i64,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        self.inner.open_shares(state, updated_before, limit).await
    }
    async fn seller_history(
        &self,
        seller: &str,
        after: Option<&LedgerShare>,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        self.inner.seller_history(seller, after, limit).await
    }
    async fn replace_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        if share.state == ShareState::Transferred {
            // Which write this is, from what is stored: marking transferred, recording a
            // reversal (refunded grows), or neither (a reversal attempt's claim, a note).
            let stored = self.inner.share(&share.order_id, &share.seller).await?;
            let counter = match &stored {
                Some(s) if s.state != ShareState::Transferred => Some(&self.fail_transferred),
                Some(s) if share.refunded > s.refunded => Some(&self.fail_reversal),
                _ => None,
            };
            if counter.is_some_and(Self::take) {
                self.injected.fetch_add(1, Ordering::SeqCst);
                return Err(StoreError::Unavailable(
                    "injected: process died before the ledger write".into(),
                ));
            }
        }
        self.inner.replace_share(share).await
    }
}

/// How many items each of the webhook's tables holds (accounts, ledger, events).
pub async fn item_counts(
    client: &aws_sdk_dynamodb::Client,
    tables: &settings::TableNames,
) -> [usize; 3] {
    let mut out = [0; 3];
    for (i, table) in [
        &tables.seller_accounts,
        &tables.payout_ledger,
        &tables.webhook_events,
    ]
    .into_iter()
    .enumerate()
    {
        let scan = client.scan().table_name(table).send().await.expect("scan");
        out[i] = scan.items.map_or(0, |v| v.len());
    }
    out
}
