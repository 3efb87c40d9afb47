//! Body checks: size (413), JSON content type (415), JSON parsing (400 with the failing field).

use crate::error::{ApiError, Category};
use http::StatusCode;
use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;

/// The body's bytes; lambda_http has already decoded a base64 body into `Body::Binary`.
pub fn body_bytes(req: &Request) -> &[u8] {
    match req.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        // `Body` is non-exhaustive; a variant we do not know carries nothing we can read.
        _ => &[],
    }
}

/// 413 `payload_too_large` when the body exceeds `max_bytes`.
pub fn check_body_size(req: &Request, max_bytes: usize) -> Result<(), ApiError> {
    if body_bytes(req).len() > max_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Category::Validation,
            format!("The request body exceeds {max_bytes} bytes."),
        ));
    }
    Ok(())
}

/// 415 `unsupported_media_type` unless `Content-Type` is `application/json` (optionally `; charset=utf-8`).
pub fn require_json(req: &Request) -> Result<(), ApiError> {
    let unsupported = || {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Category::Validation,
            "Send the body as Content-Type: application/json.",
        )
    };
    let value = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unsupported)?;
    let mut parts = value.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"))
    {
        return Err(unsupported());
    }
    for param in parts.filter(|p| !p.is_empty()) {
        let (name, val) = param.split_once('=').ok_or_else(unsupported)?;
        let val = val.trim().trim_matches('"');
        if !name.trim().eq_ignore_ascii_case("charset") || !val.eq_ignore_ascii_case("utf-8") {
            return Err(unsupported());
        }
    }
    Ok(())
}

/// Parses a required JSON body: 400 `body_required` when empty, 415 on a non-JSON content type,
/// 400 `invalid_json` (with `param` = the path of the failing field) when it does not parse.
pub fn parse_json<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let bytes = body_bytes(req);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::validation(
            "body_required",
            "A JSON request body is required.",
        ));
    }
    require_json(req)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let error = json_error(err.inner());
        match field_path(&err.path().to_string(), &err.inner().to_string()) {
            Some(path) => error.with_param(path),
            None => error,
        }
    })?;
    de.end().map_err(|e| json_error(&e))?; // trailing garbage after the document
    Ok(value)
}

fn json_error(err: &serde_json::Error) -> ApiError {
    let detail = match err.classify() {
        serde_json::error::Category::Data => {
            format!("Invalid value: {}", strip_position(&err.to_string()))
        }
        _ => format!(
            "The body is not valid JSON (line {}, column {}).",
            err.line(),
            err.column()
        ),
    };
    ApiError::validation("invalid_json", truncate(detail))
}

/// The failing field's path (`items[0].amount`), or `None` for the document as a whole.
fn field_path(path: &str, message: &str) -> Option<String> {
    // "." is the root and "?" a position serde could not name (e.g. cut-off input).
    let known = path.split(".?").next().unwrap_or_default();
    let known = if known == "." || known == "?" {
        ""
    } else {
        known
    };
    // serde reports a missing field at its parent: point at the field itself.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next());
    match (known, missing) {
        ("", None) => None,
        ("", Some(field)) => Some(field.to_owned()),
        (parent, Some(field)) => Some(format!("{parent}.{field}")),
        (path, None) => Some(path.to_owned()),
    }
}

/// serde_json appends " at line L column C": redundant once `param` names the field.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

/// Bounds the echo of client input in the detail.
fn truncate(mut detail: String) -> String {
    const MAX: usize = 200;
    if detail.len() > MAX {
        let mut cut = MAX;
        while !detail.is_char_boundary(cut) {
            cut -= 1;
        }
        detail.truncate(cut);
        detail.push('…');
    }
    detail
}
