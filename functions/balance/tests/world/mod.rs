//! The balance function's test world: moto tables, the local Stripe server, the function's
//! dependencies wired as its main.rs wires them, and the calls a seller's page makes.
#![allow(dead_code)] // each test binary uses a different part of this support code

use std::sync::Arc;
use std::time::Duration;

use crate::support::{self, Stripe};
use balance::CachePolicy;
use harness::apigw::body_json;
use harness::jwt::seller_token;
use interceptors::metrics::MemorySink;
use interceptors::{Body, Response};
use payouts::SellerAccount;
use payouts::clock::{Clock, ManualClock};
use payouts::ports::{ConnectAccounts, NewExpressAccount, SellerAccounts};
use serde_json::{Value, json};
use store::{DynamoBalanceCache, DynamoLedger, DynamoSellerAccounts};
use stripe_adapter::StripeAdapter;

pub const BALANCE: &str = "GET /v1/balance";

pub struct World {
    pub stripe: Stripe,
    pub adapter: StripeAdapter,
    pub accounts: Arc<DynamoSellerAccounts>,
    pub cache: Arc<DynamoBalanceCache>,
    pub ledger: Arc<DynamoLedger>,
    pub deps: balance::Deps,
    pub metrics: Arc<MemorySink>,
    /// The function's clock: tests move it past the TTL instead of waiting.
    pub clock: Arc<ManualClock>,
}

pub fn policy(ttl_secs: u64, wait: Duration) -> CachePolicy {
    CachePolicy {
        ttl: Duration::from_secs(ttl_secs),
        claim: Duration::from_secs(30),
        wait,
        poll: Duration::from_millis(50),
        keep_stale: Duration::from_secs(24 * 3600),
    }
}

pub async fn world_with(policy: CachePolicy, adapter: impl Fn(&Stripe) -> StripeAdapter) -> World {
    let stripe = Stripe::start().await;
    let (client, tables) = support::tables().await;
    let accounts = Arc::new(DynamoSellerAccounts::new(
        client.clone(),
        &tables.seller_accounts,
    ));
    let ledger = Arc::new(DynamoLedger::new(client.clone(), &tables.payout_ledger));
    let cache = Arc::new(DynamoBalanceCache::new(
        client.clone(),
        &tables.balance_cache,
    ));
    let (interceptors, metrics) = support::interceptors(balance::FUNCTION, true).await;
    let clock = Arc::new(ManualClock::starting_now());
    let deps = balance::Deps {
        view: Arc::new(store::DynamoSellerView::new(
            client.clone(),
            &tables.seller_accounts,
            &tables.balance_cache,
        )),
        cache: cache.clone(),
        balances: Arc::new(adapter(&stripe)),
        ledger: ledger.clone(),
        policy,
        clock: clock.clone(),
        interceptors,
    };
    World {
        adapter: stripe.adapter(),
        stripe,
        accounts,
        cache,
        ledger,
        deps,
        metrics,
        clock,
    }
}

pub async fn world() -> World {
    world_with(policy(30, Duration::from_secs(30)), Stripe::adapter).await
}

impl World {
    /// A seller with a Stripe account (complete onboarding or not) stored like onboard does.
    pub async fn seller(&self, user: &str, complete: bool) -> String {
        let new = NewExpressAccount {
            user_id: user.into(),
            email: None,
            country: None,
        };
        let key = payouts::keys::account_key(user);
        let id = self
            .adapter
            .create_express_account(&new, &key)
            .await
            .unwrap();
        let now = payouts::clock::unix_now();
        let account = SellerAccount::new(user.into(), id.clone(), now);
        self.accounts.insert(&account).await.unwrap();
        if complete {
            self.stripe.complete_onboarding(&id).await;
        }
        onboarding::refresh_flags(
            self.accounts.as_ref(),
            &self.adapter,
            &account,
            self.clock.as_ref(),
        )
        .await
        .unwrap();
        id
    }

    pub async fn get(&self, user: &str, query: &str) -> Response<Body> {
        let req = harness::apigw::request("balance.json", Some(&seller_token(user)), query, "");
        harness::contract::call(req, |req| balance::handle(&self.deps, req)).await
    }

    pub async fn ok(&self, user: &str) -> Value {
        let resp = self.get(user, "").await;
        let body = body_json(&resp);
        assert_eq!(resp.status().as_u16(), 200, "{body}");
        body
    }

    /// Moves the function's clock until a value cached at `as_of` is `ttl_secs` old (expired).
    pub fn expire(&self, as_of: i64, ttl_secs: i64) {
        let behind = as_of + ttl_secs - self.clock.now();
        self.clock.advance_secs(behind.max(0));
    }
}

pub fn money(entries: &[(i64, &str)]) -> Value {
    json!(
        entries
            .iter()
            .map(|(a, c)| json!({"amount": a, "currency": c}))
            .collect::<Vec<_>>()
    )
}

/// The entries of `side` sorted by currency (Stripe does not promise an order).
pub fn sorted(body: &Value, side: &str) -> Value {
    let mut v = body[side].as_array().expect(side).clone();
    v.sort_by_key(|m| m["currency"].as_str().unwrap_or("").to_owned());
    json!(v)
}
