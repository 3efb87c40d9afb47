//! Typed reads over a lookup function; every error names the variable.

use crate::{ConfigError, Secret};
use std::fmt::Display;
use std::str::FromStr;
use url::Url;

/// A view of the environment through a lookup function.
pub(crate) struct Env<'a>(pub(crate) &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    /// The trimmed value, or `None` when unset or blank.
    pub(crate) fn optional(&self, var: &'static str) -> Option<String> {
        (self.0)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn required(&self, var: &'static str) -> Result<String, ConfigError> {
        self.optional(var).ok_or(ConfigError::Missing { var })
    }

    /// A secret that is neither a placeholder nor a well-known weak value ([`weak_secret`]).
    pub(crate) fn secret(&self, var: &'static str) -> Result<Secret, ConfigError> {
        let value = self.required(var)?;
        refuse_weak(var, "", &value)?;
        Ok(Secret::new(value))
    }

    /// A secret of at least `min` bytes (the reason never includes the value).
    pub(crate) fn strong_secret(
        &self,
        var: &'static str,
        min: usize,
    ) -> Result<Secret, ConfigError> {
        let secret = self.secret(var)?;
        if secret.expose().len() < min {
            return Err(ConfigError::invalid(
                var,
                format!("must be at least {min} bytes long"),
            ));
        }
        Ok(secret)
    }

    /// A number in `range`, `default` when unset.
    pub(crate) fn number<T>(
        &self,
        var: &'static str,
        default: Option<T>,
        range: std::ops::RangeInclusive<T>,
    ) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        let value = match (self.optional(var), default) {
            (None, Some(d)) => return Ok(d),
            (None, None) => return Err(ConfigError::Missing { var }),
            (Some(raw), _) => raw.parse::<T>().map_err(|_| {
                ConfigError::invalid(var, format!("expected a whole number, got {raw:?}"))
            })?,
        };
        if !range.contains(&value) {
            return Err(ConfigError::invalid(
                var,
                format!(
                    "must be between {} and {}, got {value}",
                    range.start(),
                    range.end()
                ),
            ));
        }
        Ok(value)
    }

    pub(crate) fn boolean(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self
            .optional(var)
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => Err(ConfigError::invalid(
                var,
                format!("expected true or false, got {other:?}"),
            )),
        }
    }

    /// An absolute http(s) URL without credentials, query or fragment; `default` when unset.
    pub(crate) fn http_url(
        &self,
        var: &'static str,
        default: Option<&str>,
    ) -> Result<Url, ConfigError> {
        let raw = match (self.optional(var), default) {
            (Some(v), _) => v,
            (None, Some(d)) => d.to_owned(),
            (None, None) => return Err(ConfigError::Missing { var }),
        };
        let url = Url::parse(&raw)
            .map_err(|e| ConfigError::invalid(var, format!("not an absolute URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(ConfigError::invalid(
                var,
                "must be an http:// or https:// URL",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::invalid(var, "must not contain credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError::invalid(
                var,
                "must not have a query or fragment",
            ));
        }
        Ok(url)
    }

    /// Like [`Env::http_url`] but plain http is only allowed for a loopback host
    /// (browsers and Stripe redirects must use https in any real deployment).
    pub(crate) fn public_url(&self, var: &'static str) -> Result<Url, ConfigError> {
        let url = self.http_url(var, None)?;
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
        if url.scheme() == "http" && !loopback {
            return Err(ConfigError::invalid(
                var,
                "must use https (http is allowed only for localhost or 127.0.0.1)",
            ));
        }
        Ok(url)
    }
}

/// Marks of a value someone was meant to replace (`.env.example`'s `sk_test_replace_me`,
/// `whsec_replace_me`, `replace-with-at-least-32-random-bytes-of-secret`, and the usual others).
const PLACEHOLDER_MARKS: [&str; 10] = [
    "replace_me",
    "replace-me",
    "replaceme",
    "replace_with",
    "replace-with",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_secret",
];

