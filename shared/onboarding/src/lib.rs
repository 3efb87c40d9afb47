//! Seller onboarding logic shared by the `onboard` and `callback` functions: the signed `state`
//! ([`state`]), the callback and front-end URLs ([`urls`]), the steps against the ports
//! ([`flow`]: find-or-create the account, mint a link, refresh flags from Stripe) and the status
//! body ([`status`]), and how their errors answer over HTTP ([`problem`]).

pub mod flow;
pub mod problem;
pub mod state;
pub mod status;
pub mod urls;

pub use flow::{FlowError, Refreshed, find_or_create_account, mint_link, refresh_flags};
pub use state::{StateError, StateSigner, VerifiedState};
pub use status::StatusBody;
pub use urls::{CallbackMode, Urls};

use std::sync::Arc;

use interceptors::ApiError;
use payouts::clock::{Clock, SystemClock};
use payouts::ports::RateBuckets;
use payouts::rate::{self, Admission, RateLimit};

/// The per-cold-start onboarding context: the state signer, the URL builder and each seller's
/// request budget.
#[derive(Clone, Debug)]
pub struct Onboarding {
    pub signer: StateSigner,
    pub urls: Urls,
    pub seller_rate: RateLimit,
    /// Stamps new accounts, links and reads of Stripe, and refills budgets (tests pass a
    /// `ManualClock`).
    pub clock: Arc<dyn Clock>,
}

impl Onboarding {
    pub fn new(settings: &settings::OnboardingSettings) -> Result<Onboarding, urls::BadBaseUrl> {
        Ok(Onboarding {
            signer: StateSigner::new(settings.state_secret.expose().as_bytes()),
            urls: Urls::new(&settings.public_api_url, &settings.frontend_url)?,
            seller_rate: RateLimit {
                per_minute: settings.seller_rate_per_minute,
                burst: settings.seller_rate_burst,
            },
            clock: Arc::new(SystemClock),
        })
    }

    /// Spends one request of `user_id`'s onboarding budget (shared by onboard and callback: both
    /// call Stripe for the seller), before anything else is read or called: 429 `rate_limited`
    /// with `Retry-After` when it is spent. Other sellers' budgets are untouched.
    pub async fn spend_budget(
        &self,
        buckets: &dyn RateBuckets,
        user_id: &str,
    ) -> Result<(), ApiError> {
        let key = format!("onboarding#{user_id}");
        let now_ms = || self.clock.now_ms();
        match rate::spend(buckets, &key, self.seller_rate, now_ms).await {
            Ok(Admission::Allowed { .. }) => Ok(()),
            Ok(Admission::Limited { retry_after_secs }) => {
                tracing::info!(retry_after_secs, "seller over their onboarding budget");
                Err(ApiError::rate_limited(retry_after_secs))
            }
            Err(err) => Err(interceptors::error::ports::store(err)),
        }
    }
}
