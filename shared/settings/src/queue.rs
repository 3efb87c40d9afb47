use crate::ConfigError;
use crate::env::{Env, trim_slash};

/// The transfer queue: a section of its own so that only the functions that use it (the webhook
/// sends to it, the transfer function hides its failed messages there) read it, and only they
/// link the SQS client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSettings {
    /// `TRANSFER_QUEUE_URL`: the SQS queue the webhook sends payments to, as jobs for the
    /// transfer function. Unset: the webhook pays them out inline, inside the delivery, and the
    /// transfer function's failed messages wait the queue's visibility timeout.
    pub transfer_queue_url: Option<String>,
    /// `SQS_ENDPOINT`: an SQS-compatible endpoint (moto, LocalStack) for local runs.
    pub sqs_endpoint: Option<String>,
}

impl QueueSettings {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::env_lookup)
    }

    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let url = |var: &'static str| match env.optional(var) {
            Some(_) => env.http_url(var, None).map(|u| Some(trim_slash(&u))),
            None => Ok(None),
        };
        Ok(Self {
            transfer_queue_url: url("TRANSFER_QUEUE_URL")?,
            sqs_endpoint: url("SQS_ENDPOINT")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::test_support::lookup;

    #[test]
    fn unset_is_inline() {
        let q = QueueSettings::from_lookup(lookup(&[])).unwrap();
        assert_eq!(q.transfer_queue_url, None);
        assert_eq!(q.sqs_endpoint, None);
    }

    #[test]
    fn loads_the_queue_and_endpoint() {
        let q = QueueSettings::from_lookup(lookup(&[
            (
                "TRANSFER_QUEUE_URL",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/veza-transfers",
            ),
            ("SQS_ENDPOINT", "http://127.0.0.1:5000/"),
        ]))
        .unwrap();
        assert_eq!(
            q.transfer_queue_url.as_deref(),
            Some("https://sqs.eu-west-1.amazonaws.com/123456789012/veza-transfers")
        );
        assert_eq!(q.sqs_endpoint.as_deref(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn a_queue_url_must_be_a_url() {
        let err = QueueSettings::from_lookup(lookup(&[("TRANSFER_QUEUE_URL", "veza-transfers")]))
            .unwrap_err();
        assert_eq!(err.var(), "TRANSFER_QUEUE_URL");
    }
}
