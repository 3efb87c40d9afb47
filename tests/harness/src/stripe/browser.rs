//! The seller's browser on the local Stripe server's hosted onboarding page (what an Account
//! Link points at): finish, leave, or come back to a used link. Redirects are not followed, so
//! each helper returns where Stripe sends the browser.

/// A browser that does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Opens the onboarding link and presses "Complete onboarding": returns the link's
/// `return_url`, where Stripe sends the browser.
pub async fn completes(onboarding_url: &str) -> String {
    let b = browser();
    let page = b.get(onboarding_url).send().await.expect("link page");
    assert!(page.status().is_success(), "link page: {}", page.status());
    let url = url::Url::parse(onboarding_url).expect("link URL");
    let account = url.path().rsplit('/').next().expect("account in path");
    let link = url
        .query_pairs()
        .find(|(k, _)| k == "link")
        .expect("link id")
        .1
        .into_owned();
    let done = b
        .post(
            url.join(&format!("/connect/onboarding/{account}/complete"))
                .expect("url"),
        )
        .query(&[("link", link)])
        .send()
        .await
        .expect("complete");
    location(&done)
}

/// Opens the onboarding link and leaves without finishing: returns the page's `return_url`.
pub async fn leaves(onboarding_url: &str) -> String {
    let html = browser()
        .get(onboarding_url)
        .send()
        .await
        .expect("link page")
        .text()
        .await
        .expect("html");
    let start = html.find("<a href=\"").expect("leave link") + "<a href=\"".len();
    let end = start + html[start..].find('"').expect("end of href");
    html[start..end]
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Opens an already used (or expired) link: Stripe sends the browser to the `refresh_url`.
pub async fn revisits(onboarding_url: &str) -> String {
    location(
        &browser()
            .get(onboarding_url)
            .send()
            .await
            .expect("link page"),
    )
}

fn location(resp: &reqwest::Response) -> String {
    assert!(
        resp.status().is_redirection(),
        "expected a redirect, got {}",
        resp.status()
    );
    resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}
