//! What Stripe's list endpoints share: `limit`, the `created` filter, the cursors
//! (`starting_after`, `ending_before`) and the list object, so every list endpoint validates and
//! pages the same way.
//!
//! Cursors are positions, as on Stripe: a cursor must be an object the caller can see, but it need
//! not match the other filters (a client may page with the last id of an unfiltered page). An
//! unknown cursor is a 400 `resource_missing` naming the cursor parameter (Stripe answers 400,
//! not 404, because the URL itself exists).

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// Stripe's default page size.
pub const DEFAULT_LIMIT: usize = 10;
/// Stripe's largest page.
pub const MAX_LIMIT: i64 = 100;

/// `limit`: 1..=100, default 10, with Stripe's messages for out-of-range values.
pub fn limit(p: &Params) -> ApiResult<usize> {
    let Some(raw) = p.str("limit")? else {
        return Ok(DEFAULT_LIMIT);
    };
    let n: i64 = raw
        .parse()
        .map_err(|_| ApiError::invalid_param("limit", format!("Invalid integer: {raw}")))?;
    let out_of_range = |message: &str| {
        let mut e = ApiError::invalid_param("limit", message);
        e.code = Some("parameter_invalid_integer");
        e
    };
    if n < 1 {
        return Err(out_of_range(
            "This value must be greater than or equal to 1.",
        ));
    }
    if n > MAX_LIMIT {
        return Err(out_of_range(
            "This value must be less than or equal to 100.",
        ));
    }
    Ok(n as usize)
}

/// The `created` filter: `created=<ts>` (exactly) or any of `created[gt|gte|lt|lte]=<ts>`.
/// Parsed once per request, so a malformed filter is refused even when nothing would match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Created {
    gt: Option<i64>,
    gte: Option<i64>,
    lt: Option<i64>,
    lte: Option<i64>,
}

impl Created {
    pub fn parse(p: &Params) -> ApiResult<Self> {
        let parse = |v: &Value, name: &str| {
            v.as_str()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| ApiError::invalid_param(name, "Invalid integer"))
        };
        let mut c = Created::default();
        match p.get("created") {
            None => {}
            Some(v @ Value::String(_)) => {
                let at = parse(v, "created")?;
                (c.gte, c.lte) = (Some(at), Some(at));
            }
            Some(Value::Object(ops)) => {
                for (op, v) in ops {
                    let name = format!("created[{op}]");
                    let slot = match op.as_str() {
                        "gt" => &mut c.gt,
                        "gte" => &mut c.gte,
                        "lt" => &mut c.lt,
                        "lte" => &mut c.lte,
                        _ => return Err(ApiError::unknown_param(&name)),
                    };
                    *slot = Some(parse(v, &name)?);
                }
            }
            Some(_) => return Err(ApiError::invalid_param("created", "Invalid created filter")),
        }
        Ok(c)
    }

    pub fn matches(&self, t: i64) -> bool {
        self.gt.is_none_or(|b| t > b)
            && self.gte.is_none_or(|b| t >= b)
            && self.lt.is_none_or(|b| t < b)
            && self.lte.is_none_or(|b| t <= b)
    }
}

/// One page of `items` (everything the caller may see, newest first) that pass `keep`, after the
/// request's cursor; the page and `has_more` (more in the direction of travel).
pub fn page<'a, T>(
    p: &Params,
    what: &str,
    items: &[&'a T],
    id: impl Fn(&T) -> &str,
    keep: impl Fn(&T) -> bool,
) -> ApiResult<(Vec<&'a T>, bool)> {
    let limit = limit(p)?;
    let position = |cursor: &str, param: &str| {
        items
            .iter()
            .position(|t| id(t) == cursor)
            .ok_or_else(|| unknown_cursor(what, cursor, param))
    };
    let kept = |slice: &[&'a T]| {
        slice
            .iter()
            .copied()
            .filter(|t| keep(t))
            .collect::<Vec<_>>()
    };
    match (p.str("starting_after")?, p.str("ending_before")?) {
        (Some(_), Some(_)) => Err(ApiError::invalid_param(
            "starting_after",
            "You may only specify one of these parameters: ending_before, starting_after.",
        )),
        (Some(after), None) => {
            let start = position(&after, "starting_after")? + 1;
            Ok(first(kept(&items[start..]), limit))
        }
        (None, Some(before)) => {
            // The `limit` items just newer than the cursor, still listed newest first.
            let newer = kept(&items[..position(&before, "ending_before")?]);
            let skip = newer.len().saturating_sub(limit);
            Ok((newer[skip..].to_vec(), skip > 0))
        }
        (None, None) => Ok(first(kept(items), limit)),
    }
}

