//! `GET /v1/events`: filters (`type` with wildcards, `types[]`, `created`), paging, Stripe's 400s,
//! per-account scoping, the 30-day window, recording while webhooks are paused or removed, and
//! the list read by async-stripe's own `List<Event>`.

use crate::common;

use common::{Local, Resp, receiver, start, start_with};
use serde_json::{Value, json};
use stripe::StripeRequest;
use stripe_core::event::ListEvent;
use stripe_local::{Config, WebhookTarget};
use stripe_shared::{AccountId, EventType};
use stripe_types::RangeQueryTs;

/// Ids of a list answer's `data`, asserting the list envelope.
fn ids(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["object"], "list");
    assert_eq!(r.body["url"], "/v1/events");
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

fn event_id(v: &Value) -> String {
    v["event_id"].as_str().unwrap().to_owned()
}

async fn list(local: &Local, query: &str) -> Resp {
    local.get_api(&format!("/v1/events?{query}"), &[]).await
}

/// Two payments and a refund of the first: `[pi1, pi2, refund.created, charge.refunded]` in
/// creation order.
async fn history(local: &Local) -> Vec<String> {
    let first = local.pay("ord-1", 1000, "eur").await;
    let second = local.pay("ord-2", 2000, "eur").await;
    let charge = first["charge"]["id"].as_str().unwrap();
    let refund = local
        .control(
            &format!("charges/{charge}/refunds"),
            json!({ "amount": 300 }),
        )
        .await;
    vec![
        event_id(&first),
        event_id(&second),
        refund["refund_event_id"].as_str().unwrap().to_owned(),
        event_id(&refund),
    ]
}

/// `(status, code, param)` of a refused list request.
async fn refused(local: &Local, query: &str) -> (u16, Value, Value) {
    let r = list(local, query).await;
    assert_eq!(r.body["error"]["type"], "invalid_request_error", "{query}");
    (
        r.status,
        r.body["error"]["code"].clone(),
        r.body["error"]["param"].clone(),
    )
}

#[tokio::test]
async fn lists_newest_first_filtered_by_type_or_types() {
    let local = start().await;
    let h = history(&local).await;
    let newest_first: Vec<String> = h.iter().rev().cloned().collect();
    let all = list(&local, "").await;
    assert_eq!(ids(&all), newest_first);
    assert_eq!(all.body["has_more"], false);
    assert_eq!(all.body["data"][0]["type"], "charge.refunded");

    assert_eq!(
        ids(&list(&local, "type=charge.refunded").await),
        [h[3].as_str()]
    );
    assert_eq!(ids(&list(&local, "type=charge.*").await), [h[3].as_str()]);
    assert_eq!(ids(&list(&local, "type=refund.*").await), [h[2].as_str()]);
    assert_eq!(
        ids(&list(&local, "type=*.succeeded").await),
        [h[1].clone(), h[0].clone()]
    );
    let both = "types[]=charge.refunded&types[]=payment_intent.succeeded";
    assert_eq!(
        ids(&list(&local, both).await),
        [h[3].clone(), h[1].clone(), h[0].clone()]
    );
    // async-stripe's serde_qs writes indexed arrays.
    let indexed = "types[0]=payment_intent.succeeded&types[1]=account.updated";
    assert_eq!(
        ids(&list(&local, indexed).await),
        [h[1].clone(), h[0].clone()]
    );
    // `types[]` names are exact: no wildcard.
    assert!(ids(&list(&local, "types[]=charge.*").await).is_empty());
}

#[tokio::test]
async fn pages_with_cursors_like_stripe() {
    let local = start().await;
    let mut h = history(&local).await;
    h.extend(history(&local).await);
    h.reverse();
    let mut seen = Vec::new();
    let mut query = "limit=4".to_owned();
    loop {
        let page = list(&local, &query).await;
        let got = ids(&page);
        assert!(got.len() <= 4);
        seen.extend(got.iter().cloned());
        if page.body["has_more"] == false {
            break;
        }
        query = format!("limit=4&starting_after={}", got.last().unwrap());
    }
    assert_eq!(seen, h, "every event once, newest first");
    let before = list(&local, &format!("limit=2&ending_before={}", h[3])).await;
    assert_eq!(ids(&before), [h[1].clone(), h[2].clone()]);
    assert_eq!(before.body["has_more"], true);
    // A cursor need not match the filter (positions, as on Stripe).
    let refunds_after = format!("type=charge.refunded&starting_after={}", h[0]);
    assert_eq!(ids(&list(&local, &refunds_after).await), [h[4].as_str()]);
    assert_eq!(ids(&list(&local, "").await).len(), 8, "default limit 10");
}