/// Well-known weak values, compared lower-cased without `-`, `_`, `.` and spaces.
const WEAK_VALUES: [&str; 30] = [
    "secret",
    "secrets",
    "password",
    "passw0rd",
    "pass",
    "changeme",
    "changeit",
    "default",
    "example",
    "test",
    "testing",
    "admin",
    "root",
    "token",
    "key",
    "mysecret",
    "supersecret",
    "topsecret",
    "secretkey",
    "jwtsecret",
    "qwerty",
    "letmein",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "abc123",
    "foobar",
    "dummy",
    "null",
];

/// Why `value` (a secret, without a fixed prefix such as `sk_test_` or `whsec_`) is not a real
/// secret: a placeholder, a well-known weak value, or one character or a short pattern repeated.
/// `None` when it is none of these. The reason never contains the value.
pub(crate) fn weak_secret(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_MARKS.iter().any(|m| lower.contains(m)) {
        return Some("is a placeholder (such as the .env.example value), not a real secret");
    }
    let bare: String = lower
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .collect();
    if WEAK_VALUES.contains(&bare.as_str()) {
        return Some("is a well-known weak value, not a random secret");
    }
    let chars: Vec<char> = value.chars().collect();
    let repeated = (1..=4).any(|unit| {
        chars.len() >= 2 * unit && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit])
    });
    if repeated {
        return Some("is one character or a short pattern repeated, not a random secret");
    }
    None
}

/// [`weak_secret`] as a configuration error naming `var` (`which` says which part, e.g.
/// `value #2 `, for lists).
pub(crate) fn refuse_weak(var: &'static str, which: &str, value: &str) -> Result<(), ConfigError> {
    match weak_secret(value) {
        Some(reason) => Err(ConfigError::invalid(var, format!("{which}{reason}"))),
        None => Ok(()),
    }
}

/// The URL as text without a trailing slash, so callers can append `/path`.
pub(crate) fn trim_slash(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_weak_values_and_repetitions_are_weak() {
        for value in [
            "replace_me",
            "replace-with-at-least-32-random-bytes-of-secret",
            "REPLACE_ME_with_the_key",
            "changeme",
            "please-change-me-0123456789abcdef0123",
            "secret",
            "Secret",
            "password",
            "super-secret",
            "my_secret",
            "123456",
            "aa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "0000000000000000000000000000000000000000",
            "abababababababababababababababab",
            "abcdabcdabcdabcdabcdabcdabcdabcdabcd",
        ] {
            assert!(weak_secret(value).is_some(), "{value}");
        }
    }

    #[test]
    fn random_and_test_secrets_are_not_weak() {
        for value in [
            "4eC39HqLyjWDarjtT1zdp7dc",
            "q8Zk2Vt0pLr5Wm9xNc3Hs7Jb1Gd6Fy4A",
            "test-jwt-secret-0123456789abcdef0123",
            "SENTINEL-jwt-secret-0123456789abcdef",
            "stripe_local",
            "new",
            "a",
            "abcde",
        ] {
            assert_eq!(weak_secret(value), None, "{value}");
        }
    }

    #[test]
    fn the_reason_names_the_variable_never_the_value() {
        let err = refuse_weak("JWT_SECRET", "", "replace-with-SENTINEL").unwrap_err();
        assert_eq!(err.var(), "JWT_SECRET");
        assert!(!format!("{err} {err:?}").contains("SENTINEL"), "{err}");
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::HashMap;

    /// A lookup over fixed pairs.
    pub(crate) fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// `base` with `var` replaced by `value` (or removed when `None`).
    pub(crate) fn with<'a>(
        base: &[(&'a str, &'a str)],
        var: &'a str,
        value: Option<&'a str>,
    ) -> Vec<(&'a str, &'a str)> {
        let mut v: Vec<_> = base.iter().copied().filter(|(k, _)| *k != var).collect();
        if let Some(value) = value {
            v.push((var, value));
        }
        v
    }
}
