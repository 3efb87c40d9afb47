//! The pages Account Links and login links point at, so `make dev` can be clicked through in a
//! browser and tests can follow a link like a seller would.
//!
//! Like Stripe's, an Account Link is single use and expires after 300 s: a revisited or expired
//! link redirects to its `refresh_url`. The page offers "complete onboarding" (which completes
//! the account, emits `account.updated` and redirects to `return_url`) or leaving unfinished.

use crate::resources::onboarding::{self, OnboardingUpdate};
use crate::state::Shared;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/connect/onboarding/{account}", get(onboarding_page))
        .route("/connect/onboarding/{account}/complete", post(complete))
        .route("/connect/express/{account}", get(express))
        .with_state(state)
}

#[derive(Deserialize)]
struct LinkQuery {
    link: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<h1>Unknown or invalid link</h1>"),
    )
        .into_response()
}

async fn onboarding_page(
    State(state): State<Shared>,
    Path(account): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Response {
    let now = state.clock.now();
    let mut store = state.store();
    let Some(link) = store
        .links
        .get_mut(&q.link)
        .filter(|l| l.account == account)
    else {
        return not_found();
    };
    if link.used || now > link.expires_at {
        return Redirect::to(&link.refresh_url).into_response();
    }
    link.used = true;
    let action = format!(
        "/connect/onboarding/{}/complete?link={}",
        escape(&account),
        escape(&q.link)
    );
    Html(format!(
        "<!doctype html><title>stripe-local onboarding</title><h1>Onboarding {acct}</h1>\
         <form method=\"post\" action=\"{action}\"><button type=\"submit\">Complete onboarding</button></form>\
         <p><a href=\"{ret}\">Leave without finishing</a></p>",
        acct = escape(&account),
        ret = escape(&link.return_url),
    ))
    .into_response()
}

async fn complete(
    State(state): State<Shared>,
    Path(account): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Response {
    let return_url = match state
        .store()
        .links
        .get(&q.link)
        .filter(|l| l.account == account)
    {
        Some(l) => l.return_url.clone(),
        None => return not_found(),
    };
    match onboarding::update(&state, &account, &OnboardingUpdate::complete()) {
        Ok(_) => Redirect::to(&return_url).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn express(Path(account): Path<String>) -> Html<String> {
    Html(format!(
        "<!doctype html><title>Express dashboard</title><h1>Express dashboard of {}</h1>",
        escape(&account)
    ))
}
