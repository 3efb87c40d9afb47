//! What a test scripts: chosen errors for the next calls of one operation, and a count of every
//! call per operation (faults and replays included, as Stripe's request log counts them).

use std::collections::{BTreeMap, VecDeque};

use crate::ports::StripeError;

/// One method of the Stripe ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    CreateAccount,
    RetrieveAccount,
    CreateAccountLink,
    CreateLoginLink,
    RetrieveBalance,
    CreateTransfer,
    FindTransfer,
    RetrieveTransfer,
    CreateReversal,
    ChargeSettlement,
    RetrievePayment,
    TransfersInGroup,
    ListEvents,
}

/// A scripted answer, as the real adapter reports it once its own retries are spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Stripe answered 500: nothing executed.
    ServerError,
    /// Stripe answered 429: nothing executed.
    RateLimited,
    /// No answer in time, and Stripe never got the request: nothing executed.
    Timeout,
    /// Stripe executed the request (a write is saved under its key) but the answer was lost.
    AnswerLost,
    /// Stripe refused with this code (400): nothing executed, nothing saved.
    Refused(String),
    /// Stripe answered 404 `resource_missing`.
    NotFound,
}

impl Fault {
    /// The port error the adapter reports for this fault.
    pub fn error(&self) -> StripeError {
        let unavailable = |cause: &str, rate_limited| StripeError::Unavailable {
            retry_after: None,
            cause: cause.to_owned(),
            rate_limited,
        };
        match self {
            Fault::ServerError => unavailable("500 api_error: scripted", false),
            Fault::RateLimited => unavailable("429 rate_limit: scripted", true),
            Fault::Timeout | Fault::AnswerLost => unavailable("timeout", false),
            Fault::Refused(code) => StripeError::Refused {
                code: code.clone(),
                message: "scripted refusal".into(),
            },
            Fault::NotFound => StripeError::NotFound,
        }
    }
}

/// The faults waiting per operation, and the calls made so far.
#[derive(Debug, Default)]
pub(super) struct Script {
    faults: BTreeMap<Op, VecDeque<Fault>>,
    calls: BTreeMap<Op, usize>,
}

impl Script {
    pub(super) fn push(&mut self, op: Op, fault: Fault, times: usize) {
        let queue = self.faults.entry(op).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Counts a call of `op` and takes the fault scripted for it, if any.
    pub(super) fn call(&mut self, op: Op) -> Option<Fault> {
        *self.calls.entry(op).or_default() += 1;
        self.faults.get_mut(&op).and_then(VecDeque::pop_front)
    }

    pub(super) fn calls(&self, op: Op) -> usize {
        self.calls.get(&op).copied().unwrap_or(0)
    }

    pub(super) fn pending(&self, op: Op) -> usize {
        self.faults.get(&op).map_or(0, VecDeque::len)
    }

    pub(super) fn clear(&mut self) {
        self.faults.clear();
    }
}

/// A copy of `err` (the port's error is not `Clone`: a saved answer is replayed as a copy).
pub(super) fn copy(err: &StripeError) -> StripeError {
    match err {
        StripeError::Unavailable {
            retry_after,
            cause,
            rate_limited,
        } => StripeError::Unavailable {
            retry_after: *retry_after,
            cause: cause.clone(),
            rate_limited: *rate_limited,
        },
        StripeError::Refused { code, message } => StripeError::Refused {
            code: code.clone(),
            message: message.clone(),
        },
        StripeError::NotFound => StripeError::NotFound,
    }
}
