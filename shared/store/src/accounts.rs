//! Seller accounts (`SellerAccountsTable`).
//!
//! Two items per seller, written in one transaction, each with `attribute_not_exists(pk)`:
//! `USER#<user_id>` holds the record, `ACCT#<stripe_account_id>` is a guard (holding the user id)
//! that makes the Stripe account id unique as well. Reads are strongly consistent: the answer
//! decides whether a seller can be paid.
//!
//! Until onboarding completes, the record also carries `onboarding_pk = ONBOARDING` and
//! `onboarding_sk = <flags_read_at, 16 digits>`: the sparse `onboarding` index lists those
//! sellers, least recently read from Stripe first, for the reconciler. Completion removes both.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem};
use payouts::ports::{SellerAccounts, StoreError};
use payouts::{AccountFlags, OnboardingStatus, SellerAccount};

use crate::error::{other, service_error, unexpected};
use crate::item::{Item, from_item, n, s, string_attr, to_item, transact};

const NOT_EXISTS: &str = "attribute_not_exists(pk)";
const ONBOARDING_INDEX: &str = "onboarding";
const ONBOARDING: &str = "ONBOARDING";

/// Zero-padded so that string order is time order.
fn onboarding_sk(read_at_ms: i64) -> String {
    format!("{:016}", read_at_ms.max(0))
}

/// [`SellerAccounts`] on DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoSellerAccounts {
    client: Client,
    table: String,
}

pub(crate) fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

fn acct_pk(stripe_account_id: &str) -> String {
    format!("ACCT#{stripe_account_id}")
}

impl DynamoSellerAccounts {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, pk: String) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        Ok(out.item)
    }

    fn put(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(NOT_EXISTS)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("cannot build put: {e}")))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

#[async_trait]
impl SellerAccounts for DynamoSellerAccounts {
    async fn find_by_user(&self, user_id: &str) -> Result<Option<SellerAccount>, StoreError> {
        self.get(user_pk(user_id)).await?.map(from_item).transpose()
    }

    async fn find_by_stripe_account(
        &self,
        stripe_account_id: &str,
    ) -> Result<Option<SellerAccount>, StoreError> {
        let Some(guard) = self.get(acct_pk(stripe_account_id)).await? else {
            return Ok(None);
        };
        let user_id = string_attr(&guard, "user_id")?;
        match self.find_by_user(&user_id).await? {
            Some(account) if account.stripe_account_id == stripe_account_id => Ok(Some(account)),
            // Both items are written in one transaction: a guard without its record (or
            // pointing at a record of another account) means someone edited the table by hand.
            _ => Err(StoreError::Corrupt(format!(
                "{} does not match its user record",
                acct_pk(stripe_account_id)
            ))),
        }
    }

    async fn insert(&self, account: &SellerAccount) -> Result<(), StoreError> {
        let mut record = to_item(account, [("pk", s(user_pk(&account.user_id)))])?;
        if !account.onboarding_completed {
            record.insert("onboarding_pk".into(), s(ONBOARDING));
            record.insert(
                "onboarding_sk".into(),
                s(onboarding_sk(account.flags_read_at)),
            );
        }
        let guard = Item::from([
            ("pk".to_owned(), s(acct_pk(&account.stripe_account_id))),
            ("user_id".to_owned(), s(&account.user_id)),
            ("created_at".to_owned(), n(account.created_at)),
        ]);
        // Order matters: the index of the failed condition says which rule was broken.
        match transact(&self.client, vec![self.put(record)?, self.put(guard)?]).await? {
            None => Ok(()),
            Some(0) => Err(StoreError::Conflict { what: "user" }),
            Some(_) => Err(StoreError::Conflict {
                what: "stripe_account",
            }),
        }
    }

    async fn update_flags(
        &self,
        user_id: &str,
        flags: &AccountFlags,
        read_at_ms: i64,
    ) -> Result<Option<(SellerAccount, SellerAccount)>, StoreError> {
        let complete = flags.status() == OnboardingStatus::Complete;
        let now = read_at_ms.div_euclid(1000);
        let flags_value = serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(flags)
            .map_err(|e| StoreError::Corrupt(format!("cannot encode flags: {e}")))?;
        // `onboarding_completed` only ever turns on: a later restriction keeps the history. The
        // index entry follows the read (to the back of the queue), and leaves on completion.
        let expression = if complete {
            "SET #f = :f, #u = :now, #r = :read, #c = :yes REMOVE onboarding_pk, onboarding_sk"
        } else {
            "SET #f = :f, #u = :now, #r = :read, onboarding_sk = :osk"
        };
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(user_pk(user_id)))
            .update_expression(expression)
            // Newest read wins: a delivery that read Stripe earlier but writes later loses.
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(#r) OR #r <= :read)",
            )
            .expression_attribute_names("#f", "flags")
            .expression_attribute_names("#u", "updated_at")
            .expression_attribute_names("#r", "flags_read_at")
            .expression_attribute_values(":f", flags_value)
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":read", n(read_at_ms))
            .return_values(ReturnValue::AllOld);
        if !complete {
            update = update.expression_attribute_values(":osk", s(onboarding_sk(read_at_ms)));
        }
        if complete {
            update = update
                .expression_attribute_names("#c", "onboarding_completed")
                .expression_attribute_values(
                    ":yes",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(true),
                );
        }
        let old = match update.send().await {
            Ok(out) => out.attributes.unwrap_or_default(),
            Err(err) => {
                return match service_error("UpdateItem", err)? {
                    // No account, or a newer read is stored: that stored state is the answer.
                    UpdateItemError::ConditionalCheckFailedException(_) => Ok(self
                        .find_by_user(user_id)
                        .await?
                        .map(|stored| (stored.clone(), stored))),
                    e => Err(unexpected("UpdateItem", &e)),
                };
            }
        };
        let before: SellerAccount = from_item(old)?;
        let mut after = before.clone();
        after.flags = flags.clone();
        after.updated_at = now;
        after.flags_read_at = read_at_ms;
        after.onboarding_completed |= complete;
        Ok(Some((before, after)))
    }

    async fn unfinished_onboarding(&self, limit: usize) -> Result<Vec<SellerAccount>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(ONBOARDING_INDEX)
            .key_condition_expression("onboarding_pk = :o")
            .expression_attribute_values(":o", s(ONBOARDING))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX));
        let out = query.send().await.map_err(|e| other("Query", e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .take(limit)
            .map(from_item)
            .collect()
    }
}
