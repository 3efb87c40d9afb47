use super::*;
use crate::auth::Auth;
use crate::test_support::{assert_problem, request};
use lambda_http::Body;
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Order {
    order_id: String,
    items: Vec<Item>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    seller: String,
    amount: u64,
}

const JSON: &[(&str, &str)] = &[("content-type", "application/json")];
const GOOD: &str = r#"{"order_id":"ord_1","items":[{"seller":"u1","amount":6000}]}"#;

/// An API Gateway v2 event, decoded by lambda_http exactly as in Lambda.
fn gateway_event(request_id: Option<&str>, body: Option<(&str, bool)>) -> Request {
    let mut event = serde_json::json!({
        "version": "2.0", "routeKey": "POST /api/v1/x", "rawPath": "/api/v1/x", "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "api.example.com"},
        "requestContext": {"http": {"method": "POST", "path": "/api/v1/x", "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.1", "userAgent": "test"}, "routeKey": "POST /api/v1/x", "stage": "$default",
            "domainName": "api.example.com", "accountId": "123456789012", "apiId": "abc", "time": "x", "timeEpoch": 0},
        "isBase64Encoded": false
    });
    if let Some(id) = request_id {
        event["requestContext"]["requestId"] = id.into();
    }
    if let Some((body, base64)) = body {
        event["body"] = body.into();
        event["isBase64Encoded"] = base64.into();
    }
    lambda_http::request::from_str(&event.to_string()).expect("valid API Gateway v2 event")
}

#[test]
fn request_id_from_gateway_or_generated() {
    assert_eq!(
        request_id(&gateway_event(Some("JKJaXmPLvHcESHA="), None)),
        "JKJaXmPLvHcESHA="
    );
    for bad in [
        None,
        Some(""),
        Some("has space"),
        Some("line\nbreak"),
        Some(&*"x".repeat(129)),
    ] {
        let id = request_id(&gateway_event(bad, None));
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{bad:?} -> {id}");
    }
    let plain = request("GET", &[], Body::Empty);
    assert!(uuid::Uuid::parse_str(&request_id(&plain)).is_ok());
    assert_ne!(
        request_id(&plain),
        request_id(&plain),
        "generated ids are fresh"
    );
}

#[test]
fn body_size_limit() {
    let at_limit = request("POST", JSON, Body::Text("x".repeat(10)));
    assert!(check_body_size(&at_limit, 10).is_ok());
    for body in [Body::Text("x".repeat(11)), Body::Binary(vec![0; 11])] {
        let err = check_body_size(&request("POST", JSON, body), 10).unwrap_err();
        let doc = assert_problem(&err.to_response("r"), 413, "payload_too_large");
        assert_eq!(doc["category"], "validation");
        assert_eq!(doc["detail"], "The request body exceeds 10 bytes.");
    }
    assert!(check_body_size(&request("POST", JSON, Body::Empty), 0).is_ok());
}

#[test]
fn content_type_must_be_json() {
    let ok = [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"",
        "application/json;",
    ];
    for ct in ok {
        assert!(
            require_json(&request("POST", &[("content-type", ct)], Body::Empty)).is_ok(),
            "{ct}"
        );
    }
    let bad = [
        "text/plain",
        "application/jsonp",
        "application/problem+json",
        "application/json; charset=latin1",
        "application/json; foo=bar",
        "application/json; charset",
        "application/x-www-form-urlencoded",
        "",
    ];
    for ct in bad {
        let err = require_json(&request("POST", &[("content-type", ct)], Body::Empty)).unwrap_err();
        assert_problem(&err.to_response("r"), 415, "unsupported_media_type");
    }
    let err = require_json(&request("POST", &[], Body::Empty)).unwrap_err();
    assert_problem(&err.to_response("r"), 415, "unsupported_media_type");
    let mut non_ascii = request("POST", &[], Body::Empty);
    non_ascii.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_bytes(b"application/json\xff").unwrap(),
    );
    assert_eq!(require_json(&non_ascii).unwrap_err().status().as_u16(), 415);
}

