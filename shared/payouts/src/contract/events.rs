//! The contracts of [`EventLog`] (an event is marked processed once) and [`Checkpoints`]
//! (compare-and-set on `version`), also under races.

use std::sync::Arc;

use super::{cases, race, the_one_winner, winners};
use crate::ports::{Checkpoint, Checkpoints, EventLog};

/// Every rule of [`EventLog`], each case on a store made by `fresh`.
pub async fn event_log_contract<E: EventLog + 'static>(fresh: impl AsyncFn() -> E) {
    cases!("event log", fresh, dyn EventLog;
        events_are_marked_once,
        concurrent_deliveries_of_one_event_mark_it_once,
    );
}

/// Every rule of [`Checkpoints`], each case on a store made by `fresh`.
pub async fn checkpoints_contract<C: Checkpoints + 'static>(fresh: impl AsyncFn() -> C) {
    cases!("checkpoints", fresh, dyn Checkpoints;
        checkpoints_are_compare_and_set,
        racing_runs_move_a_checkpoint_once,
    );
}

async fn events_are_marked_once(log: Arc<dyn EventLog>) {
    assert!(!log.is_processed("evt_1").await.unwrap());
    let first = log.mark_processed("evt_1", "charge.refunded", 1_000);
    assert!(first.await.unwrap());
    assert!(log.is_processed("evt_1").await.unwrap());
    let again = log.mark_processed("evt_1", "charge.refunded", 2_000);
    assert!(!again.await.unwrap(), "already processed");
    // Any type, any time: the id alone decides.
    let retyped = log.mark_processed("evt_1", "payment_intent.succeeded", 500);
    assert!(!retyped.await.unwrap());
    assert!(!log.is_processed("evt_2").await.unwrap());
    let other = log.mark_processed("evt_2", "charge.refunded", 1_000);
    assert!(other.await.unwrap());
    assert!(log.is_processed("evt_2").await.unwrap());
}

async fn concurrent_deliveries_of_one_event_mark_it_once(log: Arc<dyn EventLog>) {
    let won = race(10, |_| {
        let log = log.clone();
        async move {
            let marked = log.mark_processed("evt_dup", "payment_intent.succeeded", 5);
            marked.await.unwrap()
        }
    })
    .await;
    assert_eq!(winners(&won), 1, "{won:?}");
    assert!(log.is_processed("evt_dup").await.unwrap());
}

fn checkpoint(since: i64, version: u64) -> Checkpoint {
    Checkpoint {
        since,
        version,
        ..Checkpoint::default()
    }
}

async fn checkpoints_are_compare_and_set(store: Arc<dyn Checkpoints>) {
    assert_eq!(store.get("events").await.unwrap(), None);
    let first = checkpoint(100, 1);
    assert!(store.put("events", &first).await.unwrap());
    assert!(
        !store.put("events", &first).await.unwrap(),
        "version 1 creates"
    );
    let next = Checkpoint {
        since: 200,
        resume_after: Some("evt_9".into()),
        scan_top: 250,
        retry_from: Some(150),
        version: 2,
    };
    assert!(store.put("events", &next).await.unwrap());
    assert!(!store.put("events", &next).await.unwrap(), "stale version");
    assert!(
        !store.put("events", &checkpoint(300, 4)).await.unwrap(),
        "skipped"
    );
    assert_eq!(store.get("events").await.unwrap(), Some(next));

    // Other names are other checkpoints.
    assert_eq!(store.get("other").await.unwrap(), None);
    assert!(
        !store.put("other", &checkpoint(1, 2)).await.unwrap(),
        "none stored"
    );
    // Version 0 is taken as a first version, like 1.
    assert!(store.put("other", &checkpoint(1, 0)).await.unwrap());
    assert!(!store.put("other", &checkpoint(2, 0)).await.unwrap());
    assert_eq!(store.get("other").await.unwrap(), Some(checkpoint(1, 0)));
}

/// Ten runs create the first checkpoint at once, then ten move it on at once: one wins each.
async fn racing_runs_move_a_checkpoint_once(store: Arc<dyn Checkpoints>) {
    for version in [1, 2] {
        let candidate = |i: usize| checkpoint(i as i64, version);
        let winner = the_one_winner(candidate, |c| {
            let store = store.clone();
            async move { store.put("events", &c).await.unwrap() }
        })
        .await;
        assert_eq!(store.get("events").await.unwrap(), Some(winner));
    }
}
