//! The payout ledger (`PayoutLedgerTable`).
//!
//! - `ORDER#<order>` / `PAYMENT`: the payment record.
//! - `ORDER#<order>` / `SHARE#<seller>`: one share per seller, with `gsi1pk = SELLER#<seller>`
//!   and `gsi1sk = <state>#<order>` rewritten on every write, so the `by-seller` index answers
//!   "this seller's held (or pending) shares" with one Query per state; `hist_sk` =
//!   `<created_at, 12 digits>#<order>` orders the `seller-history` index (same partition key)
//!   newest first for the seller's payout history. While the share is open
//!   (`LedgerShare::is_open`) it also carries `open_pk = OPEN#<state>#<shard>` and
//!   `open_sk = <updated_at, 12 digits>#<order>#<seller>`; a final share has neither, so the
//!   sparse `open` index holds exactly the shares the reconciler must look at, oldest first.
//!   Four shards (by order id) spread its writes over four index partitions.
//! - `CHARGE#<charge>` / `ORDER`: charge -> order, written in the same transaction as the
//!   payment that first carries the charge id (refunds arrive with the charge only).
//!
//! Creation is conditional on `attribute_not_exists(pk)`, replacement on `version = :expected`.
//! Point reads are strongly consistent; the index query is eventually consistent (GSIs offer
//! nothing else), which is fine for releasing held shares: each release is a CAS write anyway.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use payouts::ports::{Ledger, StoreError, history_key};
use payouts::{LedgerShare, PaymentRecord, ShareState};

use crate::error::{other, put_written};
use crate::item::{Item, from_item, n, s, string_attr, to_item, transact};

const SELLER_INDEX: &str = "by-seller";
const HISTORY_INDEX: &str = "seller-history";
const OPEN_INDEX: &str = "open";
/// Partitions of the `open` index (each takes ~1000 writes/s): a flash sale's shares spread over
/// them by order id.
pub const OPEN_SHARDS: u32 = 4;
const NOT_EXISTS: &str = "attribute_not_exists(pk)";
const VERSION_IS: &str = "#v = :expected";
/// The charge index may already exist, but only for this very order.
const CHARGE_FREE: &str = "attribute_not_exists(pk) OR order_id = :order";

/// [`Ledger`] on DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoLedger {
    client: Client,
    table: String,
}

fn order_pk(order_id: &str) -> AttributeValue {
    s(format!("ORDER#{order_id}"))
}

fn share_sk(seller: &str) -> AttributeValue {
    s(format!("SHARE#{seller}"))
}

fn payment_item(p: &PaymentRecord) -> Result<Item, StoreError> {
    to_item(p, [("pk", order_pk(&p.order_id)), ("sk", s("PAYMENT"))])
}

fn share_item(sh: &LedgerShare) -> Result<Item, StoreError> {
    let keys = [
        ("pk", order_pk(&sh.order_id)),
        ("sk", share_sk(&sh.seller)),
        ("gsi1pk", s(format!("SELLER#{}", sh.seller))),
        (
            "gsi1sk",
            s(format!("{}#{}", sh.state.as_str(), sh.order_id)),
        ),
        ("hist_sk", s(history_key(sh))),
    ];
    let mut item = to_item(sh, keys)?;
    if sh.is_open() {
        item.insert(
            "open_pk".into(),
            s(open_pk(sh.state, open_shard(&sh.order_id))),
        );
        item.insert(
            "open_sk".into(),
            s(open_sk(sh.updated_at, &sh.order_id, &sh.seller)),
        );
    }
    Ok(item)
}

/// FNV-1a of the order id: stable across processes and releases (std's hasher is not).
fn open_shard(order_id: &str) -> u32 {
    let hash = order_id.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % OPEN_SHARDS
}

fn open_pk(state: ShareState, shard: u32) -> String {
    format!("OPEN#{}#{shard}", state.as_str())
}

/// Zero-padded so that string order is time order (unix seconds fit in 12 digits until year 33658).
fn open_sk(updated_at: i64, order_id: &str, seller: &str) -> String {
    format!("{:012}#{order_id}#{seller}", updated_at.max(0))
}

/// A conditional write of a whole record: the condition, and the values it refers to.
struct Conditional {
    condition: &'static str,
    names: Option<(&'static str, &'static str)>,
    values: Vec<(&'static str, AttributeValue)>,
}

fn create() -> Conditional {
    Conditional {
        condition: NOT_EXISTS,
        names: None,
        values: vec![],
    }
}

/// Compare-and-set: the stored version must be the one before `version`.
/// `None` for version 0, which no stored record can precede.
fn cas(version: u64) -> Option<Conditional> {
    Some(Conditional {
        condition: VERSION_IS,
        names: Some(("#v", "version")),
        values: vec![(":expected", n(version.checked_sub(1)?))],
    })
}

impl DynamoLedger {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(
        &self,
        pk: AttributeValue,
        sk: AttributeValue,
    ) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", pk)
            .key("sk", sk)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        Ok(out.item)
    }

    /// One conditional PutItem; `Ok(false)` when the condition failed.
    ///
    /// No "was it my own write?" check on failure: concurrent writers often compute the very
    /// same record (ten deliveries of one event), and exactly one of them must see `true`, since
    /// callers act on it (metrics, follow-up calls). A write whose answer was lost and that the
    /// SDK retried reads as `false`; callers re-read on `false` and find the state they wanted.
    async fn put(&self, item: Item, when: Conditional) -> Result<bool, StoreError> {
        let sent = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(when.condition)
            .set_expression_attribute_names(when.names.map(|(k, v)| [(k.into(), v.into())].into()))
            .set_expression_attribute_values(values(when.values))
            .send()
            .await;
        put_written(sent)
    }