#[tokio::test]
async fn bad_parameters_get_stripes_400s() {
    let local = start().await;
    let h = history(&local).await;
    let invalid = (json!("parameter_invalid_integer"), json!("limit"));
    for query in ["limit=0", "limit=101", "limit=-1"] {
        let (status, code, param) = refused(&local, query).await;
        assert_eq!((status, (code, param)), (400, invalid.clone()), "{query}");
    }
    let (status, _, param) = refused(&local, "type=a.b&types[]=c.d").await;
    assert_eq!((status, param), (400, json!("types")));
    let many: Vec<String> = (0..21).map(|i| format!("types[]=t.{i}")).collect();
    assert_eq!(refused(&local, &many.join("&")).await.0, 400);
    let twenty: Vec<String> = (0..20).map(|i| format!("types[]=t.{i}")).collect();
    assert!(ids(&list(&local, &twenty.join("&")).await).is_empty());
    assert_eq!(
        refused(&local, "starting_after=evt_unknown").await,
        (400, json!("resource_missing"), json!("starting_after"))
    );
    assert_eq!(
        refused(&local, "ending_before=evt_unknown").await,
        (400, json!("resource_missing"), json!("ending_before"))
    );
    let both = format!("starting_after={}&ending_before={}", h[0], h[1]);
    assert_eq!(refused(&local, &both).await.0, 400);
    assert_eq!(
        refused(&local, "delivery_succes=true").await,
        (400, json!("parameter_unknown"), json!("delivery_succes"))
    );
    assert_eq!(refused(&local, "created[after]=1").await.0, 400);
    assert_eq!(refused(&local, "created=yesterday").await.0, 400);
}

#[tokio::test]
async fn connect_events_are_listed_only_with_their_stripe_account() {
    let local = start().await;
    let acct = local.onboarded_account().await;
    let paid = event_id(&local.pay("ord-1", 1000, "eur").await);
    let platform = ids(&list(&local, "").await);
    assert_eq!(platform, std::slice::from_ref(&paid));
    let as_acct = local
        .get_api("/v1/events", &[("Stripe-Account", acct.as_str())])
        .await;
    let theirs = ids(&as_acct);
    assert_eq!(theirs.len(), 1);
    assert_eq!(as_acct.body["data"][0]["type"], "account.updated");
    assert_eq!(as_acct.body["data"][0]["account"], acct.as_str());
    // Neither side can page from the other's events.
    let cross = format!("/v1/events?starting_after={paid}");
    let r = local
        .get_api(&cross, &[("Stripe-Account", acct.as_str())])
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn created_filters_and_the_30_day_window() {
    let local = start().await;
    let old = event_id(&local.pay("ord-old", 100, "eur").await);
    let old_created = local.control_get(&format!("events/{old}")).await["created"]
        .as_i64()
        .unwrap();
    local
        .control("clock", json!({ "advance_seconds": 1000 }))
        .await;
    let new = event_id(&local.pay("ord-new", 100, "eur").await);
    let gte = format!("created[gte]={}", old_created + 500);
    assert_eq!(ids(&list(&local, &gte).await), std::slice::from_ref(&new));
    let lt = format!("created[lt]={}", old_created + 500);
    assert_eq!(ids(&list(&local, &lt).await), std::slice::from_ref(&old));
    let exact = format!("created={old_created}");
    assert_eq!(ids(&list(&local, &exact).await), std::slice::from_ref(&old));

    // 30 days after the first event (and 500 s before the second one's 30 days end).
    local
        .control("clock", json!({ "advance_seconds": 30 * 86_400 - 500 }))
        .await;
    assert_eq!(ids(&list(&local, "").await), std::slice::from_ref(&new));
    let gone = local.get_api(&format!("/v1/events/{old}"), &[]).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        local
            .get_api(&format!("/v1/events/{new}"), &[])
            .await
            .status,
        200
    );
    // The control API still has it (it is not Stripe).
    local.control_get(&format!("events/{old}")).await;
}

