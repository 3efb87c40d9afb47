//! The drift hook itself (`harness::contract`) and the document's promises to generators: an
//! operationId per operation, an example for every response that has a body, examples that
//! match their own schemas, and per-operation code enums that are exactly the union of the
//! per-status ones.

use harness::contract::{Answer, document, verify};
use serde_json::{Value, json};

const ONBOARD: &str = "/api/v1/sell/connect/onboard";
const BALANCE: &str = "/api/v1/sell/balance";
const CALLBACK: &str = "/api/v1/sell/connect/callback";

fn answer<'a>(method: &'a str, path: &'a str, status: u16, ct: &str, body: &'a [u8]) -> Answer<'a> {
    let mut headers = vec![("content-type".to_owned(), ct.to_owned())];
    if matches!(status, 429 | 503) {
        headers.push(("retry-after".into(), "2".into()));
    }
    if status == 401 {
        headers.push(("www-authenticate".into(), "Bearer realm=\"veza\"".into()));
    }
    Answer {
        method,
        path,
        status,
        headers,
        body,
    }
}

fn problem(status: u16, code: &str) -> Vec<u8> {
    json!({"type": format!("urn:veza:problem:{code}"), "title": "t", "status": status,
        "detail": "d", "code": code, "category": "auth", "retryable": false, "request_id": "r"})
    .to_string()
    .into_bytes()
}

fn operations() -> Vec<(String, String, &'static Value)> {
    let mut out = Vec::new();
    for (path, item) in document()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            out.push((path.clone(), method.clone(), op));
        }
    }
    out
}

fn deref(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => document()
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r}")),
        None => value,
    }
}

