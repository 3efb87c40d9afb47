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

    pub(crate) fn secret(&self, var: &'static str) -> Result<Secret, ConfigError> {
        self.required(var).map(Secret::new)
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

/// The URL as text without a trailing slash, so callers can append `/path`.
pub(crate) fn trim_slash(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
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
