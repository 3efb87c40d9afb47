//! The contract of [`SellerAccounts`]: both uniqueness rules (also under races), the newest read
//! of the flags wins, and the unfinished-onboarding queue.

use std::sync::Arc;

use super::{assert_conflict, cases, race};
use crate::ports::{SellerAccounts, StoreError};
use crate::{AccountFlags, SellerAccount};

type Accounts = Arc<dyn SellerAccounts>;

/// Every rule of [`SellerAccounts`], each case on a store made by `fresh`.
pub async fn seller_accounts_contract<S: SellerAccounts + 'static>(fresh: impl AsyncFn() -> S) {
    cases!("seller accounts", fresh, dyn SellerAccounts;
        insert_then_find_by_either_id,
        each_id_is_unique_and_a_refused_insert_claims_nothing,
        racing_for_one_user_id_exactly_one_wins,
        racing_for_one_stripe_account_exactly_one_wins,
        update_flags_returns_before_and_after_and_keeps_completion,
        an_older_read_written_later_does_not_overwrite_a_newer_one,
        racing_flag_updates_leave_the_newest_read,
        unfinished_onboarding_lists_the_least_recently_read_first,
    );
}

fn complete_flags() -> AccountFlags {
    AccountFlags {
        details_submitted: true,
        charges_enabled: true,
        payouts_enabled: true,
        transfers_active: true,
        requirements_due: vec![],
        disabled_reason: None,
    }
}

async fn insert_then_find_by_either_id(accounts: Accounts) {
    let mut account = SellerAccount::new("user-1".into(), "acct_1".into(), 1_700_000_000);
    account.flags.requirements_due = vec!["external_account".into(), "tos_acceptance.date".into()];
    account.flags.disabled_reason = Some("requirements.past_due".into());
    accounts.insert(&account).await.unwrap();

    assert_eq!(
        accounts.find_by_user("user-1").await.unwrap(),
        Some(account.clone())
    );
    assert_eq!(
        accounts.find_by_stripe_account("acct_1").await.unwrap(),
        Some(account)
    );
    assert_eq!(accounts.find_by_user("user-2").await.unwrap(), None);
    assert_eq!(
        accounts.find_by_stripe_account("acct_2").await.unwrap(),
        None
    );
}

async fn each_id_is_unique_and_a_refused_insert_claims_nothing(accounts: Accounts) {
    let first = SellerAccount::new("u1".into(), "acct_a".into(), 1);
    accounts.insert(&first).await.unwrap();

    let same_user = accounts
        .insert(&SellerAccount::new("u1".into(), "acct_b".into(), 2))
        .await;
    assert_conflict(same_user, "user");
    assert_eq!(
        accounts.find_by_stripe_account("acct_b").await.unwrap(),
        None
    );

    let same_acct = accounts
        .insert(&SellerAccount::new("u2".into(), "acct_a".into(), 2))
        .await;
    assert_conflict(same_acct, "stripe_account");
    assert_eq!(accounts.find_by_user("u2").await.unwrap(), None);

    // Both taken: the user rule is reported first.
    let both = accounts
        .insert(&SellerAccount::new("u1".into(), "acct_a".into(), 3))
        .await;
    assert_conflict(both, "user");
    assert_eq!(accounts.find_by_user("u1").await.unwrap(), Some(first));
}

