//! What only the double does (the contract suite covers what it shares with Stripe): scripted
//! faults for the next calls of one operation, calls counted per operation, and idempotency keys
//! expiring on its clock.

use payouts::memory::MemoryStripe;
use payouts::memory::stripe::{Fault, KEY_TTL_SECONDS, Op};
use payouts::ports::{ConnectAccounts, NewExpressAccount, StripeError, TransferRequest, Transfers};
use payouts::{Currency, Money};

/// A Stripe with one payable seller and one 10 000 EUR charge; a 1000 transfer to that seller.
async fn arranged() -> (MemoryStripe, TransferRequest) {
    let stripe = MemoryStripe::new();
    let new = NewExpressAccount {
        user_id: "usr_a".into(),
        email: None,
        country: None,
    };
    let account = stripe.create_express_account(&new, "k-acct").await.unwrap();
    stripe.complete_onboarding(&account);
    let paid = stripe.pay("ord_1", "eur", 10_000, &[("usr_a", 10_000)]);
    let request = TransferRequest {
        amount: Money::new(1_000, Currency::parse("eur").unwrap()),
        destination: account,
        source_transaction: paid.charge,
        transfer_group: "ord_1".into(),
        order_id: "ord_1".into(),
        seller: "usr_a".into(),
    };
    (stripe, request)
}

#[tokio::test]
async fn scripted_faults_answer_the_next_calls_of_their_operation_only() {
    let (stripe, request) = arranged().await;
    stripe.fail_next(Op::CreateTransfer, Fault::ServerError, 2);
    stripe.fail_next(Op::CreateTransfer, Fault::RateLimited, 1);
    // Other operations are untouched.
    assert!(
        stripe
            .find_transfer("ord_1", &request.destination)
            .await
            .unwrap()
            .is_none()
    );
    for rate_limited in [false, false, true] {
        match stripe.create_transfer(&request, "k").await {
            Err(StripeError::Unavailable {
                rate_limited: r, ..
            }) => assert_eq!(r, rate_limited),
            other => panic!("expected a scripted fault, got {other:?}"),
        }
    }
    assert_eq!(stripe.pending_faults(Op::CreateTransfer), 0);
    assert!(stripe.all_transfers().is_empty(), "nothing executed");
    let made = stripe.create_transfer(&request, "k").await.unwrap();
    assert_eq!(made.amount, 1_000);
    assert_eq!(stripe.calls(Op::CreateTransfer), 4);
    assert_eq!(stripe.calls(Op::FindTransfer), 1);
    // A scripted refusal is not the key's answer either.
    stripe.fail_next(Op::CreateTransfer, Fault::Refused("rate_limit".into()), 1);
    let refused = stripe.create_transfer(&request, "k2").await;
    assert!(matches!(refused, Err(StripeError::Refused { ref code, .. }) if code == "rate_limit"));
    stripe.fail_next(Op::RetrieveTransfer, Fault::NotFound, 1);
    let missing = stripe.retrieve_transfer(&made.id).await;
    assert!(matches!(missing, Err(StripeError::NotFound)), "{missing:?}");
    assert_eq!(
        stripe.create_transfer(&request, "k2").await.unwrap().amount,
        1_000
    );
    assert_eq!(stripe.all_transfers().len(), 2);
}

#[tokio::test]
async fn a_lost_answer_executed_and_its_key_replays_it() {
    let (stripe, request) = arranged().await;
    stripe.fail_next(Op::CreateTransfer, Fault::AnswerLost, 1);
    let lost = stripe.create_transfer(&request, "k").await;
    assert!(
        matches!(lost, Err(StripeError::Unavailable { .. })),
        "{lost:?}"
    );
    let transfers = stripe.all_transfers();
    assert_eq!(transfers.len(), 1, "Stripe did execute it");
    let again = stripe.create_transfer(&request, "k").await.unwrap();
    assert_eq!(again.id, transfers[0].id);
    assert_eq!(stripe.all_transfers().len(), 1);
    assert_eq!(stripe.calls(Op::CreateTransfer), 2, "replays are calls too");
}

#[tokio::test]
async fn a_key_is_forgotten_24_hours_after_its_first_use() {
    let (stripe, request) = arranged().await;
    let first = stripe.create_transfer(&request, "k").await.unwrap();
    stripe.advance_clock(KEY_TTL_SECONDS - 1);
    assert_eq!(stripe.create_transfer(&request, "k").await.unwrap(), first);
    stripe.advance_clock(1);
    let second = stripe.create_transfer(&request, "k").await.unwrap();
    assert_ne!(second.id, first.id, "an expired key protects nothing");
    assert_eq!(stripe.all_transfers().len(), 2);
}