#[test]
fn every_example_of_the_document_passes_the_drift_hook() {
    let mut checked = 0;
    for (path, method, op) in operations() {
        for (status, response) in op["responses"].as_object().unwrap() {
            let response = deref(response);
            let content = response["content"].as_object().cloned().unwrap_or_default();
            if content.is_empty() {
                continue;
            }
            for (media, body) in content {
                let mut values: Vec<Value> = body["examples"]
                    .as_object()
                    .map(|e| e.values().map(|x| deref(x)["value"].clone()).collect())
                    .unwrap_or_default();
                values.extend(body.get("example").cloned());
                assert!(
                    !values.is_empty(),
                    "{method} {path} {status} {media}: no example"
                );
                for value in values {
                    let bytes = value.to_string().into_bytes();
                    let status: u16 = status.parse().unwrap();
                    let a = answer(&method, &path, status, &media, &bytes);
                    verify(&a).unwrap_or_else(|e| panic!("{method} {path} {status}: {e}"));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 60, "{checked} examples");
}

#[test]
fn every_operation_has_an_operation_id_and_its_codes_are_the_union_of_its_statuses() {
    let schemas = &document()["components"]["schemas"];
    let mut ids = Vec::new();
    for (path, method, op) in operations() {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}"));
        ids.push(id.to_owned());
        let mut union: Vec<Value> = Vec::new();
        let mut family = None;
        for response in op["responses"].as_object().unwrap().values() {
            let schema = &deref(response)["content"]["application/problem+json"]["schema"];
            let Some(parts) = schema["allOf"].as_array() else {
                continue;
            };
            family = parts[0]["$ref"].as_str().map(str::to_owned);
            for code in parts[1]["properties"]["code"]["enum"].as_array().unwrap() {
                if !union.contains(code) {
                    union.push(code.clone());
                }
            }
        }
        let family = family.unwrap_or_else(|| panic!("{method} {path}: no problem"));
        let name = family
            .rsplit('/')
            .next()
            .unwrap()
            .replace("Problem", "ErrorCode");
        let mut listed = schemas[&name]["enum"].as_array().unwrap().clone();
        let key = |v: &Value| v.as_str().unwrap().to_owned();
        listed.sort_by_key(key);
        union.sort_by_key(key);
        assert_eq!(listed, union, "{name} for {method} {path}");
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), operations().len(), "operationIds are unique");
}

#[test]
fn an_undocumented_status_method_or_path_is_drift() {
    let body = problem(418, "teapot");
    let a = answer("POST", ONBOARD, 418, "application/problem+json", &body);
    assert!(verify(&a).unwrap_err().contains("418 is not documented"));
    let a = answer("DELETE", BALANCE, 200, "application/json", b"{}");
    assert!(verify(&a).unwrap_err().contains("no delete operation"));
    let a = answer("GET", "/api/v1/sell/orders", 200, "application/json", b"{}");
    assert!(verify(&a).unwrap_err().contains("no path"));
    // Another method's 405 is the path's documented 405; a preflight is API Gateway's.
    let body = problem(405, "method_not_allowed");
    let mut doc: Value = serde_json::from_slice(&body).unwrap();
    doc["category"] = json!("validation");
    let body = doc.to_string().into_bytes();
    assert_eq!(
        verify(&answer(
            "GET",
            ONBOARD,
            405,
            "application/problem+json",
            &body
        )),
        Ok(())
    );
    assert_eq!(verify(&answer("OPTIONS", ONBOARD, 204, "", b"")), Ok(()));
}

/// `verify` of a problem+json answer with `body` to `method path` at `status`.
fn verify_problem(method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), String> {
    verify(&answer(
        method,
        path,
        status,
        "application/problem+json",
        body,
    ))
}

#[test]
fn a_code_of_another_status_or_operation_is_drift() {
    let ok = problem(401, "token_expired");
    assert_eq!(verify_problem("GET", BALANCE, 401, &ok), Ok(()));
    // token_expired is a 401, not a 403; seller_id_unsupported is onboard's, not balance's.
    let wrong = problem(403, "token_expired");
    assert!(verify_problem("GET", BALANCE, 403, &wrong).is_err());
    let other = problem(403, "seller_id_unsupported");
    assert!(verify_problem("GET", BALANCE, 403, &other).is_err());
    assert_eq!(verify_problem("POST", ONBOARD, 403, &other), Ok(()));
    // The status in the document must be the HTTP status.
    let mismatch = problem(400, "token_expired");
    assert!(verify_problem("GET", BALANCE, 401, &mismatch).is_err());
}

#[test]
fn a_shape_header_or_content_type_the_document_does_not_have_is_drift() {
    let extra = br#"{"status":"not_started","available":[],"pending":[],"balance":0}"#;
    let err = verify(&answer("GET", BALANCE, 200, "application/json", extra)).unwrap_err();
    assert!(err.contains("does not match"), "{err}");
    let float = br#"{"status":"complete","available":[{"amount":12.5,"currency":"eur"}],"pending":[],"as_of":1,"stale":false}"#;
    assert!(verify(&answer("GET", BALANCE, 200, "application/json", float)).is_err());
    let no_stale = br#"{"status":"complete","available":[],"pending":[],"as_of":1}"#;
    assert!(verify(&answer("GET", BALANCE, 200, "application/json", no_stale)).is_err());
    let good = br#"{"status":"complete","available":[{"amount":12,"currency":"eur"}],"pending":[],"as_of":1,"stale":true}"#;
    assert_eq!(
        verify(&answer("GET", BALANCE, 200, "application/json", good)),
        Ok(())
    );
    let err = verify(&answer("GET", BALANCE, 200, "text/html", good)).unwrap_err();
    assert!(err.contains("text/html is not documented"), "{err}");
    // A 401 without its challenge.
    let body = problem(401, "token_missing");
    let mut a = answer("GET", BALANCE, 401, "application/problem+json", &body);
    a.headers.retain(|(n, _)| n != "www-authenticate");
    assert!(verify(&a).unwrap_err().contains("WWW-Authenticate"));
    // API Gateway's own answer is documented on every operation, its `message` only.
    let edge = br#"{"message":"Too Many Requests"}"#;
    assert_eq!(
        verify(&answer("POST", ONBOARD, 429, "application/json", edge)),
        Ok(())
    );
}

#[test]
fn the_callback_lands_only_on_documented_outcomes_and_codes() {
    let landing = |location: &str| {
        let a = Answer {
            method: "GET",
            path: CALLBACK,
            status: 302,
            headers: vec![("location".into(), location.into())],
            body: b"",
        };
        verify(&a)
    };
    let page = "http://localhost:5173/sell";
    assert_eq!(landing(&format!("{page}?onboarding=complete")), Ok(()));
    assert_eq!(
        landing(&format!("{page}?onboarding=error&code=state_used")),
        Ok(())
    );
    assert_eq!(
        landing("https://connect.stripe.com/setup/e/acct_1/x"),
        Ok(())
    );
    assert!(landing(&format!("{page}?onboarding=error&code=state_stolen")).is_err());
    assert!(landing(&format!("{page}?onboarding=finished")).is_err());
    assert!(landing(&format!("{page}?onboarding=error")).is_err());
    let no_location = Answer {
        method: "GET",
        path: CALLBACK,
        status: 302,
        headers: vec![],
        body: b"",
    };
    assert!(verify(&no_location).unwrap_err().contains("Location"));
}
