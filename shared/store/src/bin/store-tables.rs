//! Creates the template's DynamoDB tables on a local endpoint (used by `make dev`).
//!
//! `store-tables [--endpoint URL]` (default: `DYNAMODB_ENDPOINT`). Each table is named by its
//! environment variable (`SELLER_ACCOUNTS_TABLE`, ...) when set, else by its default local name
//! (`seller-accounts`, ...). Existing tables are left alone. Prints `VAR=name` per table, so a
//! script can `eval`/export the output. An endpoint is required: real tables come from SAM.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let endpoint = match (args.next().as_deref(), args.next()) {
        (Some("--endpoint"), Some(url)) => Some(url),
        (None, _) => std::env::var("DYNAMODB_ENDPOINT")
            .ok()
            .filter(|v| !v.is_empty()),
        _ => None,
    };
    let Some(endpoint) = endpoint else {
        eprintln!("usage: store-tables [--endpoint URL]  (or set DYNAMODB_ENDPOINT)");
        return ExitCode::from(2);
    };
    let tables = match store::schema::tables() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("store-tables: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A local server's first request may take seconds (moto loads its DynamoDB backend then, on
    // a busy machine): this one-off tool waits longer than the functions' bounded calls do.
    let functions_client = store::client(Some(&endpoint)).await;
    let patient = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .operation_attempt_timeout(std::time::Duration::from_secs(30))
        .operation_timeout(std::time::Duration::from_secs(60))
        .build();
    let config = functions_client
        .config()
        .to_builder()
        .timeout_config(patient);
    let client = aws_sdk_dynamodb::Client::from_conf(config.build());
    for table in &tables {
        let var = table.env_var();
        let name = std::env::var(&var)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| table.default_name());
        match table.create(&client, &name).await {
            Ok(created) => {
                let what = if created { "created" } else { "exists" };
                eprintln!(
                    "store-tables: {name} ({}) {what} on {endpoint}",
                    table.logical_id
                );
                println!("{var}={name}");
            }
            Err(e) => {
                eprintln!("store-tables: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
