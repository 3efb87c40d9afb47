//! Typed access to decoded form parameters, reporting errors with Stripe's `param` names.
//!
//! Everything on the wire is a string; these helpers parse integers, booleans, currencies and
//! metadata the way Stripe validates them, so clients get the same 400s they would from Stripe.

use crate::error::{ApiError, ApiResult};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Decoded parameters of one request (body for POST, query string for GET).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Map<String, Value>);

impl Params {
    pub fn from_value(v: Value) -> Self {
        match v {
            Value::Object(m) => Self(m),
            _ => Self::default(),
        }
    }

    /// Rejects top-level parameters the endpoint does not know, as Stripe does.
    pub fn allow(&self, allowed: &[&str]) -> ApiResult<()> {
        match self
            .0
            .keys()
            .find(|k| !allowed.contains(&k.as_str()) && k.as_str() != "expand")
        {
            Some(k) => Err(ApiError::unknown_param(k)),
            None => Ok(()),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A string parameter; `""` counts as absent (Stripe uses it to unset).
    pub fn str(&self, name: &str) -> ApiResult<Option<String>> {
        match self.0.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid_param(
                name,
                format!("Invalid string: {name} must be a string"),
            )),
        }
    }

    pub fn req_str(&self, name: &str) -> ApiResult<String> {
        self.str(name)?.ok_or_else(|| ApiError::missing_param(name))
    }

    /// A non-negative integer (amounts are integer minor units).
    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        let Some(s) = self.str(name)? else {
            return Ok(None);
        };
        match s.parse::<i64>() {
            Ok(n) if (0..=99_999_999_999).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid_param(
                name,
                format!("Invalid integer: {s}"),
            )),
        }
    }

    /// A strictly positive amount in minor units.
    pub fn amount(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.int(name)? {
            Some(0) => Err(ApiError::invalid_param(name, "Invalid positive integer")),
            other => Ok(other),
        }
    }

    /// A boolean at a nested path, e.g. `["capabilities", "transfers", "requested"]`.
    pub fn bool_at(&self, path: &[&str]) -> ApiResult<Option<bool>> {
        let name = bracket_name(path);
        let mut cur = match path.first().and_then(|p| self.0.get(*p)) {
            Some(v) => v,
            None => return Ok(None),
        };
        for seg in &path[1..] {
            match cur.get(*seg) {
                Some(v) => cur = v,
                None => return Ok(None),
            }
        }
        match cur.as_str() {
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            _ => Err(ApiError::invalid_param(
                &name,
                format!("Invalid boolean: {cur}"),
            )),
        }
    }

    /// A three-letter ISO currency, lowercased like Stripe stores it.
    pub fn currency(&self, name: &str) -> ApiResult<Option<String>> {
        let Some(s) = self.str(name)? else {
            return Ok(None);
        };
        let lower = s.to_ascii_lowercase();
        if lower.len() == 3 && lower.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Some(lower))
        } else {
            Err(ApiError::invalid_param(
                name,
                format!("Invalid currency: {s}"),
            ))
        }
    }

    /// `metadata[...]`, validated with Stripe's limits (50 keys, key 40 chars, value 500 chars).
    /// Empty values are dropped (on update Stripe uses them to delete a key).
    pub fn metadata(&self) -> ApiResult<BTreeMap<String, String>> {
        let Some(v) = self.0.get("metadata") else {
            return Ok(BTreeMap::new());
        };
        let map = match v {
            Value::Object(m) => m,
            Value::String(s) if s.is_empty() => return Ok(BTreeMap::new()),
            _ => return Err(ApiError::invalid_param("metadata", "Invalid object")),
        };
        validate_metadata(map)
    }

    /// An array parameter such as `expand[]`.
    pub fn list(&self, name: &str) -> ApiResult<Vec<String>> {
        match self.0.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| ApiError::invalid_param(name, "Invalid array"))
                })
                .collect(),
            Some(_) => Err(ApiError::invalid_param(name, "Invalid array")),
        }
    }
}

/// Validates a metadata object (from a form or from control-API JSON).
pub fn validate_metadata(map: &Map<String, Value>) -> ApiResult<BTreeMap<String, String>> {
    if map.len() > 50 {
        return Err(ApiError::invalid_param(
            "metadata",
            "You can specify up to 50 keys.",
        ));
    }
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let param = format!("metadata[{k}]");
        let Some(s) = v.as_str() else {
            return Err(ApiError::invalid_param(
                &param,
                "Metadata values must be strings.",
            ));
        };
        if k.chars().count() > 40 || k.is_empty() {
            return Err(ApiError::invalid_param(
                &param,
                "Metadata keys must be 1 to 40 characters.",
            ));
        }
        if s.chars().count() > 500 {
            return Err(ApiError::invalid_param(
                &param,
                "Metadata values can have up to 500 characters.",
            ));
        }
        if !s.is_empty() {
            out.insert(k.clone(), s.to_owned());
        }
    }
    Ok(out)
}

fn bracket_name(path: &[&str]) -> String {
    let mut name = path.first().map(|s| (*s).to_owned()).unwrap_or_default();
    for seg in &path[1..] {
        name.push('[');
        name.push_str(seg);
        name.push(']');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::decode;

    fn p(s: &str) -> Params {
        Params::from_value(decode(s.as_bytes()).unwrap())
    }

    #[test]
    fn typed_access() {
        let ps = p(
            "amount=1500&currency=EUR&capabilities[transfers][requested]=true&metadata[a]=1&metadata[b]=",
        );
        assert_eq!(ps.amount("amount").unwrap(), Some(1500));
        assert_eq!(ps.currency("currency").unwrap().as_deref(), Some("eur"));
        assert_eq!(
            ps.bool_at(&["capabilities", "transfers", "requested"])
                .unwrap(),
            Some(true)
        );
        assert_eq!(
            ps.bool_at(&["capabilities", "card_payments", "requested"])
                .unwrap(),
            None
        );
        assert_eq!(ps.metadata().unwrap().len(), 1);
    }

    #[test]
    fn bad_values_name_the_param() {
        assert_eq!(
            p("amount=-1")
                .amount("amount")
                .unwrap_err()
                .param
                .as_deref(),
            Some("amount")
        );
        assert_eq!(
            p("amount=0").amount("amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
        assert_eq!(
            p("amount=1.5").int("amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
        assert_eq!(
            p("currency=euro")
                .currency("currency")
                .unwrap_err()
                .param
                .as_deref(),
            Some("currency")
        );
        let e = p("capabilities[transfers][requested]=yes").bool_at(&[
            "capabilities",
            "transfers",
            "requested",
        ]);
        assert_eq!(
            e.unwrap_err().param.as_deref(),
            Some("capabilities[transfers][requested]")
        );
        assert_eq!(
            p("metadata[x][y]=1")
                .metadata()
                .unwrap_err()
                .param
                .as_deref(),
            Some("metadata[x]")
        );
        assert_eq!(
            p("amount[x]=1").str("amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
    }

    #[test]
    fn unknown_params_rejected() {
        let e = p("amount=1&amonut=2").allow(&["amount"]).unwrap_err();
        assert_eq!(e.code, Some("parameter_unknown"));
        assert_eq!(e.param.as_deref(), Some("amonut"));
        assert!(p("amount=1&expand[]=x").allow(&["amount"]).is_ok());
    }
}
