//! Connected accounts (`/v1/accounts`), Account Links and Express login links.
//!
//! Objects follow the `account`, `account_link` and `login_link` samples of Stripe's
//! fixtures3.json (see LICENSE-fixtures3). New accounts are not onboarded: every flag false and
//! requirements due, exactly what a seller who has not finished Stripe's forms looks like.

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::StripeParams;
use crate::state::{Account, Link, Requirements, Shared, new_id};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Link lifetime, as Stripe's.
pub const LINK_TTL_SECONDS: i64 = 300;

/// What a fresh Express account still has to provide (from the fixture).
pub fn initial_requirements() -> Requirements {
    let due: Vec<String> = [
        "business_profile.product_description",
        "business_profile.support_phone",
        "business_profile.url",
        "external_account",
        "tos_acceptance.date",
        "tos_acceptance.ip",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    Requirements {
        currently_due: due.clone(),
        eventually_due: due.clone(),
        past_due: due,
        pending_verification: Vec::new(),
        disabled_reason: Some("requirements.past_due".into()),
        current_deadline: None,
    }
}

fn default_currency(country: &str) -> &'static str {
    match country {
        "FR" | "DE" | "ES" | "IT" | "NL" | "BE" | "IE" | "PT" | "AT" | "FI" | "LU" | "GR" => "eur",
        "GB" => "gbp",
        "CA" => "cad",
        "AU" => "aud",
        "JP" => "jpy",
        "CH" => "chf",
        _ => "usd",
    }
}

fn requirements_json(r: &Requirements) -> Value {
    json!({
        "alternatives": [],
        "current_deadline": r.current_deadline,
        "currently_due": r.currently_due,
        "disabled_reason": r.disabled_reason,
        "errors": [],
        "eventually_due": r.eventually_due,
        "past_due": r.past_due,
        "pending_verification": r.pending_verification,
    })
}

/// The account as Stripe renders it.
pub fn render(a: &Account) -> Value {
    let express = a.kind == "express";
    json!({
        "id": a.id,
        "object": "account",
        "business_profile": {
            "annual_revenue": null, "estimated_worker_count": null, "mcc": null, "name": null,
            "product_description": null, "support_address": null, "support_email": null,
            "support_phone": null, "support_url": null, "url": null
        },
        "business_type": a.business_type,
        "capabilities": a.capabilities,
        "charges_enabled": a.charges_enabled,
        "controller": {
            "fees": { "payer": if express { "application" } else { "account" } },
            "is_controller": true,
            "losses": { "payments": if express { "application" } else { "stripe" } },
            "requirement_collection": "stripe",
            "stripe_dashboard": { "type": if express { "express" } else { "full" } },
            "type": "application"
        },
        "country": a.country,
        "created": a.created,
        "default_currency": a.default_currency,
        "details_submitted": a.details_submitted,
        "email": a.email,
        "external_accounts": {
            "object": "list", "data": [], "has_more": false,
            "url": format!("/v1/accounts/{}/external_accounts", a.id)
        },
        "future_requirements": requirements_json(&Requirements::default()),
        "metadata": a.metadata,
        "payouts_enabled": a.payouts_enabled,
        "requirements": requirements_json(&a.requirements),
        "settings": {
            "bacs_debit_payments": { "display_name": null, "service_user_number": null },
            "branding": { "icon": null, "logo": null, "primary_color": null, "secondary_color": null },
            "card_issuing": { "tos_acceptance": { "date": null, "ip": null } },
            "card_payments": {
                "decline_on": { "avs_failure": false, "cvc_failure": false },
                "statement_descriptor_prefix": null, "statement_descriptor_prefix_kana": null,
                "statement_descriptor_prefix_kanji": null
            },
            "dashboard": { "display_name": null, "timezone": "Etc/UTC" },
            "payments": {
                "statement_descriptor": null, "statement_descriptor_kana": null,
                "statement_descriptor_kanji": null
            },
            "payouts": {
                "debit_negative_balances": true,
                "schedule": { "delay_days": 2, "interval": "daily" },
                "statement_descriptor": null
            },
            "sepa_debit_payments": {}
        },
        "tos_acceptance": {
            "date": a.tos_accepted_at,
            "ip": a.tos_accepted_at.map(|_| "127.0.0.1"),
            "user_agent": null
        },
        "type": a.kind,
    })
}

const CREATE_PARAMS: &[&str] = &[
    "type",
    "country",
    "email",
    "capabilities",
    "metadata",
    "business_type",
    "business_profile",
    "controller",
    "default_currency",
    "settings",
    "tos_acceptance",
    "individual",
    "company",
    "external_account",
];

