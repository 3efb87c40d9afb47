use super::*;

/// The four tables and the transfer queue under test names.
pub(crate) fn stack() -> Stack {
    let tables = [
        ("SellerAccountsTable", "t-accounts"),
        ("PayoutLedgerTable", "t-ledger"),
        ("WebhookEventsTable", "t-events"),
        ("BalanceCacheTable", "t-cache"),
    ];
    Stack {
        region: "eu-west-1".into(),
        account: "111122223333".into(),
        tables: tables
            .iter()
            .map(|(l, p)| (l.to_string(), p.to_string()))
            .collect(),
        queues: [("TransferQueue".to_owned(), "t-transfers".to_owned())].into(),
    }
}

/// A template with one function `f` whose `Policies` are `policies` (YAML, indented 6).
pub(crate) fn template(policies: &str) -> String {
    format!(
        "Resources:\n  FFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      \
         BuildProperties:\n        Binary: f\n    Properties:\n      Policies:\n{policies}"
    )
}

const ARN: &str = "arn:aws:dynamodb:eu-west-1:111122223333:table";

#[test]
fn the_templates_functions_and_their_dynamodb_and_queue_statements() {
    let found = policies(store::schema::TEMPLATE, &stack()).expect("template.yaml");
    let names: Vec<(&str, &str)> = found
        .iter()
        .map(|p| (p.logical_id.as_str(), p.function.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("OnboardFunction", "onboard"),
            ("CallbackFunction", "callback"),
            ("BalanceFunction", "balance"),
            ("WebhookFunction", "webhook"),
            ("TransferFunction", "transfer"),
            ("ReconcileFunction", "reconcile"),
        ]
    );
    // No Secrets Manager or SSM statement: secrets reach the functions as `{{resolve:...}}`
    // dynamic references, resolved by CloudFormation at deploy time, never read at run time.
    // Such a statement would be checked the same way (and fail as unexercised until the
    // recorder also records that client's calls).
    for p in &found {
        for s in &p.statements {
            assert!(s.allow, "{p:?}");
            // The grants outside DynamoDB: the webhook sends to the transfer queue, the transfer
            // function hides its failed messages there.
            if s.actions.iter().any(|a| a.starts_with("sqs:")) {
                let expected = match p.function.as_str() {
                    "webhook" => "sqs:SendMessage",
                    "transfer" => "sqs:ChangeMessageVisibility",
                    other => panic!("{other}: an SQS grant"),
                };
                assert_eq!(s.actions, [expected]);
                let queue = "arn:aws:sqs:eu-west-1:111122223333:t-transfers";
                assert_eq!(
                    s.resources
                        .iter()
                        .map(|r| r.arn.as_str())
                        .collect::<Vec<_>>(),
                    [queue]
                );
                continue;
            }
            for a in &s.actions {
                assert!(a.starts_with("dynamodb:"), "{}: {a}", p.function);
            }
            for r in &s.resources {
                assert!(r.arn.starts_with(&format!("{ARN}/t-")), "{r:?}");
            }
        }
    }
}

#[test]
fn resources_render_for_the_stack() {
    let yaml = template(
        "        - Statement:\n\
         \x20           - Effect: Allow\n\
         \x20             Action: dynamodb:Query\n\
         \x20             Resource:\n\
         \x20               - !GetAtt PayoutLedgerTable.Arn\n\
         \x20               - !Sub \"${PayoutLedgerTable.Arn}/index/open\"\n\
         \x20               - {\"Fn::GetAtt\": [SellerAccountsTable, Arn]}\n\
         \x20               - {\"Fn::Sub\": \"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${BalanceCacheTable}\"}\n\
         \x20               - arn:aws:dynamodb:*:*:table/other-*\n",
    );
    let found = policies(&yaml, &stack()).expect("parsed");
    let rendered: Vec<(String, String)> = found[0].statements[0]
        .resources
        .iter()
        .map(|r| (r.arn.clone(), r.label.clone()))
        .collect();
    let pair = |arn: String, label: &str| (arn, label.to_owned());
    assert_eq!(
        rendered,
        [
            pair(format!("{ARN}/t-ledger"), "PayoutLedgerTable"),
            pair(
                format!("{ARN}/t-ledger/index/open"),
                "PayoutLedgerTable/index/open"
            ),
            pair(format!("{ARN}/t-accounts"), "SellerAccountsTable"),
            pair(
                format!("{ARN}/t-cache"),
                "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/BalanceCacheTable"
            ),
            pair(
                "arn:aws:dynamodb:*:*:table/other-*".into(),
                "arn:aws:dynamodb:*:*:table/other-*"
            ),
        ]
    );
    assert_eq!(found[0].statements[0].actions, ["dynamodb:Query"]);
}

#[test]
fn what_cannot_be_evaluated_exactly_is_refused() {
    let statement = |extra: &str| {
        template(&format!(
            "        - Statement:\n\
             \x20           - Effect: Allow\n\
             \x20             Action: [dynamodb:GetItem]\n\
             \x20             Resource: {extra}\n"
        ))
    };
    let refused = [
        template("        - AmazonDynamoDBFullAccess\n"),
        template("        - DynamoDBCrudPolicy:\n            TableName: !Ref PayoutLedgerTable\n"),
        statement("\"*\"\n              Condition: {Bool: {aws:SecureTransport: true}}"),
        statement("!GetAtt NoSuchTable.Arn"),
        statement("!GetAtt PayoutLedgerTable.StreamArn"),
        statement("!Sub \"${NoSuchTable.Arn}/index/x\""),
        statement("!If [Cond, \"*\", \"*\"]"),
        statement("!GetAtt PayoutLedgerTable.Arn")
            .replace("Policies:", "Role: arn:r\n      Policies:"),
    ];
    for yaml in refused {
        let err = policies(&yaml, &stack()).expect_err(&yaml);
        assert!(
            matches!(&err, PolicyError::Unsupported { function, .. } if function == "FFunction"),
            "{err}"
        );
    }
}
