//! The API contract (`docs/openapi.yaml`) checked against real answers: the drift hook.
//!
//! Every answer a test receives from a function (its handler called directly through [`call`],
//! served over loopback by [`crate::apigw::serve`], or over HTTP from the `make dev` stack in the
//! E2E test through [`check`]) is validated against the operation's response for its status:
//! an undocumented path, method or status, a content type the response does not list, a body
//! its JSON Schema refuses (every object is closed: `additionalProperties: false`), a missing
//! required header, or a callback landing on an outcome or error code the document does not
//! list, panics with what drifted. The test that produced the answer fails at that line.
//!
//! Not operations of the document, so not checked: CORS preflights (`OPTIONS`; API Gateway
//! answers them itself from the template's CorsConfiguration) and paths outside `/api/`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use interceptors::{Body, Request, Response};
use serde_json::{Value, json};

/// `docs/openapi.yaml`, relative to this crate.
const DOCUMENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.yaml");

/// The parsed document (once per test process).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(DOCUMENT).unwrap_or_else(|e| panic!("{DOCUMENT}: {e}"));
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{DOCUMENT}: {e}"))
    })
}

/// One answer as the contract sees it.
#[derive(Clone, Debug)]
pub struct Answer<'a> {
    pub method: &'a str,
    /// The request path (a query string, if any, is ignored).
    pub path: &'a str,
    pub status: u16,
    /// Response headers, names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl Answer<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Calls `handler` with `req` and checks its answer against the contract (see the module).
pub async fn call<F, Fut>(req: Request, handler: F) -> Response<Body>
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response<Body>>,
{
    let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
    let response = handler(req).await;
    check_response(&method, &path, &response);
    response
}

/// Checks a handler's answer to `method path` against the contract (see the module).
#[track_caller]
pub fn check_response(method: &str, path: &str, response: &Response<Body>) {
    check(&answer_of(method, path, response));
}

/// Same as [`check_response`] where a panic would not fail the test (a server task): prints the
/// drift and aborts the test process.
pub fn check_or_abort(method: &str, path: &str, response: &Response<Body>) {
    let answer = answer_of(method, path, response);
    if let Err(drift) = verify(&answer) {
        eprintln!("{}", describe(&answer, &drift));
        std::process::abort();
    }
}

fn answer_of<'a>(method: &'a str, path: &'a str, response: &'a Response<Body>) -> Answer<'a> {
    let body: &[u8] = match response.body() {
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    };
    Answer {
        method,
        path,
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), value)
            })
            .collect(),
        body,
    }
}

/// Checks one answer against the contract; panics with what drifted.
#[track_caller]
pub fn check(answer: &Answer<'_>) {
    if let Err(drift) = verify(answer) {
        panic!("{}", describe(answer, &drift));
    }
}

fn describe(answer: &Answer<'_>, drift: &str) -> String {
    format!(
        "contract drift (docs/openapi.yaml): {} {} answered {}: {drift}\nbody: {}",
        answer.method,
        answer.path,
        answer.status,
        String::from_utf8_lossy(answer.body)
    )
}