#[test]
fn parses_text_and_base64_bodies() {
    let expected = Order {
        order_id: "ord_1".into(),
        items: vec![Item {
            seller: "u1".into(),
            amount: 6000,
        }],
    };
    assert_eq!(
        parse_json::<Order>(&request("POST", JSON, Body::Text(GOOD.into()))).unwrap(),
        expected
    );
    assert_eq!(
        parse_json::<Order>(&request("POST", JSON, Body::Binary(GOOD.into()))).unwrap(),
        expected
    );
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, GOOD);
    let event = gateway_event(None, Some((&b64, true)));
    assert!(
        matches!(event.body(), Body::Binary(_)),
        "lambda_http decodes base64 bodies"
    );
    assert_eq!(parse_json::<Order>(&event).unwrap(), expected);
    assert_eq!(
        parse_json::<Order>(&gateway_event(None, Some((GOOD, false)))).unwrap(),
        expected
    );
}

#[test]
fn empty_bodies_are_required() {
    for body in [
        Body::Empty,
        Body::Text(String::new()),
        Body::Text(" \n\t".into()),
        Body::Binary(vec![]),
    ] {
        let err = parse_json::<Order>(&request("POST", JSON, body)).unwrap_err();
        let doc = assert_problem(&err.to_response("r"), 400, "body_required");
        assert!(doc.get("param").is_none());
    }
    // even without a content type, an empty body is reported as missing
    let err = parse_json::<Order>(&request("POST", &[], Body::Empty)).unwrap_err();
    assert_eq!(err.code(), "body_required");
}

#[test]
fn wrong_content_type_with_a_body_is_415() {
    let err = parse_json::<Order>(&request(
        "POST",
        &[("content-type", "text/plain")],
        Body::Text(GOOD.into()),
    ))
    .unwrap_err();
    assert_problem(&err.to_response("r"), 415, "unsupported_media_type");
}

/// (body, expected param) for every kind of bad JSON.
#[test]
fn invalid_json_names_the_failing_field() {
    let cases: [(&[u8], Option<&str>); 11] = [
        (b"{", None),
        (b"not json", None),
        (b"\"text\"", None),
        (b"\xff\xfe{}", None),
        (br#"{"order_id":"o","items":[]} trailing"#, None),
        (br#"{"order_id":7,"items":[]}"#, Some("order_id")),
        (
            br#"{"order_id":"o","items":[{"seller":"u","amount":"60"}]}"#,
            Some("items[0].amount"),
        ),
        (
            br#"{"order_id":"o","items":[{"seller":"u","amount":1},{"seller":"u","amount":-1}]}"#,
            Some("items[1].amount"),
        ),
        (
            br#"{"order_id":"o","items":[{"seller":"u"}]}"#,
            Some("items[0].amount"),
        ),
        (br#"{"items":[]}"#, Some("order_id")),
        (
            br#"{"order_id":"o","items":[],"admin":true}"#,
            Some("admin"),
        ),
    ];
    for (body, param) in cases {
        let req = request("POST", JSON, Body::Binary(body.to_vec()));
        let err = parse_json::<Order>(&req).unwrap_err();
        let doc = assert_problem(&err.to_response("r"), 400, "invalid_json");
        assert_eq!(doc["category"], "validation");
        assert_eq!(
            doc.get("param").and_then(|p| p.as_str()),
            param,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(doc["detail"].as_str().unwrap().len() <= 210);
    }
}

#[test]
fn detail_is_bounded() {
    let long = format!(r#"{{"order_id":"o","items":[],"{}":1}}"#, "k".repeat(5000));
    let err = parse_json::<Order>(&request("POST", JSON, Body::Text(long))).unwrap_err();
    assert!(
        err.detail().chars().count() <= 201,
        "{}",
        err.detail().len()
    );
}

#[test]
fn ctx_seller_requires_a_principal() {
    let metrics = crate::metrics::Metrics::new("test", crate::metrics::MemorySink::new());
    let ctx = Ctx::new("req-1", None, metrics.clone());
    let err = ctx.seller().unwrap_err();
    assert_problem(&err.to_response("r"), 401, "token_missing");
    let p = crate::auth::Principal {
        user_id: "u".into(),
        email: None,
        country: None,
        roles: vec![],
    };
    let ctx = Ctx::new("req-1", Some(p), metrics);
    assert_eq!(
        (ctx.seller().unwrap().user_id.as_str(), ctx.request_id()),
        ("u", "req-1")
    );
    assert_eq!(ctx.metrics().function(), "test");
    assert_eq!(
        Route::seller(http::Method::POST, "/a"),
        Route {
            method: http::Method::POST,
            template: "/a",
            auth: Auth::Seller
        }
    );
    assert_eq!(Route::public(http::Method::GET, "/b").auth, Auth::Public);
}
