//! The DynamoDB client. Build it once per cold start (outside the handler) and clone it.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};

/// A DynamoDB client: the standard AWS configuration chain, or, when `endpoint` is given
/// (`DYNAMODB_ENDPOINT`: moto, DynamoDB Local, LocalStack), that endpoint.
pub async fn client(endpoint: Option<&str>) -> Client {
    Client::new(&sdk_config(endpoint).await)
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
