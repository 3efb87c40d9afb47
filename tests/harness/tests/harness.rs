//! The harness's own promises: a live DynamoDB, fresh tables per call, a live Stripe server.

#[tokio::test]
async fn every_call_gets_its_own_complete_set_of_tables() {
    let db = harness::dynamo().await;
    let (a, b) = (db.tables().await, harness::tables(&db.client).await);
    assert_ne!(a.seller_accounts, b.seller_accounts);
    assert_eq!(a.dynamodb_endpoint.as_deref(), Some(db.endpoint.as_str()));
    let names = [
        &a.seller_accounts,
        &a.payout_ledger,
        &a.webhook_events,
        &a.balance_cache,
    ];
    let prefix = a.seller_accounts.split('-').next().unwrap();
    for name in names {
        assert!(name.starts_with(prefix), "{name} shares the call's prefix");
        db.client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn stripe_server_listens_on_loopback() {
    let server = harness::stripe().await;
    assert!(server.addr.ip().is_loopback());
    assert!(server.base_url.starts_with("http://127.0.0.1:"));
    tokio::net::TcpStream::connect(server.addr).await.unwrap();
}

mod apigw {
    use std::sync::Arc;

    use harness::apigw::{Event, query_of, request};
    use interceptors::{Body, Request, Response};
    use lambda_http::RequestExt as _;

    #[test]
    fn a_fixture_gets_its_token_query_and_body() {
        let req = request("balance.json", Some("tok"), "a=1&b=x%20y&a=2", "{\"k\":1}");
        assert_eq!(req.headers()["authorization"], "Bearer tok");
        assert_eq!(req.headers()["content-type"], "application/json");
        assert_eq!(req.uri().path(), "/api/v1/sell/balance");
        let query = req.query_string_parameters();
        assert_eq!(query.all("a"), Some(vec!["1", "2"]));
        assert_eq!(query.first("b"), Some("x y"));
        assert_eq!(req.body().as_ref(), b"{\"k\":1}");

        let bare = request("balance.json", None, "", "");
        assert!(bare.headers().get("authorization").is_none());
        assert!(bare.query_string_parameters().is_empty());
    }

    #[test]
    fn binary_bodies_are_decoded_as_on_lambda() {
        let bytes = [0_u8, 159, 146, 150, b'{'];
        let req = Event::new("POST", "/hook")
            .header("Stripe-Signature", "t=1")
            .binary_body(&bytes)
            .request();
        assert_eq!(req.body().as_ref(), bytes);
        assert_eq!(req.headers()["stripe-signature"], "t=1");
        assert_eq!(req.method(), http::Method::POST);
    }

    #[test]
    fn query_of_takes_the_raw_query() {
        assert_eq!(
            query_of("https://x.test/p?mode=return&state=a%2Bb"),
            "mode=return&state=a%2Bb"
        );
        assert_eq!(query_of("https://x.test/p"), "");
    }

    struct Deps(&'static str);

    async fn echo(deps: &Deps, req: Request) -> Response<Body> {
        let text = format!("{} {} {}", deps.0, req.method(), req.body().len());
        Response::new(Body::from(serde_json::json!({ "seen": text }).to_string()))
    }

    #[tokio::test]
    async fn the_receiver_hands_http_requests_to_the_handler() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/any/path", listener.local_addr().unwrap());
        let server = harness::apigw::serve(listener, Arc::new(Deps("deps")), echo);
        let res = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(url)
            .body(vec![1_u8, 2, 3])
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["seen"], "deps POST 3");
        server.abort();
    }
}

mod jwt {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    use serde_json::Value;

    #[test]
    fn seller_tokens_verify_with_the_secret_and_expire_later() {
        let token = harness::jwt::seller_token("s-1");
        let key = DecodingKey::from_secret(harness::jwt::SECRET.as_bytes());
        let claims = decode::<Value>(&token, &key, &Validation::new(Algorithm::HS256))
            .unwrap()
            .claims;
        assert_eq!(claims["sub"], "s-1");
        assert_eq!(claims["roles"][0], "seller");
        assert!(claims["exp"].as_i64().unwrap() > harness::jwt::unix_now());
    }
}

#[tokio::test]
async fn the_control_client_injects_faults_and_reads_the_request_log() {
    use harness::stripe::{Control, Fault};
    let server = harness::stripe().await;
    let control = Control::new(&server);
    control
        .fault(Fault::new("GET", "/v1/balance", "status_500").times(2))
        .await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for expected in [500, 500, 200] {
        let res = http
            .get(format!("{}v1/balance", server.base_url))
            .bearer_auth(server.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), expected);
    }
    assert_eq!(control.calls("GET /v1/balance").await, 3);
    assert_eq!(control.requests("GET /v1/balance").await.len(), 3);
}
