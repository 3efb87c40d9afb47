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

/// The per-cold-start onboarding context: the state signer and the URL builder.
#[derive(Clone, Debug)]
pub struct Onboarding {
    pub signer: StateSigner,
    pub urls: Urls,
}

impl Onboarding {
    pub fn new(settings: &settings::OnboardingSettings) -> Result<Onboarding, urls::BadBaseUrl> {
        Ok(Onboarding {
            signer: StateSigner::new(settings.state_secret.expose().as_bytes()),
            urls: Urls::new(&settings.public_api_url, &settings.frontend_url)?,
        })
    }
}

/// Now, in unix seconds (the unit of every timestamp the store and Stripe use).
pub use payouts::clock::unix_now;