/// `POST /v1/accounts`.
pub async fn create(
    State(state): State<Shared>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(CREATE_PARAMS)?;
    let kind = match (p.str("type")?, p.get("controller")) {
        (Some(t), _) if ["express", "standard", "custom"].contains(&t.as_str()) => t,
        (Some(t), _) => {
            return Err(ApiError::invalid_param(
                "type",
                format!("Invalid type: must be one of express, standard, or custom (got {t})"),
            ));
        }
        (None, Some(c)) => match c
            .get("stripe_dashboard")
            .and_then(|d| d.get("type"))
            .and_then(Value::as_str)
        {
            Some("express") => "express".to_owned(),
            Some("full") => "standard".to_owned(),
            _ => "custom".to_owned(),
        },
        (None, None) => return Err(ApiError::missing_param("type")),
    };
    let country = p
        .str("country")?
        .unwrap_or_else(|| "US".into())
        .to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::invalid_param(
            "country",
            format!("Country '{country}' is unknown."),
        ));
    }
    let email = p.str("email")?;
    if let Some(e) = &email
        && !e.contains('@')
    {
        return Err(ApiError::invalid_param(
            "email",
            format!("Invalid email address: {e}"),
        ));
    }
    let business_type = p.str("business_type")?;
    if let Some(b) = &business_type
        && !["individual", "company", "non_profit", "government_entity"].contains(&b.as_str())
    {
        return Err(ApiError::invalid_param(
            "business_type",
            format!("Invalid business_type: {b}"),
        ));
    }
    let mut capabilities = BTreeMap::new();
    if let Some(caps) = p.get("capabilities") {
        let Some(caps) = caps.as_object() else {
            return Err(ApiError::invalid_param("capabilities", "Invalid hash"));
        };
        for name in caps.keys() {
            if p.bool_at(&["capabilities", name, "requested"])? == Some(true) {
                capabilities.insert(name.clone(), "inactive".to_owned());
            }
        }
    }
    let default_currency = match p.currency("default_currency")? {
        Some(c) => c,
        None => default_currency(&country).to_owned(),
    };
    let account = Account {
        id: new_id("acct"),
        kind,
        email,
        default_currency,
        country,
        business_type,
        created: state.clock.now(),
        metadata: p.metadata()?,
        details_submitted: false,
        charges_enabled: false,
        payouts_enabled: false,
        capabilities,
        requirements: initial_requirements(),
        tos_accepted_at: None,
    };
    let body = render(&account);
    state.store().accounts.insert(account.id.clone(), account);
    Ok(Json(body))
}

/// `GET /v1/accounts/{id}`.
pub async fn retrieve(
    State(state): State<Shared>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    let store = state.store();
    let a = store
        .accounts
        .get(&id)
        .ok_or_else(|| ApiError::missing("account", &id, "account"))?;
    Ok(Json(render(a)))
}

fn check_url(p: &crate::params::Params, name: &str) -> ApiResult<String> {
    let url = p.req_str(name)?;
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url)
    } else {
        Err(ApiError::invalid_param(
            name,
            format!("Not a valid URL: {url}"),
        ))
    }
}

/// `POST /v1/account_links`: a single-use onboarding URL served by this server.
pub async fn create_link(
    State(state): State<Shared>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[
        "account",
        "refresh_url",
        "return_url",
        "type",
        "collect",
        "collection_options",
    ])?;
    let account = p.req_str("account")?;
    let kind = p.req_str("type")?;
    if kind != "account_onboarding" && kind != "account_update" {
        return Err(ApiError::invalid_param(
            "type",
            format!("Invalid type: {kind}"),
        ));
    }
    let refresh_url = check_url(&p, "refresh_url")?;
    let return_url = check_url(&p, "return_url")?;
    let mut store = state.store();
    let a = store
        .accounts
        .get(&account)
        .ok_or_else(|| ApiError::missing("account", &account, "account"))?;
    if kind == "account_update" && a.kind == "express" {
        return Err(ApiError::invalid_param(
            "type",
            "You cannot create `account_update` type Account Links for Express accounts.",
        ));
    }
    let created = state.clock.now();
    let expires_at = created + LINK_TTL_SECONDS;
    let link_id = new_id("link");
    let url = format!(
        "{}connect/onboarding/{account}?link={link_id}",
        state.base_url
    );
    store.links.insert(
        link_id,
        Link {
            account,
            refresh_url,
            return_url,
            expires_at,
            used: false,
        },
    );
    Ok(Json(
        json!({ "object": "account_link", "created": created, "expires_at": expires_at, "url": url }),
    ))
}

/// `POST /v1/accounts/{id}/login_links`: only for Express accounts that finished onboarding.
pub async fn login_link(
    State(state): State<Shared>,
    Extension(_ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    let store = state.store();
    let a = store
        .accounts
        .get(&id)
        .ok_or_else(|| ApiError::missing("account", &id, "account"))?;
    if a.kind != "express" {
        return Err(ApiError::request(
            None,
            Some("account"),
            "Login links can only be created for Express accounts.",
        ));
    }
    if !a.details_submitted {
        return Err(ApiError::request(
            None,
            Some("account"),
            "Cannot create a login link for an account that has not completed onboarding.",
        ));
    }
    let url = format!(
        "{}connect/express/{id}?login={}",
        state.base_url,
        new_id("ll")
    );
    Ok(Json(
        json!({ "object": "login_link", "created": state.clock.now(), "url": url }),
    ))
}
