//! The clients every function builds once per cold start, in one place: the Stripe settings and
//! client, and the DynamoDB stores (one client shared by the table adapters). Each `main.rs` adds
//! its own settings, the interceptor facade and its `Deps`. With the `queue` feature (the webhook
//! and the transfer function), also the transfer queue's SQS client: the sending side
//! ([`transfer_queue`]) and the receiving side ([`queue_visibility`]).

use std::sync::Arc;

use settings::{StripeSettings, TableNames};
use store::Stores;
use stripe_adapter::StripeAdapter;

/// A cold start's error: the function exits with it (its log line names the setting).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The clients of one function instance.
pub struct Clients {
    pub stripe_settings: StripeSettings,
    pub stripe: Arc<StripeAdapter>,
    pub stores: Stores,
}

impl Clients {
    /// Reads `TABLE_*` and the Stripe settings, builds the Stripe client, connects the stores.
    /// Settings are read before any client is built, so a bad setting fails the start at once.
    pub async fn from_env() -> Result<Clients, BoxError> {
        let tables = TableNames::from_env()?;
        let stripe_settings = StripeSettings::from_env()?;
        let stripe = Arc::new(StripeAdapter::from_settings(&stripe_settings)?);
        let stores = Stores::connect(&tables).await;
        Ok(Clients {
            stripe_settings,
            stripe,
            stores,
        })
    }
}

/// The transfer queue of `settings` (`TRANSFER_QUEUE_URL`), on a client built once per cold
/// start; `None` when unset: the flows then pay shares inline.
#[cfg(feature = "queue")]
pub async fn transfer_queue(
    settings: &settings::QueueSettings,
) -> Option<Arc<dyn payouts::queue::TransferQueue>> {
    let (client, url) = queue_client(settings).await?;
    Some(Arc::new(sqs_queue::SqsTransferQueue::new(client, url)))
}

/// The receiving side of the same queue (the transfer function): hiding failed messages until
/// their retry. `None` when `TRANSFER_QUEUE_URL` is unset.
#[cfg(feature = "queue")]
pub async fn queue_visibility(
    settings: &settings::QueueSettings,
) -> Option<sqs_queue::QueueVisibility> {
    let (client, url) = queue_client(settings).await?;
    Some(sqs_queue::QueueVisibility::new(client, url))
}

#[cfg(feature = "queue")]
async fn queue_client(settings: &settings::QueueSettings) -> Option<(sqs_queue::Client, &str)> {
    let url = settings.transfer_queue_url.as_deref()?;
    Some((
        sqs_queue::client(settings.sqs_endpoint.as_deref()).await,
        url,
    ))
}
