//! Configuration of the `stripe-local` binary from arguments and environment (args win), kept
//! in the library so it is unit-tested; `main.rs` only wires it up.

use crate::config::{Config, DEFAULT_API_KEY, DeliveryPolicy, WebhookTarget};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 12111;

pub const USAGE: &str = "usage: stripe-local [--port N] [--host IP] [--api-key sk_test_...]...
  [--forward-to URL] [--webhook-secret whsec_...]...
  [--forward-connect-to URL] [--connect-webhook-secret whsec_...]...
  [--max-attempts N] [--backoff-ms N] [--timeout-ms N]
env: STRIPE_LOCAL_PORT, STRIPE_LOCAL_HOST, STRIPE_LOCAL_API_KEYS (comma-separated),
  STRIPE_LOCAL_FORWARD_TO, STRIPE_LOCAL_WEBHOOK_SECRETS (comma-separated),
  STRIPE_LOCAL_FORWARD_CONNECT_TO, STRIPE_LOCAL_CONNECT_WEBHOOK_SECRETS,
  STRIPE_LOCAL_MAX_ATTEMPTS, STRIPE_LOCAL_BACKOFF_MS, STRIPE_LOCAL_TIMEOUT_MS";

fn split(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{name}: not a number: {v}"))
}

/// Builds the config from `args` (without the program name) and an env lookup.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, String> {
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err("help requested".into());
        }
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => (
                flag.clone(),
                it.next().ok_or_else(|| format!("{flag} needs a value"))?,
            ),
        };
        flags.push((name, value));
    }
    let all = |name: &str| -> Vec<String> {
        flags
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| split(v))
            .collect()
    };
    let one = |name: &str, var: &str| {
        flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| env(var))
    };
    let many = |name: &str, var: &str| {
        let v = all(name);
        if v.is_empty() {
            env(var).map(|e| split(&e)).unwrap_or_default()
        } else {
            v
        }
    };
    const KNOWN: &[&str] = &[
        "--port",
        "--host",
        "--api-key",
        "--forward-to",
        "--webhook-secret",
        "--forward-connect-to",
        "--connect-webhook-secret",
        "--max-attempts",
        "--backoff-ms",
        "--timeout-ms",
    ];
    if let Some((bad, _)) = flags.iter().find(|(n, _)| !KNOWN.contains(&n.as_str())) {
        return Err(format!("unknown argument {bad}"));
    }
    let port: u16 = one("--port", "STRIPE_LOCAL_PORT")
        .map(|v| num("port", &v))
        .transpose()?
        .unwrap_or(DEFAULT_PORT);
    let host: IpAddr = one("--host", "STRIPE_LOCAL_HOST")
        .map(|v| {
            v.parse()
                .map_err(|_| format!("host: not an IP address: {v}"))
        })
        .transpose()?
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let mut api_keys = many("--api-key", "STRIPE_LOCAL_API_KEYS");
    if api_keys.is_empty() {
        api_keys.push(DEFAULT_API_KEY.to_owned());
    }
    let target = |url: Option<String>,
                  secrets: Vec<String>,
                  what: &str|
     -> Result<Option<WebhookTarget>, String> {
        match url {
            None => Ok(None),
            Some(_) if secrets.is_empty() => {
                Err(format!("{what} needs at least one signing secret"))
            }
            Some(url) => Ok(Some(WebhookTarget { url, secrets })),
        }
    };
    let platform_webhook = target(
        one("--forward-to", "STRIPE_LOCAL_FORWARD_TO"),
        many("--webhook-secret", "STRIPE_LOCAL_WEBHOOK_SECRETS"),
        "--forward-to",
    )?;
    let connect_webhook = target(
        one("--forward-connect-to", "STRIPE_LOCAL_FORWARD_CONNECT_TO"),
        many(
            "--connect-webhook-secret",
            "STRIPE_LOCAL_CONNECT_WEBHOOK_SECRETS",
        ),
        "--forward-connect-to",
    )?;
    let d = DeliveryPolicy::default();
    let ms = |name: &str, var: &str, default: Duration| -> Result<Duration, String> {
        Ok(one(name, var)
            .map(|v| num::<u64>(name, &v))
            .transpose()?
            .map(Duration::from_millis)
            .unwrap_or(default))
    };
    let delivery = DeliveryPolicy {
        max_attempts: one("--max-attempts", "STRIPE_LOCAL_MAX_ATTEMPTS")
            .map(|v| num("max-attempts", &v))
            .transpose()?
            .unwrap_or(d.max_attempts),
        backoff: ms("--backoff-ms", "STRIPE_LOCAL_BACKOFF_MS", d.backoff)?,
        timeout: ms("--timeout-ms", "STRIPE_LOCAL_TIMEOUT_MS", d.timeout)?,
    };
    Ok(Config {
        addr: Some(SocketAddr::new(host, port)),
        api_keys,
        platform_webhook,
        connect_webhook,
        delivery,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn defaults() {
        let c = parse(args(""), |_| None).unwrap();
        assert_eq!(
            c.addr,
            Some(SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)))
        );
        assert_eq!(c.api_keys, vec![DEFAULT_API_KEY.to_owned()]);
        assert!(c.platform_webhook.is_none());
    }

    #[test]
    fn args_override_env() {
        let env = |k: &str| match k {
            "STRIPE_LOCAL_PORT" => Some("5000".to_owned()),
            "STRIPE_LOCAL_API_KEYS" => Some("sk_test_a, sk_test_b".to_owned()),
            "STRIPE_LOCAL_FORWARD_TO" => Some("http://127.0.0.1:9000/hook".to_owned()),
            "STRIPE_LOCAL_WEBHOOK_SECRETS" => Some("whsec_1,whsec_2".to_owned()),
            _ => None,
        };
        let c = parse(
            args("--port 6000 --forward-connect-to http://x/c --connect-webhook-secret=whsec_c --backoff-ms 5"),
            env,
        )
        .unwrap();
        assert_eq!(c.addr.unwrap().port(), 6000);
        assert_eq!(
            c.api_keys,
            vec!["sk_test_a".to_owned(), "sk_test_b".to_owned()]
        );
        let p = c.platform_webhook.unwrap();
        assert_eq!(p.secrets, vec!["whsec_1".to_owned(), "whsec_2".to_owned()]);
        assert_eq!(
            c.connect_webhook.unwrap().secrets,
            vec!["whsec_c".to_owned()]
        );
        assert_eq!(c.delivery.backoff, Duration::from_millis(5));
    }

    #[test]
    fn errors() {
        assert!(parse(args("--port"), |_| None).is_err());
        assert!(parse(args("--port abc"), |_| None).is_err());
        assert!(parse(args("--bogus 1"), |_| None).is_err());
        assert!(parse(args("--forward-to http://x"), |_| None).is_err());
    }
}
