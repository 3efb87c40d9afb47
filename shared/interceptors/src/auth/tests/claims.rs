//! The claims a valid signature still has to carry: issuer and audience when configured, the
//! required claims, the seller role (and where it lives), and tokens never echoed.

use super::*;

#[tokio::test]
async fn issuer_and_audience_when_configured() {
    let a = Authenticator::new(&settings(&[
        ("JWT_ALGORITHM", "HS256"),
        ("JWT_SECRET", SECRET),
        ("JWT_ISSUER", "https://auth.example.com"),
        ("JWT_AUDIENCE", "veza-api"),
    ]))
    .await
    .unwrap();
    let good = with(
        with(claims(), "iss", json!("https://auth.example.com")),
        "aud",
        json!(["other", "veza-api"]),
    );
    assert!(a.authenticate(&bearer(&hs(&good))).await.is_ok());
    let cases = [
        (
            with(good.clone(), "iss", json!("https://evil.example.com")),
            "The access token has the wrong issuer.",
        ),
        (
            with(good.clone(), "aud", json!("other")),
            "The access token has the wrong audience.",
        ),
        (
            with(good.clone(), "iss", Value::Null),
            "The access token lacks a required claim.",
        ),
        (
            with(good.clone(), "aud", Value::Null),
            "The access token lacks a required claim.",
        ),
    ];
    for (claims, description) in cases {
        assert_401(
            a.authenticate(&bearer(&hs(&claims))).await,
            "token_invalid",
            Some(description),
        );
    }
    // not configured: iss/aud in the token are ignored
    assert!(
        hs256()
            .await
            .authenticate(&bearer(&hs(&good)))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn required_claims() {
    let a = hs256().await;
    for (key, value) in [
        ("sub", Value::Null),
        ("exp", Value::Null),
        ("sub", json!(7)),
        ("exp", json!("soon")),
    ] {
        let token = hs(&with(claims(), key, value));
        assert_401(
            a.authenticate(&bearer(&token)).await,
            "token_invalid",
            MISSING_CLAIM,
        );
    }
    let blank_sub = hs(&with(claims(), "sub", json!("  ")));
    assert_401(
        a.authenticate(&bearer(&blank_sub)).await,
        "token_invalid",
        Some("The access token has no usable subject."),
    );
}

#[tokio::test]
async fn authenticated_non_seller_is_forbidden() {
    let a = hs256().await;
    for roles in [
        json!(["buyer"]),
        json!("buyer"),
        Value::Null,
        json!([]),
        json!({"seller": true}),
        json!("sellers"),
    ] {
        let token = hs(&with(claims(), "roles", roles));
        let err = a.authenticate_seller(&bearer(&token)).await.unwrap_err();
        let resp = err.to_response("req");
        let doc = assert_problem(&resp, 403, "not_a_seller");
        assert_eq!(doc["category"], "auth");
        assert_eq!(
            header(&resp, "www-authenticate"),
            Some("Bearer realm=\"veza\", error=\"insufficient_scope\"")
        );
    }
}

#[tokio::test]
async fn configurable_role_claim_and_seller_role() {
    let a = Authenticator::new(&settings(&[
        ("JWT_ALGORITHM", "HS256"),
        ("JWT_SECRET", SECRET),
        ("JWT_ROLE_CLAIM", "https://veza.example/roles"),
        ("JWT_SELLER_ROLE", "vendor"),
    ]))
    .await
    .unwrap();
    let token = hs(&with(
        claims(),
        "https://veza.example/roles",
        json!(["vendor"]),
    ));
    assert!(a.authenticate_seller(&bearer(&token)).await.is_ok());
    assert!(
        a.authenticate_seller(&bearer(&hs(&claims())))
            .await
            .is_err(),
        "default claim/role no longer apply"
    );
}

#[tokio::test]
async fn tokens_never_reach_errors_or_debug() {
    let token = hs(&with(claims(), "exp", json!(now() - 999)));
    let err = hs256()
        .await
        .authenticate(&bearer(&token))
        .await
        .unwrap_err();
    let rendered = format!(
        "{err:?} {err} {}",
        crate::test_support::body_text(&err.to_response("r"))
    );
    let signature = token.rsplit('.').next().unwrap();
    assert!(!rendered.contains(signature) && !rendered.contains(&token));
    assert!(!format!("{:?}", hs256().await).contains(SECRET));
}
