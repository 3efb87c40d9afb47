//! Query parameters, from wherever the request carries them.

use lambda_http::{Request, RequestExt};

/// The one value of `name`; absent, empty or repeated (ambiguous) → `None`.
/// API Gateway v2 events carry the parsed query; a request built from a bare URI (local tools)
/// only has it in the URI.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let values: Vec<String> = match req.query_string_parameters_ref() {
        Some(map) => map
            .all(name)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        None => url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect(),
    };
    match values.as_slice() {
        [one] if !one.is_empty() => Some(one.clone()),
        _ => None,
    }
}
