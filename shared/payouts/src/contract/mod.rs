//! The contract suites of the storage ports (feature `contract`): one public async function per
//! port, exercising every method and every rule of it (conditional creation, compare-and-set on
//! `version`, uniqueness, ordering, and races of ten writers for one item: exactly one wins).
//! The Stripe ports have theirs too ([`stripe`]), run on the double and the real adapter.
//!
//! Each suite takes `fresh`, which makes an empty store, and runs every case on a store of its
//! own, in a task of its own: a failing case panics with the port's and the case's names (the
//! assertion's message and line are printed above it). Run them on a multi-threaded runtime
//! (`#[tokio::test(flavor = "multi_thread")]`) so that the racers really race.
//!
//! They run on the in-memory adapters (`shared/payouts/tests/contract_memory.rs`) and on the
//! DynamoDB ones on moto (`shared/store/tests/contracts.rs`): the in-memory adapters are trusted
//! only because the same suites pass on both. A rule added to an adapter is added here first.

mod accounts;
mod balance;
mod events;
mod ledger;
mod ledger_shares;
mod queue;
mod rate;
mod seller_view;
pub mod stripe;

use std::any::Any;
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::ports::StoreError;

pub use accounts::seller_accounts_contract;
pub use balance::balance_cache_contract;
pub use events::{checkpoints_contract, event_log_contract};
pub use ledger::ledger_contract;
pub use queue::{Drain, transfer_queue_contract};
pub use rate::rate_buckets_contract;
pub use seller_view::{ViewedStores, seller_view_contract};
pub use stripe::stripe_contract;

/// Runs each named case (an `async fn(Arc<dyn Port>)`) on a fresh store from `$fresh`.
macro_rules! cases {
    ($port:literal, $fresh:expr, $dyn:ty; $($case:path),+ $(,)?) => {
        $(
            let store: ::std::sync::Arc<$dyn> = ::std::sync::Arc::new($fresh().await);
            $crate::contract::run($port, stringify!($case), store, $case).await;
        )+
    };
}
pub(crate) use cases;

/// Runs one case in its own task; a panic becomes one naming `port` and `case`.
pub(crate) async fn run<P, Fut>(
    port: &str,
    case: &str,
    store: Arc<P>,
    body: impl FnOnce(Arc<P>) -> Fut,
) where
    P: ?Sized + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    if let Err(err) = tokio::spawn(body(store)).await {
        let why = err
            .try_into_panic()
            .map_or_else(|err| err.to_string(), |panic| panic_message(panic.as_ref()));
        panic!("{port} contract, case `{case}`: {why}");
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panicked".to_owned())
}

/// Starts `racers` tasks, `racer(i)` for `i` in `0..racers`, released together by a barrier;
/// returns their answers by `i`.
pub(crate) async fn race<T, Fut>(racers: usize, racer: impl Fn(usize) -> Fut) -> Vec<T>
where
    T: Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let start = Arc::new(Barrier::new(racers));
    let mut set = JoinSet::new();
    for i in 0..racers {
        let (start, answer) = (start.clone(), racer(i));
        set.spawn(async move {
            start.wait().await;
            (i, answer.await)
        });
    }
    let mut answers = set.join_all().await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// Ten writers race, writer `i` writing `candidate(i)` with `write`: asserts that exactly one
/// wins, and returns what it wrote.
pub(crate) async fn the_one_winner<R, Fut>(
    candidate: impl Fn(usize) -> R,
    write: impl Fn(R) -> Fut,
) -> R
where
    Fut: Future<Output = bool> + Send + 'static,
{
    let won = race(10, |i| write(candidate(i))).await;
    assert_eq!(winners(&won), 1, "{won:?}");
    candidate(won.iter().position(|w| *w).expect("one winner"))
}

/// Asserts that `result` is `Conflict { what }`.
#[track_caller]
pub(crate) fn assert_conflict<T: Debug>(result: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(&result, Err(StoreError::Conflict { what: w }) if *w == what),
        "expected a conflict on {what}: {result:?}"
    );
}

/// How many of `answers` are `true`.
pub(crate) fn winners(answers: &[bool]) -> usize {
    answers.iter().filter(|won| **won).count()
}
