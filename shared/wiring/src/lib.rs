//! The clients every function builds once per cold start, in one place: the Stripe settings and
//! client, and the DynamoDB stores (one client shared by the table adapters). Each `main.rs` adds
//! its own settings, the interceptor facade and its `Deps`.

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
