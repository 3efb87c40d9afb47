//! The schema read from template.yaml, and the tables it creates on a real moto server.

use aws_sdk_dynamodb::types::{
    BillingMode, KeyType, ProjectionType, ScalarAttributeType, TimeToLiveStatus,
};
use store::schema::{self, SchemaError, TableDef};

fn keys(def: &[aws_sdk_dynamodb::types::KeySchemaElement]) -> Vec<(String, KeyType)> {
    def.iter()
        .map(|k| (k.attribute_name().to_owned(), k.key_type().clone()))
        .collect()
}

fn key(name: &str, kind: KeyType) -> (String, KeyType) {
    (name.to_owned(), kind)
}

fn table<'a>(tables: &'a [TableDef], id: &str) -> &'a TableDef {
    tables
        .iter()
        .find(|t| t.logical_id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn template_defines_every_table_key_index_and_ttl() {
    let tables = schema::tables().unwrap();
    let ids: Vec<_> = tables.iter().map(|t| t.logical_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "SellerAccountsTable",
            "PayoutLedgerTable",
            "WebhookEventsTable",
            "BalanceCacheTable"
        ]
    );
    let vars: Vec<_> = tables
        .iter()
        .map(|t| (t.env_var(), t.default_name()))
        .collect();
    assert_eq!(
        vars,
        [
            (
                "SELLER_ACCOUNTS_TABLE".to_owned(),
                "seller-accounts".to_owned()
            ),
            ("PAYOUT_LEDGER_TABLE".into(), "payout-ledger".into()),
            ("WEBHOOK_EVENTS_TABLE".into(), "webhook-events".into()),
            ("BALANCE_CACHE_TABLE".into(), "balance-cache".into()),
        ]
    );
    for t in &tables {
        assert_eq!(
            t.billing_mode,
            BillingMode::PayPerRequest,
            "{}",
            t.logical_id
        );
        assert_eq!(t.throughput, None);
        assert!(
            t.attributes
                .iter()
                .all(|a| *a.attribute_type() == ScalarAttributeType::S)
        );
    }
    for id in [
        "SellerAccountsTable",
        "WebhookEventsTable",
        "BalanceCacheTable",
    ] {
        assert_eq!(
            keys(&table(&tables, id).key_schema),
            [key("pk", KeyType::Hash)],
            "{id}"
        );
        let indexes: Vec<_> = table(&tables, id)
            .global_indexes
            .iter()
            .map(|g| g.index_name().to_owned())
            .collect();
        let expected: &[&str] = if id == "SellerAccountsTable" {
            &["onboarding"]
        } else {
            &[]
        };
        assert_eq!(indexes, expected, "{id}");
    }
    let ledger = table(&tables, "PayoutLedgerTable");
    assert_eq!(
        keys(&ledger.key_schema),
        [key("pk", KeyType::Hash), key("sk", KeyType::Range)]
    );
    let names: Vec<_> = ledger
        .attributes
        .iter()
        .map(|a| a.attribute_name())
        .collect();
    assert_eq!(
        names,
        [
            "pk", "sk", "gsi1pk", "gsi1sk", "hist_sk", "open_pk", "open_sk"
        ]
    );
    let [by_seller, history, open] = ledger.global_indexes.as_slice() else {
        panic!("three GSIs expected")
    };
    for (gsi, name, (hash, range)) in [
        (by_seller, "by-seller", ("gsi1pk", "gsi1sk")),
        (history, "seller-history", ("gsi1pk", "hist_sk")),
        (open, "open", ("open_pk", "open_sk")),
    ] {
        assert_eq!(gsi.index_name(), name);
        assert_eq!(
            keys(gsi.key_schema()),
            [key(hash, KeyType::Hash), key(range, KeyType::Range)]
        );
        assert_eq!(
            gsi.projection().and_then(|p| p.projection_type()),
            Some(&ProjectionType::All)
        );
    }

    let ttl: Vec<_> = tables.iter().map(|t| t.ttl_attribute.as_deref()).collect();
    assert_eq!(ttl, [None, None, Some("expires_at"), Some("expires_at")]);
}

const HEADER: &str = "Conditions:\n  C: !Equals [!Ref P, \"true\"]\nResources:\n";

fn parse_table(props: &str) -> Result<Vec<TableDef>, SchemaError> {
    schema::parse(&format!(
        "{HEADER}  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Role: !GetAtt R.Arn\n      \
         Environment: {{Variables: {{T: !Ref T, S: !Sub '${{AWS::StackName}}-x'}}}}\n  \
         T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n{props}"
    ))
}

