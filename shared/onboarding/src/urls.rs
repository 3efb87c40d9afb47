//! Every URL the onboarding flow sends a browser to. None of them takes a destination from the
//! request: the callback URLs come from `PUBLIC_API_URL`, the return page from `FRONTEND_URL`,
//! the onboarding page from Stripe's answer. That is what rules out an open redirect.

use payouts::OnboardingStatus;
use url::Url;

/// The callback route (the API Gateway route of the `callback` function).
pub const CALLBACK_PATH: &str = "/api/v1/sell/connect/callback";

/// Which Stripe return the callback is handling (`mode` query parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackMode {
    /// The link expired or was revisited: mint a new one.
    Refresh,
    /// The seller left Stripe's flow (finished or not): re-fetch the account.
    Return,
}

impl CallbackMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackMode::Refresh => "refresh",
            CallbackMode::Return => "return",
        }
    }

    pub fn parse(raw: &str) -> Option<CallbackMode> {
        match raw {
            "refresh" => Some(CallbackMode::Refresh),
            "return" => Some(CallbackMode::Return),
            _ => None,
        }
    }
}

/// Builds the callback's refresh/return URLs from `PUBLIC_API_URL` and the front-end page URL.
#[derive(Clone, Debug)]
pub struct Urls {
    callback: Url,
    frontend: Url,
}

/// A configured base URL did not parse (settings validate them, so only a wiring bug gets here).
#[derive(Debug, thiserror::Error)]
#[error("{what} is not an absolute URL")]
pub struct BadBaseUrl {
    pub what: &'static str,
}

impl Urls {
    /// `public_api_url` and `frontend_url` as settings give them (absolute, no trailing slash,
    /// no query).
    pub fn new(public_api_url: &str, frontend_url: &str) -> Result<Urls, BadBaseUrl> {
        let base = public_api_url.trim_end_matches('/');
        let callback = Url::parse(&format!("{base}{CALLBACK_PATH}")).map_err(|_| BadBaseUrl {
            what: "PUBLIC_API_URL",
        })?;
        let frontend = Url::parse(frontend_url).map_err(|_| BadBaseUrl {
            what: "FRONTEND_URL",
        })?;
        Ok(Urls { callback, frontend })
    }

    /// `{PUBLIC_API_URL}/api/v1/sell/connect/callback?mode=...&state=...` (query-encoded).
    pub fn callback(&self, mode: CallbackMode, state: &str) -> String {
        let mut url = self.callback.clone();
        url.query_pairs_mut()
            .append_pair("mode", mode.as_str())
            .append_pair("state", state);
        url.into()
    }

    /// Where the return callback sends the seller: `FRONTEND_URL?onboarding=<status>`.
    pub fn frontend_return(&self, status: OnboardingStatus) -> String {
        let mut url = self.frontend.clone();
        url.query_pairs_mut()
            .append_pair("onboarding", status_param(status));
        url.into()
    }

    /// Where a failed callback sends the seller: `FRONTEND_URL?onboarding=error&code=<code>`, a
    /// stable problem code the page can explain (a browser never lands on JSON).
    pub fn frontend_error(&self, code: &str) -> String {
        let mut url = self.frontend.clone();
        url.query_pairs_mut()
            .append_pair("onboarding", "error")
            .append_pair("code", code);
        url.into()
    }

    /// The front-end origin (`scheme://host[:port]`), the only origin the callback redirects to
    /// besides Stripe's onboarding link.
    pub fn frontend_origin(&self) -> String {
        self.frontend.origin().ascii_serialization()
    }
}

/// The `onboarding` query value the seller page reads.
pub fn status_param(status: OnboardingStatus) -> &'static str {
    match status {
        OnboardingStatus::NotStarted => "not_started",
        OnboardingStatus::Pending => "pending",
        OnboardingStatus::Restricted => "restricted",
        OnboardingStatus::Complete => "complete",
    }
}

/// True for an absolute http(s) URL with a host: the only kind of Account Link URL we redirect a
/// browser to (anything else from the Stripe side is treated as a bad gateway answer).
pub fn is_redirectable(link: &str) -> bool {
    Url::parse(link)
        .map(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls::new("https://api.example.com", "https://app.example.com/sell").unwrap()
    }

    #[test]
    fn callback_urls_carry_mode_and_encoded_state() {
        let u = urls();
        assert_eq!(
            u.callback(CallbackMode::Refresh, "a.b-c_d"),
            "https://api.example.com/api/v1/sell/connect/callback?mode=refresh&state=a.b-c_d"
        );
        let odd = u.callback(CallbackMode::Return, "x&mode=refresh#y");
        let parsed = Url::parse(&odd).unwrap();
        let pairs: Vec<_> = parsed.query_pairs().collect();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].1, "return");
        assert_eq!(pairs[1].1, "x&mode=refresh#y");
        let slash = Urls::new("http://127.0.0.1:9000/", "http://localhost:5173").unwrap();
        assert!(
            slash
                .callback(CallbackMode::Return, "s")
                .starts_with("http://127.0.0.1:9000/api/v1/")
        );
    }

    #[test]
    fn frontend_return_stays_on_the_configured_page() {
        let u = urls();
        assert_eq!(
            u.frontend_return(OnboardingStatus::Complete),
            "https://app.example.com/sell?onboarding=complete"
        );
        assert_eq!(
            u.frontend_return(OnboardingStatus::Restricted),
            "https://app.example.com/sell?onboarding=restricted"
        );
        assert_eq!(u.frontend_origin(), "https://app.example.com");
        assert_eq!(
            u.frontend_error("state_used"),
            "https://app.example.com/sell?onboarding=error&code=state_used"
        );
    }

    #[test]
    fn modes_parse_strictly() {
        assert_eq!(CallbackMode::parse("refresh"), Some(CallbackMode::Refresh));
        assert_eq!(CallbackMode::parse("return"), Some(CallbackMode::Return));
        assert_eq!(CallbackMode::parse("Return"), None);
        assert_eq!(CallbackMode::parse(""), None);
    }

    #[test]
    fn only_absolute_http_links_are_redirectable() {
        assert!(is_redirectable(
            "https://connect.stripe.com/setup/e/acct_1/abc"
        ));
        assert!(is_redirectable("http://127.0.0.1:12111/setup/acct_1"));
        for bad in [
            "javascript:alert(1)",
            "/relative",
            "//evil.example.com",
            "",
            "data:text/html,x",
        ] {
            assert!(!is_redirectable(bad), "{bad}");
        }
        assert!(Urls::new("not a url", "https://app.example.com").is_err());
    }
}