#[tokio::test]
async fn events_are_recorded_while_webhooks_are_paused_or_removed() {
    let hook = receiver().await;
    let mut config = Config::with_key(common::KEY);
    config.platform_webhook = Some(WebhookTarget {
        url: hook.url.clone(),
        secrets: vec!["whsec_x".into()],
    });
    let local = start_with(config).await;

    let paused = local.control("webhooks/pause", json!({})).await;
    assert_eq!(
        (&paused["paused"], &paused["platform"]),
        (&json!(true), &Value::Null)
    );
    let while_paused = event_id(&local.pay("ord-p", 100, "eur").await);
    local.control("webhooks/pause", json!({})).await;
    let resumed = local.control("webhooks/resume", json!({})).await;
    assert_eq!(resumed["paused"], false);
    assert_eq!(resumed["platform"]["url"], hook.url.as_str());

    local
        .control("webhooks", json!({ "platform": null, "connect": null }))
        .await;
    let while_removed = event_id(&local.pay("ord-r", 100, "eur").await);
    local
        .control(
            "webhooks",
            json!({ "platform": { "url": hook.url, "secrets": ["whsec_x"] } }),
        )
        .await;
    let after = event_id(&local.pay("ord-a", 100, "eur").await);
    hook.wait_for(&after, 1).await;

    assert_eq!(
        ids(&list(&local, "").await),
        [after.clone(), while_removed.clone(), while_paused.clone()]
    );
    for missed in [&while_paused, &while_removed] {
        let d = local
            .control_get(&format!("deliveries?event_id={missed}"))
            .await;
        assert_eq!(d["deliveries"], json!([]), "{missed} was never sent");
        assert!(hook.deliveries().iter().all(|d| !d.body.contains(missed)));
        let event = local.control_get(&format!("events/{missed}")).await;
        assert_eq!(event["pending_webhooks"], 0);
    }
}

#[tokio::test]
async fn async_stripe_reads_the_list_with_its_own_types() {
    let local = start().await;
    let client = local.stripe();
    let h = history(&local).await;
    let acct = local.onboarded_account().await;
    local
        .control(
            "events",
            json!({ "type": "customer.created", "object": { "id": "cus_1", "object": "customer" } }),
        )
        .await;
    let first = local.control_get(&format!("events/{}", h[0])).await["created"]
        .as_i64()
        .unwrap();

    let page: stripe_types::List<stripe_shared::Event> = ListEvent::new()
        .types(vec![
            "payment_intent.succeeded".to_owned(),
            "charge.refunded".to_owned(),
        ])
        .created(RangeQueryTs::gte(first))
        .limit(2)
        .send(&client)
        .await
        .expect("list events");
    assert_eq!(page.url, "/v1/events");
    assert!(page.has_more);
    let got: Vec<&str> = page.data.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, [h[3].as_str(), h[1].as_str()]);
    assert_eq!(page.data[0].type_, EventType::ChargeRefunded);
    assert_eq!(
        page.data[0].api_version.as_deref(),
        Some(stripe_shared::version::VERSION.as_str())
    );
    let rest = ListEvent::new()
        .types(vec!["payment_intent.succeeded".to_owned()])
        .starting_after(h[1].as_str())
        .send(&client)
        .await
        .expect("next page");
    assert_eq!(rest.data.len(), 1);
    assert_eq!(rest.data[0].id.as_str(), h[0]);
    assert!(!rest.has_more);

    // A type async-stripe's enum may not know, listed without filters, still reads.
    let all = ListEvent::new().send(&client).await.expect("all events");
    assert_eq!(all.data.len(), 5);
    assert_eq!(all.data[0].type_.as_str(), "customer.created");

    let theirs = ListEvent::new()
        .type_("account.*")
        .customize()
        .account_id(AccountId::from(acct.as_str()))
        .send(&client)
        .await
        .expect("connect events");
    assert_eq!(theirs.data.len(), 1);
    assert_eq!(theirs.data[0].account.as_deref(), Some(acct.as_str()));
    assert_eq!(theirs.data[0].type_, EventType::AccountUpdated);
}
