//! A scripted Stripe double for the Stripe ports ([`ConnectAccounts`], [`Balances`],
//! [`Transfers`], [`EventSource`]), so that flows can be tested without the local Stripe server.
//!
//! - **Idempotency as Stripe keeps it** ([`keys`]): the same key with the same parameters answers
//!   the first object (or refusal) again, other parameters are an `idempotency_error`; the flows'
//!   exactly-once rests on this.
//! - **Refusals as the local Stripe server makes them** ([`world`]): a transfer larger than what is
//!   left of its source charge (`amount_too_large`), to a destination without the transfers
//!   capability (`insufficient_capabilities_for_transfer`), in another currency than the charge
//!   settled in; a reversal larger than what is left (`amount_too_large`) or than the
//!   destination's balance (`balance_insufficient`); unknown objects (`NotFound`).
//! - **Scripted errors** ([`Script`]): the next N calls of one operation answer a chosen
//!   [`Fault`] (500, 429, a timeout before or after Stripe executed, a refusal), and every call is
//!   counted per [`Op`]. A fault is what the port reports once the real adapter's own retries are
//!   spent.
//! - **Arranging and reading** ([`control`], `charges`): payments, refunds, disputes and
//!   onboarding as a buyer, Stripe or a seller cause them, each returning the events Stripe would
//!   send.
//!
//! Everything happens under one lock per call, never held across an `.await`: concurrent calls
//! with one key execute once and the others replay, as on Stripe once its in-flight 409s are
//! retried. Trusted only as far as the contract suite (`payouts::contract::stripe`) passes on it
//! and on the real adapter against the local Stripe server alike.
//!
//! [`ConnectAccounts`]: crate::ports::ConnectAccounts
//! [`Balances`]: crate::ports::Balances
//! [`Transfers`]: crate::ports::Transfers
//! [`EventSource`]: crate::ports::EventSource

mod charges;
pub mod control;
mod keys;
mod ports;
mod script;
mod world;

use std::sync::Mutex;

use super::lock;
use crate::ports::StripeError;

pub use charges::{Dispute, Disputed, Paid, Refunded};
pub use control::TransferRecord;
pub use keys::KEY_TTL_SECONDS;
pub use script::{Fault, Op};
pub use world::{AVAILABILITY_DELAY_SECONDS, PLATFORM};

use keys::{Keys, Lookup};
use script::Script;
use world::{Refusal, World};

/// The Stripe ports in memory (see the module documentation).
#[derive(Debug, Default)]
pub struct MemoryStripe {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    world: World,
    keys: Keys,
    script: Script,
}

impl MemoryStripe {
    /// An empty Stripe whose clock starts at the wall clock's time.
    pub fn new() -> MemoryStripe {
        let stripe = MemoryStripe::default();
        {
            let world = &mut lock(&stripe.state).world;
            world.now = crate::clock::unix_now();
            world.availability_delay = AVAILABILITY_DELAY_SECONDS;
        }
        stripe
    }

    /// The next `times` calls of `op` answer `fault` (after any already scripted for it).
    pub fn fail_next(&self, op: Op, fault: Fault, times: usize) {
        lock(&self.state).script.push(op, fault, times);
    }

    /// Forgets every scripted fault not yet answered.
    pub fn clear_faults(&self) {
        lock(&self.state).script.clear();
    }

    /// Scripted faults of `op` not yet answered.
    pub fn pending_faults(&self, op: Op) -> usize {
        lock(&self.state).script.pending(op)
    }

    /// Calls of `op` so far, faults and replays included.
    pub fn calls(&self, op: Op) -> usize {
        lock(&self.state).script.calls(op)
    }

    /// A call without an idempotency key: counted, a scripted fault answered instead of `body`
    /// (after running it when the fault is [`Fault::AnswerLost`]).
    fn call<T>(
        &self,
        op: Op,
        body: impl FnOnce(&mut World) -> Result<T, StripeError>,
    ) -> Result<T, StripeError> {
        let mut state = lock(&self.state);
        state.world.mature();
        match state.script.call(op) {
            None => body(&mut state.world),
            Some(Fault::AnswerLost) => {
                let _lost = body(&mut state.world);
                Err(Fault::AnswerLost.error())
            }
            Some(fault) => Err(fault.error()),
        }
    }

    /// A write under idempotency key `key`, its operation and parameters fingerprinted by `op`
    /// and `params`: counted; a scripted fault answered first (nothing executed nor saved),
    /// except [`Fault::AnswerLost`], which executes and saves before losing the answer; a saved
    /// answer replayed; otherwise `execute`d and its answer saved unless it failed validation.
    fn write<T: Clone + Send + Sync + 'static>(
        &self,
        op: Op,
        key: &str,
        params: String,
        execute: impl FnOnce(&mut World) -> Result<T, Refusal>,
    ) -> Result<T, StripeError> {
        let mut state = lock(&self.state);
        state.world.mature();
        let fault = state.script.call(op);
        if let Some(fault) = fault.as_ref().filter(|f| **f != Fault::AnswerLost) {
            return Err(fault.error());
        }
        if key.is_empty() || key.len() > 255 {
            // The adapter refuses such a key before sending anything.
            return Err(StripeError::Refused {
                code: "invalid_idempotency_key".into(),
                message: "an idempotency key is 1 to 255 characters".into(),
            });
        }
        let fingerprint = format!("{op:?} {params}");
        let now = state.world.now;
        let answer = match state.keys.lookup::<T>(key, &fingerprint, now)? {
            Lookup::Replay(answer) => answer,
            Lookup::Execute => match execute(&mut state.world) {
                Err(Refusal {
                    error,
                    saved: false,
                }) => Err(error),
                executed => {
                    let answer = executed.map_err(|refusal| refusal.error);
                    state.keys.save(key, &fingerprint, now, &answer);
                    answer
                }
            },
        };
        match fault {
            Some(lost) => Err(lost.error()),
            None => answer,
        }
    }
}
