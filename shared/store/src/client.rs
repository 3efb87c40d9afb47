//! The DynamoDB client. Build it once per cold start (outside the handler) and clone it.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};
use std::time::Duration;

/// A DynamoDB client: the standard AWS configuration chain, or, when `endpoint` is given
/// (`DYNAMODB_ENDPOINT`: moto, DynamoDB Local, LocalStack), that endpoint.
///
/// Every call is bounded ([`timeouts`], [`retries`]): a DynamoDB that hangs must answer the
/// function's caller a retryable error well inside the Lambda timeout (10 s for the API
/// functions), not time the whole invocation out. Each response carries the table(s) its request
/// named, so that a failure is logged with its table (`error::TableNames`).
pub async fn client(endpoint: Option<&str>) -> Client {
    let config = aws_sdk_dynamodb::config::Builder::from(&sdk_config(endpoint).await)
        .timeout_config(timeouts())
        .retry_config(retries())
        .interceptor(crate::error::TableNames)
        .build();
    Client::from_conf(config)
}

/// 1 s to connect, 2 s per attempt, 5 s per operation (all attempts and backoffs): DynamoDB
/// answers in milliseconds, so an attempt that takes seconds is better abandoned and retried.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build()
}

/// The SDK's standard mode (transient errors and throttling, with a retry quota), 3 attempts, with
/// backoffs of at most 100 ms then 200 ms (the default 1 s base would use most of the budget).
/// Retried writes are safe: they are conditional (a retry of one that landed fails its condition,
/// which callers already treat as "someone wrote first") or plain overwrites (the balance cache).
pub fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(1))
}

/// The shared AWS configuration behind [`client`].
///
/// With an endpoint, region and credentials come from the environment or the profile files
/// only, never from the instance metadata service (nothing may call out of a dev box or CI),
/// and fall back to `us-east-1` and static dummy credentials: local servers accept any.
pub async fn sdk_config(endpoint: Option<&str>) -> SdkConfig {
    let loader = aws_config::defaults(BehaviorVersion::latest());
    let Some(endpoint) = endpoint else {
        return loader.load().await;
    };
    let region = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(ProfileFileRegionProvider::builder().build())
        .or_else(Region::from_static("us-east-1"));
    let credentials =
        CredentialsProviderChain::first_try("env", EnvironmentVariableCredentialsProvider::new())
            .or_else("profile", ProfileFileCredentialsProvider::builder().build())
            .or_else(
                "local",
                Credentials::new("local", "local", None, None, "local"),
            );
    loader
        .endpoint_url(endpoint)
        .region(region)
        .credentials_provider(credentials)
        .load()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_client_carries_the_bounds() {
        let client = client(Some("http://127.0.0.1:1")).await;
        let config = client.config();
        let timeouts = config.timeout_config().expect("timeouts");
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(5)));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(config.retry_config().expect("retries").max_attempts(), 3);
    }

    /// A server that accepts connections and never answers: the call fails instead of hanging
    /// until the Lambda timeout.
    #[tokio::test]
    async fn a_silent_endpoint_is_an_error_not_a_hang() {
        let silent = harness::silent_endpoint().await;
        let err = client(Some(&silent.url))
            .await
            .describe_table()
            .table_name("t")
            .send()
            .await
            .expect_err("no answer");
        assert!(
            format!("{err:?}").to_lowercase().contains("timeout"),
            "{err:?}"
        );
    }
}
