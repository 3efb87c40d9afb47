//! Onboarding's own failures → the one HTTP error type ([`ApiError`]); its Stripe and DynamoDB
//! errors map as every function's do ([`interceptors::error::ports`]).

use interceptors::ApiError;
use interceptors::error::ports::{DEFAULT_RETRY_AFTER_SECS, store, stripe};

use crate::FlowError;

/// An onboarding step's failure as an HTTP error.
pub fn flow(err: FlowError) -> ApiError {
    match err {
        FlowError::Store(e) => store(e),
        FlowError::Stripe(e) => stripe(e),
        FlowError::StripeAccountTaken => ApiError::conflict(
            "stripe_account_taken",
            "The Stripe account for this seller is already linked to another user; contact support.",
        )
        .with_source(err),
        FlowError::AccountVanished => ApiError::upstream_unavailable(DEFAULT_RETRY_AFTER_SECS)
            .with_source(err),
        FlowError::Signing(_) => ApiError::internal(err),
        FlowError::BadLink => {
            ApiError::upstream("stripe_bad_link", "Stripe returned an unusable onboarding link.")
                .with_source(err)
        }
    }
}

impl From<FlowError> for ApiError {
    fn from(err: FlowError) -> ApiError {
        flow(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_errors() {
        assert_eq!(
            ApiError::from(FlowError::StripeAccountTaken)
                .status()
                .as_u16(),
            409
        );
        assert_eq!(
            ApiError::from(FlowError::AccountVanished).status().as_u16(),
            503
        );
        assert_eq!(ApiError::from(FlowError::BadLink).code(), "stripe_bad_link");
    }
}
