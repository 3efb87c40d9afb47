//! The contract of [`SellerView`]: one read answers exactly what the account and the cache ports
//! answer on their own, in every combination of what is stored.

use std::sync::Arc;

use crate::SellerAccount;
use crate::ports::{Balance, BalanceCache, CachedBalance, SellerAccounts};
use crate::seller_view::{SellerView, SellerWithBalance};
use crate::{Currency, Money};

/// The stores a view reads, and the view over them.
pub struct ViewedStores {
    pub accounts: Arc<dyn SellerAccounts>,
    pub cache: Arc<dyn BalanceCache>,
    pub view: Arc<dyn SellerView>,
}

/// Every rule of [`SellerView`], each case on stores made by `fresh`.
pub async fn seller_view_contract(fresh: impl AsyncFn() -> ViewedStores) {
    every_combination(&fresh().await).await;
}

async fn every_combination(s: &ViewedStores) {
    let nothing = s.view.seller_with_balance("usr_none").await.unwrap();
    assert_eq!(nothing, SellerWithBalance::default());

    let account = SellerAccount::new("usr_a".into(), "acct_a".into(), 100);
    s.accounts.insert(&account).await.unwrap();
    let seen = s.view.seller_with_balance("usr_a").await.unwrap();
    assert_eq!(seen.account.as_ref(), Some(&account));
    assert_eq!(seen.cached, None);

    // A refresh claim alone is no balance.
    assert!(s.cache.try_claim_refresh("usr_a", 100, 110).await.unwrap());
    assert_eq!(
        s.view.seller_with_balance("usr_a").await.unwrap().cached,
        None
    );

    let eur = Currency::parse("eur").unwrap();
    let cached = CachedBalance {
        balance: Balance {
            available: vec![Money::new(5400, eur.clone())],
            pending: vec![Money::new(-3, eur)],
        },
        fetched_at: 105,
    };
    s.cache.put("usr_a", &cached, 200).await.unwrap();
    let both = s.view.seller_with_balance("usr_a").await.unwrap();
    assert_eq!(
        both,
        SellerWithBalance {
            account: s.accounts.find_by_user("usr_a").await.unwrap(),
            cached: Some(cached.clone()),
        }
    );

    // A balance cached for a user without an account (the mapping was never stored).
    s.cache.put("usr_b", &cached, 200).await.unwrap();
    let orphan = s.view.seller_with_balance("usr_b").await.unwrap();
    assert_eq!((orphan.account, orphan.cached), (None, Some(cached)));
}
