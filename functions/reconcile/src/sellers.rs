//! Connect catch-up: `account.updated` happens on the connected accounts and is not in the
//! platform's event list, so a seller whose event never arrived is re-read from Stripe instead,
//! exactly as the event would have done (flags stored, unsettled shares finished). Sellers who
//! have not completed onboarding are taken least recently read first, a bounded number per run
//! (each read moves one to the back, so runs go round all of them); sellers with held shares are
//! re-read by the re-drive as well, whatever their onboarding state.

use payout_flows::{Failure, FlowContext, account};

use crate::Deps;

/// Re-reads up to `max_shares` sellers with unfinished onboarding; returns how many were synced.
pub async fn run(deps: &Deps, cx: &FlowContext<'_>) -> Result<usize, Failure> {
    let sellers = cx
        .deps
        .accounts
        .unfinished_onboarding(deps.settings.max_shares)
        .await?;
    let mut synced = 0;
    for seller in sellers {
        match account::on_account_updated(cx, &seller.stripe_account_id).await {
            Ok(_) => synced += 1,
            Err(failure) => {
                tracing::warn!(user_id = %seller.user_id, error = %failure, "seller not re-read yet");
            }
        }
    }
    Ok(synced)
}
