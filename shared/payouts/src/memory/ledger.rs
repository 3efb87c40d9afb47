//! [`Ledger`] in memory: payment records by order, a charge index, and shares by
//! (order, seller).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use super::{lock, predecessor};
use crate::ports::{Ledger, StoreError, history_key};
use crate::{LedgerShare, PaymentRecord, ShareState};

/// [`Ledger`] in memory. Creation succeeds only when nothing is stored, replacement only when
/// the stored version is the one before the new record's; a charge belongs to the first order
/// that carries it (`Conflict { what: "charge" }` for any other order, nothing written).
#[derive(Debug, Default)]
pub struct MemoryLedger {
    state: Mutex<Book>,
}

#[derive(Debug, Default)]
struct Book {
    payments: HashMap<String, PaymentRecord>,
    /// Charge id -> order id: written with the first payment record that carries the charge and
    /// never removed (a replacement with another charge adds one).
    charges: HashMap<String, String>,
    /// Ordered by order id, then seller, as DynamoDB's sort keys order them.
    shares: BTreeMap<(String, String), LedgerShare>,
}

impl Book {
    /// Writes `payment` (and its charge index) if the stored record's version is `expected`
    /// (`None`: nothing stored). Its own condition is checked first, as in the DynamoDB
    /// transaction: a record that lost the race is `false` even if its charge is taken too.
    fn write_payment(
        &mut self,
        payment: &PaymentRecord,
        expected: Option<u64>,
    ) -> Result<bool, StoreError> {
        let stored = self.payments.get(&payment.order_id).map(|p| p.version);
        if stored != expected {
            return Ok(false);
        }
        if let Some(charge) = &payment.charge_id {
            match self.charges.get(charge) {
                Some(order) if *order != payment.order_id => {
                    return Err(StoreError::Conflict { what: "charge" });
                }
                Some(_) => {}
                None => {
                    self.charges
                        .insert(charge.clone(), payment.order_id.clone());
                }
            }
        }
        self.payments
            .insert(payment.order_id.clone(), payment.clone());
        Ok(true)
    }

    /// The shares of `seller` in `state`, by order id.
    fn seller_shares_in<'a>(
        &'a self,
        seller: &'a str,
        state: ShareState,
    ) -> impl Iterator<Item = &'a LedgerShare> {
        self.shares
            .values()
            .filter(move |s| s.seller == seller && s.state == state)
    }
}

fn key(order_id: &str, seller: &str) -> (String, String) {
    (order_id.to_owned(), seller.to_owned())
}

impl MemoryLedger {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Ledger for MemoryLedger {
    async fn insert_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        lock(&self.state).write_payment(payment, None)
    }

    async fn payment(&self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        Ok(lock(&self.state).payments.get(order_id).cloned())
    }

    async fn payment_by_charge(
        &self,
        charge_id: &str,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        let book = lock(&self.state);
        let order = book.charges.get(charge_id);
        Ok(order.and_then(|o| book.payments.get(o)).cloned())
    }

    async fn replace_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        match predecessor(payment.version) {
            Some(expected) => lock(&self.state).write_payment(payment, Some(expected)),
            None => Ok(false),
        }
    }

    async fn insert_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        let mut book = lock(&self.state);
        let slot = book.shares.entry(key(&share.order_id, &share.seller));
        match slot {
            Entry::Occupied(_) => Ok(false),
            Entry::Vacant(v) => {
                v.insert(share.clone());
                Ok(true)
            }
        }
    }

    async fn share(&self, order_id: &str, seller: &str) -> Result<Option<LedgerShare>, StoreError> {
        Ok(lock(&self.state)
            .shares
            .get(&key(order_id, seller))
            .cloned())
    }

    async fn shares_of_order(&self, order_id: &str) -> Result<Vec<LedgerShare>, StoreError> {
        let book = lock(&self.state);
        Ok(book
            .shares
            .range(key(order_id, "")..)
            .take_while(|((order, _), _)| order == order_id)
            .map(|(_, s)| s.clone())
            .collect())
    }

    async fn unsettled_shares_of_seller(
        &self,
        seller: &str,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let book = lock(&self.state);
        let held = book.seller_shares_in(seller, ShareState::Held);
        let pending = book.seller_shares_in(seller, ShareState::Pending);
        Ok(held.chain(pending).cloned().collect())
    }

    async fn seller_history(
        &self,
        seller: &str,
        after: Option<&LedgerShare>,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let book = lock(&self.state);
        let before = after.map(history_key);
        let mut mine: Vec<&LedgerShare> = book
            .shares
            .values()
            .filter(|s| s.seller == seller)
            .filter(|s| before.as_ref().is_none_or(|b| history_key(s) < *b))
            .collect();
        mine.sort_by_key(|s| std::cmp::Reverse(history_key(s)));
        Ok(mine.into_iter().take(limit).cloned().collect())
    }

    async fn open_shares(
        &self,
        state: ShareState,
        updated_before: i64,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let book = lock(&self.state);
        // DynamoDB's index key is the write time clamped at 0.
        let mut open: Vec<&LedgerShare> = book
            .shares
            .values()
            .filter(|s| s.state == state && s.is_open())
            .filter(|s| s.updated_at.max(0) < updated_before.max(0))
            .collect();
        // Stable: equal times stay by order and seller here (in no promised order there).
        open.sort_by_key(|s| s.updated_at);
        Ok(open.into_iter().take(limit).cloned().collect())
    }

    async fn replace_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        let Some(expected) = predecessor(share.version) else {
            return Ok(false);
        };
        let mut book = lock(&self.state);
        match book.shares.get_mut(&key(&share.order_id, &share.seller)) {
            Some(stored) if stored.version == expected => {
                *stored = share.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