fn first<T>(mut all: Vec<T>, limit: usize) -> (Vec<T>, bool) {
    let more = all.len() > limit;
    all.truncate(limit);
    (all, more)
}

fn unknown_cursor(what: &str, id: &str, param: &str) -> ApiError {
    let mut e = ApiError::missing(what, id, param);
    e.status = StatusCode::BAD_REQUEST;
    e
}

/// Stripe's list object.
pub fn list_object(url: &str, data: Vec<Value>, has_more: bool) -> Value {
    json!({ "object": "list", "url": url, "has_more": has_more, "data": data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::decode;

    fn p(s: &str) -> Params {
        Params::from_value(decode(s.as_bytes()).unwrap())
    }

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(limit(&p("")).unwrap(), 10);
        assert_eq!(limit(&p("limit=100")).unwrap(), 100);
        for bad in ["limit=0", "limit=-3", "limit=101", "limit=x"] {
            let e = limit(&p(bad)).unwrap_err();
            assert_eq!(
                (e.status, e.param.as_deref()),
                (StatusCode::BAD_REQUEST, Some("limit"))
            );
        }
    }

    #[test]
    fn created_exact_and_bounds() {
        let exact = Created::parse(&p("created=5")).unwrap();
        assert!(exact.matches(5) && !exact.matches(4) && !exact.matches(6));
        let range = Created::parse(&p("created[gt]=1&created[lte]=3")).unwrap();
        assert_eq!(
            (1..=4).map(|t| range.matches(t)).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        assert!(Created::parse(&p("")).unwrap().matches(i64::MIN));
        let e = Created::parse(&p("created[gtee]=1")).unwrap_err();
        assert_eq!(e.code, Some("parameter_unknown"));
        let e = Created::parse(&p("created[gt]=x")).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("created[gt]"));
    }

    fn ids(page: (Vec<&&'static str>, bool)) -> (Vec<&'static str>, bool) {
        (page.0.into_iter().copied().collect(), page.1)
    }

    #[test]
    fn cursors_are_positions_and_unknown_ones_are_400() {
        const ALL: [&str; 5] = ["e5", "e4", "e3", "e2", "e1"];
        let items: Vec<&&'static str> = ALL.iter().collect();
        let odd = |s: &&str| s.ends_with(['1', '3', '5']);
        let get = |q: &str| page(&p(q), "event", &items, |s| s, odd);
        assert_eq!(ids(get("limit=2").unwrap()), (vec!["e5", "e3"], true));
        // The cursor need not pass the filter.
        assert_eq!(
            ids(get("limit=2&starting_after=e4").unwrap()),
            (vec!["e3", "e1"], false)
        );
        assert_eq!(
            ids(get("limit=1&ending_before=e1").unwrap()),
            (vec!["e3"], true)
        );
        let e = get("starting_after=e9").unwrap_err();
        assert_eq!(
            (e.status, e.code, e.param.as_deref()),
            (
                StatusCode::BAD_REQUEST,
                Some("resource_missing"),
                Some("starting_after")
            )
        );
        let both = get("starting_after=e4&ending_before=e2").unwrap_err();
        assert_eq!(both.status, StatusCode::BAD_REQUEST);
    }
}
