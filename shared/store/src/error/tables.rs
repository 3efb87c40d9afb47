//! The table(s) each DynamoDB request names, carried to its response: the SDK's errors do not
//! say which table failed, and the log line of a refused request must.

use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeSerializationInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

use super::Raw;

/// The table(s) a request named, carried from the request to its response by [`TableNames`].
#[derive(Clone, Debug)]
pub(crate) struct Tables(String);

impl Storable for Tables {
    type Storer = StoreReplace<Self>;
}

/// The table name of a request, tried as the input of each single-table operation the adapters
/// and the schema use (the SDK does not export its type-erased input type, hence a macro).
macro_rules! single_table {
    ($input:expr; $($t:ty),* $(,)?) => {
        None$(.or_else(|| {
            $input.downcast_ref::<$t>().and_then(|i| i.table_name().map(str::to_owned))
        }))*
    };
}

/// The tables a transaction writes, sorted, comma-separated.
fn transaction_tables(
    input: &aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput,
) -> String {
    let mut names: Vec<&str> = input
        .transact_items()
        .iter()
        .filter_map(|i| {
            i.put()
                .map(|x| x.table_name())
                .or_else(|| i.update().map(|x| x.table_name()))
                .or_else(|| i.delete().map(|x| x.table_name()))
                .or_else(|| i.condition_check().map(|x| x.table_name()))
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// A client interceptor that records the table(s) each request names and attaches them to its
/// response, so that an error can be logged with its table (the SDK's errors do not say).
#[derive(Debug)]
pub(crate) struct TableNames;

impl Intercept for TableNames {
    fn name(&self) -> &'static str {
        "TableNames"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation as op;
        let input = context.input();
        let tables: Option<String> = single_table!(input;
            op::get_item::GetItemInput,
            op::put_item::PutItemInput,
            op::update_item::UpdateItemInput,
            op::delete_item::DeleteItemInput,
            op::query::QueryInput,
            op::scan::ScanInput,
            op::describe_table::DescribeTableInput,
            op::create_table::CreateTableInput,
            op::describe_time_to_live::DescribeTimeToLiveInput,
            op::update_time_to_live::UpdateTimeToLiveInput,
        )
        .or_else(|| {
            input
                .downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
                .map(transaction_tables)
        });
        if let Some(tables) = tables {
            cfg.interceptor_state().store_put(Tables(tables));
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(tables) = cfg.load::<Tables>() {
            context.response_mut().add_extension(tables.clone());
        }
        Ok(())
    }
}

/// The table(s) recorded on a response by [`TableNames`], or `?`.
pub(super) fn table_of(raw: &Raw) -> String {
    raw.extension::<Tables>()
        .map_or_else(|| "?".to_owned(), |t| t.0.clone())
}