    /// The payment, plus its charge index when it has a charge, in one transaction.
    async fn write_payment(
        &self,
        p: &PaymentRecord,
        when: Conditional,
    ) -> Result<bool, StoreError> {
        let Some(charge) = &p.charge_id else {
            return self.put(payment_item(p)?, when).await;
        };
        let payment = self.transact_put(payment_item(p)?, when)?;
        let index = Item::from([
            ("pk".to_owned(), s(format!("CHARGE#{charge}"))),
            ("sk".to_owned(), s("ORDER")),
            ("order_id".to_owned(), s(&p.order_id)),
        ]);
        let guard = Conditional {
            condition: CHARGE_FREE,
            names: None,
            values: vec![(":order", s(&p.order_id))],
        };
        match transact(
            &self.client,
            vec![payment, self.transact_put(index, guard)?],
        )
        .await?
        {
            None => Ok(true),
            Some(0) => Ok(false),
            Some(_) => Err(StoreError::Conflict { what: "charge" }),
        }
    }

    fn transact_put(&self, item: Item, when: Conditional) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(when.condition)
            .set_expression_attribute_names(when.names.map(|(k, v)| [(k.into(), v.into())].into()))
            .set_expression_attribute_values(values(when.values))
            .build()
            .map_err(|e| StoreError::Corrupt(format!("cannot build put: {e}")))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Runs a query (following `LastEvaluatedKey`) and decodes up to `limit` items.
    async fn query_all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let mut pages = query.into_paginator().send();
        let mut shares = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| other("Query", e))?;
            for item in page.items.unwrap_or_default() {
                if shares.len() == limit {
                    return Ok(shares);
                }
                shares.push(from_item(item)?);
            }
        }
        Ok(shares)
    }

    /// One seller's shares in `state` (eventually consistent: GSIs offer nothing else).
    async fn seller_shares_in(
        &self,
        seller: &str,
        state: ShareState,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SELLER_INDEX)
            .key_condition_expression("gsi1pk = :seller AND begins_with(gsi1sk, :state)")
            .expression_attribute_values(":seller", s(format!("SELLER#{seller}")))
            .expression_attribute_values(":state", s(format!("{}#", state.as_str())));
        self.query_all(query, usize::MAX).await
    }
}

fn values(
    v: Vec<(&'static str, AttributeValue)>,
) -> Option<std::collections::HashMap<String, AttributeValue>> {
    (!v.is_empty()).then(|| v.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[async_trait]
impl Ledger for DynamoLedger {
    async fn insert_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        self.write_payment(payment, create()).await
    }

    async fn payment(&self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let item = self.get(order_pk(order_id), s("PAYMENT")).await?;
        item.map(from_item).transpose()
    }

    async fn payment_by_charge(
        &self,
        charge_id: &str,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        let index = self
            .get(s(format!("CHARGE#{charge_id}")), s("ORDER"))
            .await?;
        let Some(index) = index else { return Ok(None) };
        let order_id = string_attr(&index, "order_id")?;
        self.payment(&order_id).await
    }

    async fn replace_payment(&self, payment: &PaymentRecord) -> Result<bool, StoreError> {
        match cas(payment.version) {
            Some(when) => self.write_payment(payment, when).await,
            None => Ok(false),
        }
    }

    async fn insert_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        self.put(share_item(share)?, create()).await
    }

    async fn share(&self, order_id: &str, seller: &str) -> Result<Option<LedgerShare>, StoreError> {
        let item = self.get(order_pk(order_id), share_sk(seller)).await?;
        item.map(from_item).transpose()
    }

    async fn shares_of_order(&self, order_id: &str) -> Result<Vec<LedgerShare>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :share)")
            .expression_attribute_values(":pk", order_pk(order_id))
            .expression_attribute_values(":share", s("SHARE#"))
            .consistent_read(true);
        self.query_all(query, usize::MAX).await
    }

    async fn unsettled_shares_of_seller(
        &self,
        seller: &str,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let mut shares = self.seller_shares_in(seller, ShareState::Held).await?;
        shares.extend(self.seller_shares_in(seller, ShareState::Pending).await?);
        Ok(shares)
    }

    async fn seller_history(
        &self,
        seller: &str,
        after: Option<&LedgerShare>,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(HISTORY_INDEX)
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .expression_attribute_values(":seller", s(format!("SELLER#{seller}")));
        query = match after {
            None => query.key_condition_expression("gsi1pk = :seller"),
            Some(last) => query
                .key_condition_expression("gsi1pk = :seller AND hist_sk < :after")
                .expression_attribute_values(":after", s(history_key(last))),
        };
        self.query_all(query, limit).await
    }

    async fn open_shares(
        &self,
        state: ShareState,
        updated_before: i64,
        limit: usize,
    ) -> Result<Vec<LedgerShare>, StoreError> {
        // Every shard's oldest `limit`, then the oldest `limit` of those.
        let mut shares = Vec::new();
        for shard in 0..OPEN_SHARDS {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(OPEN_INDEX)
                .key_condition_expression("open_pk = :shard AND open_sk < :before")
                .expression_attribute_values(":shard", s(open_pk(state, shard)))
                .expression_attribute_values(
                    ":before",
                    s(format!("{:012}", updated_before.max(0))),
                );
            shares.extend(self.query_all(query, limit).await?);
        }
        shares.sort_by_key(|sh| sh.updated_at);
        shares.truncate(limit);
        Ok(shares)
    }

    async fn replace_share(&self, share: &LedgerShare) -> Result<bool, StoreError> {
        match cas(share.version) {
            Some(when) => self.put(share_item(share)?, when).await,
            None => Ok(false),
        }
    }
}