/// Ten concurrent inserts built by `account(i)`: the winners' indexes and every loser's `what`.
async fn insert_race(
    accounts: &Accounts,
    account: impl Fn(usize) -> SellerAccount,
) -> (Vec<usize>, Vec<&'static str>) {
    let answers = race(10, |i| {
        let (accounts, account) = (accounts.clone(), account(i));
        async move { accounts.insert(&account).await }
    })
    .await;
    let (mut winners, mut losers) = (vec![], vec![]);
    for (i, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(()) => winners.push(i),
            Err(StoreError::Conflict { what }) => losers.push(what),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    (winners, losers)
}

async fn racing_for_one_user_id_exactly_one_wins(accounts: Accounts) {
    let (winners, losers) = insert_race(&accounts, |i| {
        SellerAccount::new("racer".into(), format!("acct_{i}"), 1)
    })
    .await;
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(losers, vec!["user"; 9]);
    let stored = accounts.find_by_user("racer").await.unwrap().unwrap();
    assert_eq!(stored.stripe_account_id, format!("acct_{}", winners[0]));
    // The losers' account ids stayed free: their inserts claimed nothing.
    for i in (0..10).filter(|i| *i != winners[0]) {
        let acct = format!("acct_{i}");
        assert_eq!(accounts.find_by_stripe_account(&acct).await.unwrap(), None);
    }
}

async fn racing_for_one_stripe_account_exactly_one_wins(accounts: Accounts) {
    let (winners, losers) = insert_race(&accounts, |i| {
        SellerAccount::new(format!("user_{i}"), "acct_shared".into(), 1)
    })
    .await;
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(losers, vec!["stripe_account"; 9]);
    let stored = accounts.find_by_stripe_account("acct_shared").await;
    assert_eq!(
        stored.unwrap().unwrap().user_id,
        format!("user_{}", winners[0])
    );
    for i in (0..10).filter(|i| *i != winners[0]) {
        let user = format!("user_{i}");
        assert_eq!(accounts.find_by_user(&user).await.unwrap(), None);
    }
}

async fn update_flags_returns_before_and_after_and_keeps_completion(accounts: Accounts) {
    let complete = complete_flags();
    let nobody = accounts.update_flags("nobody", &complete, 5_000);
    assert_eq!(nobody.await.unwrap(), None);
    assert_eq!(
        accounts.find_by_user("nobody").await.unwrap(),
        None,
        "no account was created"
    );

    let account = SellerAccount::new("u".into(), "acct_u".into(), 10);
    accounts.insert(&account).await.unwrap();
    let updated = accounts.update_flags("u", &complete_flags(), 20_000).await;
    let (before, after) = updated.unwrap().unwrap();
    assert_eq!(before, account);
    assert_eq!(after.flags, complete_flags());
    assert!(after.onboarding_completed);
    assert_eq!((after.created_at, after.updated_at), (10, 20));
    assert_eq!(after.flags_read_at, 20_000);
    assert_eq!(
        accounts.find_by_user("u").await.unwrap(),
        Some(after.clone())
    );

    // Stripe restricts the account later: fresh flags stored, completion remembered.
    let restricted = AccountFlags {
        payouts_enabled: false,
        requirements_due: vec!["individual.verification.document".into()],
        ..complete_flags()
    };
    let updated = accounts.update_flags("u", &restricted, 30_999).await;
    let (before2, after2) = updated.unwrap().unwrap();
    assert_eq!(before2, after);
    assert_eq!(after2.flags, restricted);
    assert!(after2.onboarding_completed);
    assert_eq!(after2.updated_at, 30, "the read's second");
    assert_eq!(
        accounts.find_by_stripe_account("acct_u").await.unwrap(),
        Some(after2)
    );
}

/// Two `account.updated` deliveries race: the one that read Stripe earlier writes last. The
/// newer read must stay stored, and the late writer must be told what is stored.
async fn an_older_read_written_later_does_not_overwrite_a_newer_one(accounts: Accounts) {
    let account = SellerAccount::new("u".into(), "acct_u".into(), 10);
    accounts.insert(&account).await.unwrap();
    let disabled = AccountFlags {
        payouts_enabled: false,
        ..complete_flags()
    };
    let updated = accounts.update_flags("u", &complete_flags(), 20_500).await;
    let (_, newer) = updated.unwrap().unwrap();
    assert_eq!(newer.flags_read_at, 20_500);
    let late = accounts.update_flags("u", &disabled, 20_400).await;
    let (before, after) = late.unwrap().unwrap();
    assert_eq!(
        (&before, &after),
        (&newer, &newer),
        "the stored newer read is the answer"
    );
    let stored = accounts.find_by_user("u").await.unwrap().unwrap();
    assert_eq!(stored, newer);
    assert!(stored.flags.can_receive_transfers());
    // A read at the same millisecond or later does win.
    let same = accounts.update_flags("u", &disabled, 20_500).await;
    assert_eq!(same.unwrap().unwrap().1.flags, disabled);
}

/// Ten deliveries store reads made at different times, all at once: the newest read is what
/// stays, and each writer is answered with its own write or a newer one.
async fn racing_flag_updates_leave_the_newest_read(accounts: Accounts) {
    let account = SellerAccount::new("u".into(), "acct_u".into(), 10);
    accounts.insert(&account).await.unwrap();
    let read = |i: usize| {
        let flags = AccountFlags {
            requirements_due: vec![format!("requirement_{i}")],
            ..AccountFlags::default()
        };
        // Read times in a scrambled order: 1_000 + 100 * (0, 7, 4, 1, 8, 5, 2, 9, 6, 3).
        (flags, 1_000 + 100 * ((i * 7) % 10) as i64)
    };
    let answers = race(10, |i| {
        let (accounts, (flags, read_at)) = (accounts.clone(), read(i));
        async move { accounts.update_flags("u", &flags, read_at).await }
    })
    .await;
    for (i, answer) in answers.into_iter().enumerate() {
        let (flags, read_at) = read(i);
        let (before, after) = answer.unwrap().unwrap();
        assert!(after.flags_read_at >= read_at, "racer {i}: {after:?}");
        assert!(before.flags_read_at <= after.flags_read_at, "racer {i}");
        if after.flags_read_at == read_at {
            assert_eq!(after.flags, flags, "racer {i}");
        }
    }
    let stored = accounts.find_by_user("u").await.unwrap().unwrap();
    let (newest, newest_at) = read(7);
    assert_eq!((stored.flags, stored.flags_read_at), (newest, newest_at));
}

/// The sellers who have not completed onboarding, least recently read first; a read moves a
/// seller to the back; completion takes the seller out for good.
async fn unfinished_onboarding_lists_the_least_recently_read_first(accounts: Accounts) {
    for (i, user) in ["ann", "ben", "cid"].iter().enumerate() {
        let mut account = SellerAccount::new((*user).into(), format!("acct_{user}"), 10);
        account.flags_read_at = 1_000 + i as i64;
        accounts.insert(&account).await.unwrap();
    }
    let done = SellerAccount {
        onboarding_completed: true,
        flags: complete_flags(),
        ..SellerAccount::new("dan".into(), "acct_dan".into(), 10)
    };
    accounts.insert(&done).await.unwrap();
    let unfinished = async |limit| -> Vec<String> {
        let listed = accounts.unfinished_onboarding(limit).await.unwrap();
        listed.into_iter().map(|a| a.user_id).collect()
    };

    assert_eq!(unfinished(10).await, ["ann", "ben", "cid"]);
    assert_eq!(unfinished(2).await, ["ann", "ben"]);
    // Ann is read again (still pending): she moves to the back.
    let pending = AccountFlags {
        details_submitted: true,
        ..AccountFlags::default()
    };
    accounts.update_flags("ann", &pending, 5_000).await.unwrap();
    assert_eq!(unfinished(10).await, ["ben", "cid", "ann"]);
    // Ben completes: he leaves the list, and a later restriction does not bring him back.
    let complete = complete_flags();
    accounts
        .update_flags("ben", &complete, 6_000)
        .await
        .unwrap();
    assert_eq!(unfinished(10).await, ["cid", "ann"]);
    accounts.update_flags("ben", &pending, 7_000).await.unwrap();
    assert_eq!(unfinished(10).await, ["cid", "ann"]);
    let ann = accounts.find_by_user("ann").await.unwrap().unwrap();
    assert_eq!((ann.flags, ann.flags_read_at), (pending, 5_000));
}