#[test]
fn intrinsic_tags_elsewhere_do_not_break_parsing() {
    let tables = parse_table(
        "      DeletionProtectionEnabled: !If [C, true, false]\n      BillingMode: PROVISIONED\n      \
         ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 3}\n      \
         AttributeDefinitions: [{AttributeName: id, AttributeType: N}]\n      \
         KeySchema: [{AttributeName: id, KeyType: HASH}]\n",
    )
    .unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].env_var(), "T_TABLE");
    assert_eq!(tables[0].billing_mode, BillingMode::Provisioned);
    assert_eq!(
        tables[0]
            .throughput
            .as_ref()
            .map(|t| t.write_capacity_units()),
        Some(3)
    );
}

#[test]
fn bad_tables_are_refused_with_their_name() {
    let attr = "      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]\n";
    let hash = "      KeySchema: [{AttributeName: pk, KeyType: HASH}]\n";
    let cases = [
        format!("      BillingMode: !If [C, PAY_PER_REQUEST, PROVISIONED]\n{attr}{hash}"),
        format!(
            "      BillingMode: PAY_PER_REQUEST\n{attr}      KeySchema: [{{AttributeName: id, KeyType: HASH}}]\n"
        ),
        format!(
            "      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{{AttributeName: pk, AttributeType: X}}]\n{hash}"
        ),
        format!("      BillingMode: PROVISIONED\n{attr}{hash}"),
        format!("      BillingMode: PAY_PER_REQUEST\n{attr}"),
        format!(
            "      BillingMode: PAY_PER_REQUEST\n{attr}{hash}      LocalSecondaryIndexes: []\n"
        ),
    ];
    for props in cases {
        let err = parse_table(&props).unwrap_err();
        assert!(
            matches!(&err, SchemaError::Invalid { table, .. } if table == "T"),
            "{props}: {err}"
        );
    }
    assert!(matches!(
        schema::parse("Resources: [1, 2"),
        Err(SchemaError::Parse(_))
    ));
}

#[tokio::test]
async fn created_tables_match_the_template_and_creation_is_idempotent() {
    let db = harness::dynamo().await;
    let names = db.tables().await;
    let tables = schema::tables().unwrap();
    let by_id = [
        ("SellerAccountsTable", &names.seller_accounts),
        ("PayoutLedgerTable", &names.payout_ledger),
        ("WebhookEventsTable", &names.webhook_events),
        ("BalanceCacheTable", &names.balance_cache),
    ];
    for (id, name) in by_id {
        let def = table(&tables, id);
        let described = db
            .client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .unwrap();
        let live = described.table().unwrap();
        assert_eq!(keys(live.key_schema()), keys(&def.key_schema), "{id}");
        let mut attrs: Vec<_> = live.attribute_definitions().to_vec();
        let mut want = def.attributes.clone();
        attrs.sort_by(|a, b| a.attribute_name().cmp(b.attribute_name()));
        want.sort_by(|a, b| a.attribute_name().cmp(b.attribute_name()));
        assert_eq!(attrs, want, "{id}");
        let live_gsis: Vec<_> = live
            .global_secondary_indexes()
            .iter()
            .map(|g| (g.index_name().unwrap().to_owned(), keys(g.key_schema())))
            .collect();
        let want_gsis: Vec<_> = def
            .global_indexes
            .iter()
            .map(|g| (g.index_name().to_owned(), keys(g.key_schema())))
            .collect();
        assert_eq!(live_gsis, want_gsis, "{id}");
        let billing = live.billing_mode_summary().and_then(|b| b.billing_mode());
        assert_eq!(billing, Some(&BillingMode::PayPerRequest), "{id}");

        let ttl = db
            .client
            .describe_time_to_live()
            .table_name(name)
            .send()
            .await
            .unwrap();
        let ttl = ttl.time_to_live_description().unwrap();
        match &def.ttl_attribute {
            Some(attr) => {
                assert_eq!(
                    ttl.time_to_live_status(),
                    Some(&TimeToLiveStatus::Enabled),
                    "{id}"
                );
                assert_eq!(ttl.attribute_name(), Some(attr.as_str()), "{id}");
            }
            None => assert_eq!(
                ttl.time_to_live_status(),
                Some(&TimeToLiveStatus::Disabled),
                "{id}"
            ),
        }
        // Existing tables are fine (make dev runs store-tables on every start).
        assert!(!def.create(&db.client, name).await.unwrap(), "{id}");
    }
}