/// Whether `answer` is what the contract documents; `Err` says what is not.
pub fn verify(answer: &Answer<'_>) -> Result<(), String> {
    let method = answer.method.to_ascii_lowercase();
    let path = answer.path.split('?').next().unwrap_or_default();
    if method == "options" || !path.starts_with("/api/") {
        return Ok(());
    }
    let doc = document();
    let item = doc["paths"]
        .get(path)
        .ok_or_else(|| format!("no path {path}"))?;
    let status = answer.status.to_string();
    // Another method on a documented path: the function's 405 (documented on the path's
    // operation, since no client should call it).
    let (operation, pointer) = match item.get(&method) {
        Some(op) => (op, format!("/paths/{}/{method}", escape(path))),
        None if answer.status == 405 => {
            let (m, op) = item
                .as_object()
                .and_then(|ops| ops.iter().next())
                .ok_or_else(|| format!("no operation on {path}"))?;
            (op, format!("/paths/{}/{m}", escape(path)))
        }
        None => return Err(format!("no {method} operation on {path}")),
    };
    let (response, pointer) = resolve(
        doc,
        operation["responses"]
            .get(&status)
            .ok_or_else(|| format!("status {status} is not documented for this operation"))?,
        format!("{pointer}/responses/{status}"),
    );
    for (name, header) in response["headers"].as_object().into_iter().flatten() {
        if header["required"] == true && answer.header(name).is_none() {
            return Err(format!("the required header {name} is missing"));
        }
    }
    let content = response["content"].as_object();
    let media = answer
        .header("content-type")
        .map(|c| c.split(';').next().unwrap_or_default().trim().to_owned());
    match (content.filter(|c| !c.is_empty()), media) {
        (None, _) if answer.body.is_empty() => {}
        (None, _) => return Err("a body where the document has none".into()),
        (Some(_), None) => return Err("no Content-Type where the document has a body".into()),
        (Some(content), Some(media)) => {
            if !content.contains_key(&media) {
                return Err(format!(
                    "content type {media} is not documented (only {:?})",
                    content.keys().collect::<Vec<_>>()
                ));
            }
            let body: Value = serde_json::from_slice(answer.body)
                .map_err(|e| format!("the {media} body is not JSON: {e}"))?;
            let schema = format!("{pointer}/content/{}/schema", escape(&media));
            validate(&schema, &body)?;
        }
    }
    if answer.status == 302 {
        landing(answer.header("location").unwrap_or_default())?;
    }
    Ok(())
}

/// A callback's landing on the seller page (`?onboarding=...`): the outcome and error code must
/// be ones the document lists (`LandingOutcome`, `LandingErrorCode`): the page explains only
/// those.
fn landing(location: &str) -> Result<(), String> {
    let url = url::Url::parse(location).map_err(|e| format!("Location {location}: {e}"))?;
    let query: HashMap<_, _> = url.query_pairs().collect();
    let Some(outcome) = query.get("onboarding") else {
        return Ok(());
    };
    let schemas = &document()["components"]["schemas"];
    let listed = |schema: &str, value: &str| {
        schemas[schema]["enum"]
            .as_array()
            .is_some_and(|e| e.iter().any(|v| v == value))
    };
    if !listed("LandingOutcome", outcome) {
        return Err(format!("landing outcome {outcome} is not a LandingOutcome"));
    }
    match (outcome.as_ref(), query.get("code")) {
        ("error", Some(code)) if listed("LandingErrorCode", code) => Ok(()),
        ("error", code) => Err(format!(
            "landing error code {code:?} is not a LandingErrorCode"
        )),
        (_, None) => Ok(()),
        (_, Some(code)) => Err(format!("a code ({code}) on a landing that is not an error")),
    }
}

/// Follows a `$ref` to a reusable response; returns it with its JSON pointer.
fn resolve<'a>(doc: &'a Value, value: &'a Value, pointer: String) -> (&'a Value, String) {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = reference.trim_start_matches('#').to_owned();
            (doc.pointer(&target).unwrap_or(&Value::Null), target)
        }
        None => (value, pointer),
    }
}

/// JSON pointer escaping of one path segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Validates `instance` against the schema at `pointer` in the document (compiled once).
fn validate(pointer: &str, instance: &Value) -> Result<(), String> {
    type Cache = Mutex<HashMap<String, Arc<jsonschema::Validator>>>;
    static VALIDATORS: OnceLock<Cache> = OnceLock::new();
    let cache = VALIDATORS.get_or_init(Cache::default);
    let existing = cache.lock().expect("validators").get(pointer).cloned();
    let validator = match existing {
        Some(v) => v,
        None => {
            let compiled = Arc::new(compile(pointer)?);
            cache
                .lock()
                .expect("validators")
                .insert(pointer.to_owned(), compiled.clone());
            compiled
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the body does not match {pointer}: {}",
            errors.join("; ")
        ))
    }
}

/// The document as one JSON Schema 2020-12 resource (OpenAPI 3.1's dialect) whose root is a
/// reference to `pointer`, so `#/components/schemas/...` references resolve in place.
fn compile(pointer: &str) -> Result<jsonschema::Validator, String> {
    let mut root = document().clone();
    if root.pointer(pointer).is_none() {
        return Err(format!("no schema at {pointer}"));
    }
    root["$ref"] = json!(format!("#{pointer}"));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("the schema at {pointer} does not compile: {e}"))
}
