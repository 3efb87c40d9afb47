//! The transfer worker's side of the queue ([`payouts::queue`]): one job run to its end with the
//! same flows and keys the webhook uses inline, so a job run twice, or alongside a redelivery or
//! the reconciler, still moves money once. `Err` means "not finished": the worker reports the
//! message as failed and the queue delivers it again.

use payouts::queue::Job;

use crate::{Failure, FlowContext, Outcome, payment};

pub async fn run_job(cx: &FlowContext<'_>, job: &Job) -> Result<Outcome, Failure> {
    match job {
        Job::Payment(facts) => payment::pay_out(cx, facts).await,
        Job::Share(share) => payment::settle_one(cx, &share.order_id, &share.seller)
            .await
            .map(|_| Outcome::Processed),
    }
}
