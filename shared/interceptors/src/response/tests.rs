use super::*;
use crate::test_support::{body_json, header};
use http::HeaderMap;

const ORIGIN: &str = "https://app.example.com";

fn origin(o: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
    h
}

fn preflight_headers(o: &str, method: &str) -> HeaderMap {
    let mut h = origin(o);
    h.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_str(method).unwrap(),
    );
    h.insert(
        header::ACCESS_CONTROL_REQUEST_HEADERS,
        HeaderValue::from_static("authorization,content-type"),
    );
    h
}

fn has_no_cors(resp: &Response<Body>) {
    for name in [
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-expose-headers",
        "access-control-allow-credentials",
    ] {
        assert_eq!(header(resp, name), None, "{name}");
    }
}

#[test]
fn json_sets_status_body_and_type() {
    let resp = json(
        StatusCode::CREATED,
        &serde_json::json!({"url": "https://connect.stripe.com/x"}),
    )
    .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(header(&resp, "content-type"), Some("application/json"));
    assert_eq!(body_json(&resp)["url"], "https://connect.stripe.com/x");
}

#[test]
fn json_serialization_failure_is_internal() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("secret sk_live_SENTINEL"))
        }
    }
    let err = json(StatusCode::OK, &Fails).unwrap_err();
    assert_eq!((err.status().as_u16(), err.code()), (500, "internal_error"));
    assert!(!crate::test_support::body_text(&err.to_response("r")).contains("SENTINEL"));
}

#[test]
fn redirects() {
    let resp = redirect("https://app.example.com/sell?onboarding=done").unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(
        header(&resp, "location"),
        Some("https://app.example.com/sell?onboarding=done")
    );
    let resp = see_other("/next").unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let err = redirect("https://x\r\nSet-Cookie: a=b").unwrap_err();
    assert_eq!((err.status().as_u16(), err.code()), (500, "internal_error"));
    assert_eq!(
        empty(StatusCode::NO_CONTENT).status(),
        StatusCode::NO_CONTENT
    );
}

#[test]
fn security_headers_overwrite_handler_values() {
    let mut resp = json(StatusCode::OK, &1).unwrap();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=600"),
    );
    apply_security_headers(&mut resp, "req-9");
    let expected = [
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
        ("x-request-id", "req-9"),
    ];
    for (name, value) in expected {
        assert_eq!(header(&resp, name), Some(value), "{name}");
    }
    let mut resp = empty(StatusCode::OK);
    apply_security_headers(&mut resp, "bad\nid");
    assert_eq!(header(&resp, "x-request-id"), None);
}

#[test]
fn preflight_for_the_front_end() {
    let cors = Cors::new(ORIGIN);
    for method in ["POST", "GET"] {
        let resp = cors.preflight(&preflight_headers(ORIGIN, method));
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert_eq!(header(&resp, "access-control-allow-origin"), Some(ORIGIN));
        assert_eq!(
            header(&resp, "access-control-allow-methods"),
            Some("GET, POST, OPTIONS")
        );
        assert_eq!(
            header(&resp, "access-control-allow-headers"),
            Some("Authorization, Content-Type, Idempotency-Key")
        );
        assert_eq!(header(&resp, "access-control-max-age"), Some("600"));
        assert_eq!(
            header(&resp, "vary"),
            Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        );
        assert_eq!(crate::test_support::body_text(&resp), "");
    }
}

#[test]
fn foreign_or_odd_preflights_get_no_cors_headers() {
    let cors = Cors::new(ORIGIN);
    let cases = [
        preflight_headers("https://evil.example.com", "POST"),
        preflight_headers("https://app.example.com.evil.com", "POST"),
        preflight_headers("http://app.example.com", "POST"),
        preflight_headers("https://app.example.com:8443", "POST"),
        preflight_headers("null", "POST"),
        preflight_headers(ORIGIN, "DELETE"),
        preflight_headers(ORIGIN, "bad method"),
        origin(ORIGIN),
        HeaderMap::new(),
    ];
    for headers in cases {
        let resp = cors.preflight(&headers);
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        has_no_cors(&resp);
        assert!(header(&resp, "vary").unwrap().starts_with("Origin"));
    }
    let mut two = preflight_headers(ORIGIN, "POST");
    two.append(header::ORIGIN, HeaderValue::from_static(ORIGIN));
    has_no_cors(&cors.preflight(&two));
}

#[test]
fn simple_requests() {
    let cors = Cors::new("https://app.example.com/");
    let mut resp = json(StatusCode::OK, &1).unwrap();
    cors.apply(&origin("HTTPS://APP.EXAMPLE.COM"), &mut resp);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        header(&resp, "access-control-expose-headers"),
        Some("Retry-After, WWW-Authenticate, X-Request-Id")
    );
    assert_eq!(header(&resp, "vary"), Some("Origin"));

    for headers in [origin("https://evil.example.com"), HeaderMap::new()] {
        let mut resp = json(StatusCode::OK, &1).unwrap();
        cors.apply(&headers, &mut resp);
        has_no_cors(&resp);
        assert_eq!(
            header(&resp, "vary"),
            Some("Origin"),
            "caches must key on Origin either way"
        );
    }
    // an existing Vary is kept and Origin added once
    let mut resp = json(StatusCode::OK, &1).unwrap();
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    cors.apply(&HeaderMap::new(), &mut resp);
    cors.apply(&HeaderMap::new(), &mut resp);
    let vary: Vec<_> = resp
        .headers()
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(vary, ["Accept-Encoding", "Origin"]);
}

#[test]
fn an_unusable_origin_matches_nothing() {
    let cors = Cors::new("bad\norigin");
    let resp = cors.preflight(&preflight_headers(ORIGIN, "POST"));
    has_no_cors(&resp);
}
