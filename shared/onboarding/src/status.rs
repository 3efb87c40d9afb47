//! The JSON body `onboard` answers with (the seller page's view of onboarding).

use payouts::ports::AccountLink;
use payouts::{OnboardingStatus, SellerAccount};
use serde::Serialize;

/// `{"status", "stripe_account_id", flags..., "requirements_due", and either the onboarding link
/// ("onboarding_url", "expires_at") or, once complete, the Express dashboard ("dashboard_url")}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusBody {
    /// `pending`, `restricted` or `complete` (`not_started` never appears here: onboard creates
    /// the account first).
    pub status: OnboardingStatus,
    pub stripe_account_id: String,
    pub details_submitted: bool,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    /// What Stripe still needs (`currently_due` + `past_due`), so the page can say why.
    pub requirements_due: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Stripe's hosted onboarding page: short-lived and single-use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarding_url: Option<String>,
    /// When `onboarding_url` stops working (unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Express dashboard login link (complete sellers only; single-use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dashboard_url: Option<String>,
}

impl StatusBody {
    /// The account's stored status without any link.
    pub fn of(account: &SellerAccount) -> StatusBody {
        let flags = &account.flags;
        StatusBody {
            status: account.status(),
            stripe_account_id: account.stripe_account_id.clone(),
            details_submitted: flags.details_submitted,
            charges_enabled: flags.charges_enabled,
            payouts_enabled: flags.payouts_enabled,
            requirements_due: flags.requirements_due.clone(),
            disabled_reason: flags.disabled_reason.clone(),
            onboarding_url: None,
            expires_at: None,
            dashboard_url: None,
        }
    }

    pub fn with_link(mut self, link: AccountLink) -> StatusBody {
        self.onboarding_url = Some(link.url);
        self.expires_at = Some(link.expires_at);
        self
    }

    pub fn with_dashboard(mut self, url: String) -> StatusBody {
        self.dashboard_url = Some(url);
        self
    }

    /// True when the seller can be paid (no onboarding link needed).
    pub fn is_complete(&self) -> bool {
        self.status == OnboardingStatus::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payouts::AccountFlags;
    use serde_json::json;

    #[test]
    fn pending_with_link() {
        let account = SellerAccount::new("u1".into(), "acct_1".into(), 10);
        let body = StatusBody::of(&account).with_link(AccountLink {
            url: "https://connect.stripe.com/setup/x".into(),
            expires_at: 400,
        });
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "status": "pending", "stripe_account_id": "acct_1",
                "details_submitted": false, "charges_enabled": false, "payouts_enabled": false,
                "requirements_due": [],
                "onboarding_url": "https://connect.stripe.com/setup/x", "expires_at": 400
            })
        );
    }

    #[test]
    fn complete_with_dashboard() {
        let mut account = SellerAccount::new("u1".into(), "acct_1".into(), 10);
        account.flags = AccountFlags {
            details_submitted: true,
            charges_enabled: true,
            payouts_enabled: true,
            transfers_active: true,
            requirements_due: vec![],
            disabled_reason: None,
        };
        let body = StatusBody::of(&account).with_dashboard("https://dash/x".into());
        assert!(body.is_complete());
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["status"], "complete");
        assert_eq!(v["dashboard_url"], "https://dash/x");
        assert!(v.get("onboarding_url").is_none());
    }
}
