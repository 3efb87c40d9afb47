//! Claims → [`Principal`].

use super::Principal;
use serde_json::{Map, Value};

/// The principal from verified claims; `None` if `sub` is not a non-empty string.
pub(super) fn principal(claims: &Map<String, Value>, role_claim: &str) -> Option<Principal> {
    let user_id = claims.get("sub")?.as_str()?.trim();
    if user_id.is_empty() {
        return None;
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    Some(Principal {
        user_id: user_id.to_owned(),
        email: text("email"),
        country: text("country"),
        roles: roles(claim(claims, role_claim)),
    })
}

/// The claim named `name`, or (when absent and dotted, e.g. `realm_access.roles`) the nested one.
fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(name) {
        return Some(v);
    }
    let mut parts = name.split('.');
    let mut current = claims.get(parts.next()?)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// A string is a space-separated role list (like OAuth `scope`); an array keeps its string items.
fn roles(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn roles_from_string_array_and_nested_claims() {
        let p = principal(&map(json!({"sub":"u1","roles":"seller buyer"})), "roles").unwrap();
        assert_eq!(p.roles, ["seller", "buyer"]);
        let p = principal(
            &map(json!({"sub":"u1","roles":["seller", 3, null]})),
            "roles",
        )
        .unwrap();
        assert_eq!(p.roles, ["seller"]);
        let p = principal(
            &map(json!({"sub":"u1","realm_access":{"roles":["seller"]}})),
            "realm_access.roles",
        )
        .unwrap();
        assert!(p.has_role("seller"));
        let p = principal(&map(json!({"sub":"u1","roles":{"seller":true}})), "roles").unwrap();
        assert!(p.roles.is_empty());
        assert!(
            principal(&map(json!({"sub":"u1"})), "a.b.c")
                .unwrap()
                .roles
                .is_empty()
        );
    }

    #[test]
    fn subject_must_be_a_non_empty_string() {
        for claims in [
            json!({}),
            json!({"sub": ""}),
            json!({"sub": "  "}),
            json!({"sub": 42}),
            json!({"sub": null}),
        ] {
            assert_eq!(principal(&map(claims), "roles"), None);
        }
        let p = principal(
            &map(json!({"sub":"u1","email":"a@b.c","country":"FR","roles":[]})),
            "roles",
        )
        .unwrap();
        assert_eq!(
            (p.email.as_deref(), p.country.as_deref()),
            (Some("a@b.c"), Some("FR"))
        );
        let p = principal(&map(json!({"sub":"u1","email":5})), "roles").unwrap();
        assert_eq!(p.email, None);
    }
}
