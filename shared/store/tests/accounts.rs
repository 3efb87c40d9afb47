//! Seller accounts against a real moto server: both uniqueness rules, races, flags, errors.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use payouts::ports::{SellerAccounts, StoreError};
use payouts::{AccountFlags, SellerAccount};
use store::DynamoSellerAccounts;
use tokio::task::JoinSet;

async fn accounts() -> (harness::Dynamo, harness::TableNames, DynamoSellerAccounts) {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let accounts = DynamoSellerAccounts::new(db.client.clone(), &t.seller_accounts);
    (db, t, accounts)
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

#[tokio::test]
async fn insert_then_find_by_either_id() {
    let (_db, _t, accounts) = accounts().await;
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

#[tokio::test]
async fn each_id_is_unique_and_a_refused_insert_claims_nothing() {
    let (_db, _t, accounts) = accounts().await;
    accounts
        .insert(&SellerAccount::new("u1".into(), "acct_a".into(), 1))
        .await
        .unwrap();

    let same_user = accounts
        .insert(&SellerAccount::new("u1".into(), "acct_b".into(), 2))
        .await;
    assert!(
        matches!(same_user, Err(StoreError::Conflict { what: "user" })),
        "{same_user:?}"
    );
    assert_eq!(
        accounts.find_by_stripe_account("acct_b").await.unwrap(),
        None
    );

    let same_acct = accounts
        .insert(&SellerAccount::new("u2".into(), "acct_a".into(), 2))
        .await;
    assert!(
        matches!(
            same_acct,
            Err(StoreError::Conflict {
                what: "stripe_account"
            })
        ),
        "{same_acct:?}"
    );
    assert_eq!(accounts.find_by_user("u2").await.unwrap(), None);

    // Both taken: the user rule is reported first.
    let both = accounts
        .insert(&SellerAccount::new("u1".into(), "acct_a".into(), 3))
        .await;
    assert!(
        matches!(both, Err(StoreError::Conflict { what: "user" })),
        "{both:?}"
    );
}

/// `racers` concurrent inserts built by `account(i)`: returns the winners' indexes and the
/// `what` of every loser.
async fn race(
    accounts: DynamoSellerAccounts,
    racers: usize,
    account: impl Fn(usize) -> SellerAccount,
) -> (Vec<usize>, Vec<&'static str>) {
    let accounts = Arc::new(accounts);
    let mut set = JoinSet::new();
    for i in 0..racers {
        let (accounts, account) = (accounts.clone(), account(i));
        set.spawn(async move { (i, accounts.insert(&account).await) });
    }
    let (mut winners, mut losers) = (vec![], vec![]);
    while let Some(joined) = set.join_next().await {
        match joined.unwrap() {
            (i, Ok(())) => winners.push(i),
            (_, Err(StoreError::Conflict { what })) => losers.push(what),
            (_, Err(e)) => panic!("unexpected error: {e}"),
        }
    }
    (winners, losers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_for_one_user_id_exactly_one_wins() {
    let (_db, _t, accounts) = accounts().await;
    let (winners, losers) = race(accounts.clone(), 10, |i| {
        SellerAccount::new("racer".into(), format!("acct_{i}"), 1)
    })
    .await;
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(losers, vec!["user"; 9]);
    let stored = accounts.find_by_user("racer").await.unwrap().unwrap();
    assert_eq!(stored.stripe_account_id, format!("acct_{}", winners[0]));
    // The losers' account ids stayed free: the transaction claimed nothing for them.
    for i in (0..10).filter(|i| *i != winners[0]) {
        assert_eq!(
            accounts
                .find_by_stripe_account(&format!("acct_{i}"))
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_for_one_stripe_account_exactly_one_wins() {
    let (_db, _t, accounts) = accounts().await;
    let (winners, losers) = race(accounts.clone(), 10, |i| {
        SellerAccount::new(format!("user_{i}"), "acct_shared".into(), 1)
    })
    .await;
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(losers, vec!["stripe_account"; 9]);
    let stored = accounts
        .find_by_stripe_account("acct_shared")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user_id, format!("user_{}", winners[0]));
    for i in (0..10).filter(|i| *i != winners[0]) {
        assert_eq!(
            accounts.find_by_user(&format!("user_{i}")).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn update_flags_returns_before_and_after_and_keeps_completion() {
    let (_db, _t, accounts) = accounts().await;
    assert_eq!(
        accounts
            .update_flags("nobody", &complete_flags(), 5_000)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        accounts.find_by_user("nobody").await.unwrap(),
        None,
        "no item was created"
    );

    let account = SellerAccount::new("u".into(), "acct_u".into(), 10);
    accounts.insert(&account).await.unwrap();
    let (before, after) = accounts
        .update_flags("u", &complete_flags(), 20_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before, account);
    assert_eq!(after.flags, complete_flags());
    assert!(after.onboarding_completed);
    assert_eq!((after.created_at, after.updated_at), (10, 20));
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
    let (before2, after2) = accounts
        .update_flags("u", &restricted, 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before2, after);
    assert_eq!(after2.flags, restricted);
    assert!(after2.onboarding_completed);
    assert_eq!(
        accounts.find_by_stripe_account("acct_u").await.unwrap(),
        Some(after2)
    );
}

/// Two `account.updated` deliveries race: the one that read Stripe earlier writes last. The
/// newer read must stay stored, and the late writer must be told what is stored.
#[tokio::test]
async fn an_older_read_written_later_does_not_overwrite_a_newer_one() {
    let (_db, _t, accounts) = accounts().await;
    accounts
        .insert(&SellerAccount::new("u".into(), "acct_u".into(), 10))
        .await
        .unwrap();
    let disabled = AccountFlags {
        payouts_enabled: false,
        ..complete_flags()
    };
    let (_, newer) = accounts
        .update_flags("u", &complete_flags(), 20_500)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(newer.flags_read_at, 20_500);
    let (before, after) = accounts
        .update_flags("u", &disabled, 20_400)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (&before, &after),
        (&newer, &newer),
        "the stored newer read is the answer"
    );
    let stored = accounts.find_by_user("u").await.unwrap().unwrap();
    assert_eq!(stored.flags, complete_flags());
    assert!(stored.flags.can_receive_transfers());
    // A read at the same millisecond or later does win.
    let (_, same) = accounts
        .update_flags("u", &disabled, 20_500)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(same.flags, disabled);
}

#[tokio::test]
async fn unreadable_items_are_corrupt() {
    let (db, t, accounts) = accounts().await;
    let put = |item: HashMap<String, AttributeValue>| {
        db.client
            .put_item()
            .table_name(&t.seller_accounts)
            .set_item(Some(item))
            .send()
    };
    let s = |v: &str| AttributeValue::S(v.into());
    put(HashMap::from([
        ("pk".into(), s("USER#bad")),
        ("user_id".into(), s("bad")),
        ("created_at".into(), s("not a number")),
    ]))
    .await
    .unwrap();
    let err = accounts.find_by_user("bad").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("USER#bad")),
        "{err:?}"
    );

    // A guard whose record is missing.
    put(HashMap::from([
        ("pk".into(), s("ACCT#acct_orphan")),
        ("user_id".into(), s("ghost")),
    ]))
    .await
    .unwrap();
    let err = accounts
        .find_by_stripe_account("acct_orphan")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

#[tokio::test]
async fn missing_table_and_dead_endpoint_are_unavailable() {
    let db = harness::dynamo().await;
    let missing = DynamoSellerAccounts::new(db.client.clone(), "no-such-table");
    let err = missing.find_by_user("u").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("ResourceNotFoundException")),
        "{err:?}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = store::client(Some(&format!("http://127.0.0.1:{port}"))).await;
    let err = DynamoSellerAccounts::new(dead, "t")
        .insert(&SellerAccount::new("u".into(), "a".into(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("TransactWriteItems")),
        "{err:?}"
    );
}

/// The sellers who have not completed onboarding, least recently read first; a read moves a
/// seller to the back; completion takes the seller out.
#[tokio::test]
async fn unfinished_onboarding_lists_the_least_recently_read_first() {
    let (_db, _t, accounts) = accounts().await;
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
    let users =
        |v: Vec<SellerAccount>| -> Vec<String> { v.into_iter().map(|a| a.user_id).collect() };

    assert_eq!(
        users(accounts.unfinished_onboarding(10).await.unwrap()),
        ["ann", "ben", "cid"]
    );
    assert_eq!(
        users(accounts.unfinished_onboarding(2).await.unwrap()),
        ["ann", "ben"]
    );
    // Ann is read again (still pending): she moves to the back.
    let pending = AccountFlags {
        details_submitted: true,
        ..AccountFlags::default()
    };
    accounts.update_flags("ann", &pending, 5_000).await.unwrap();
    assert_eq!(
        users(accounts.unfinished_onboarding(10).await.unwrap()),
        ["ben", "cid", "ann"]
    );
    // Ben completes: he leaves the list for good.
    accounts
        .update_flags("ben", &complete_flags(), 6_000)
        .await
        .unwrap();
    assert_eq!(
        users(accounts.unfinished_onboarding(10).await.unwrap()),
        ["cid", "ann"]
    );
    let ann = accounts.find_by_user("ann").await.unwrap().unwrap();
    assert_eq!((ann.flags, ann.flags_read_at), (pending, 5_000));
}
