//! RS256 and ES256 with the TEST-ONLY keys in tests/keys/.

use super::*;

#[test]
fn rs256_with_public_key() {
    let escaped = RSA_PUBLIC.replace('\n', "\\n"); // as a single-line env var would carry it
    let a = Authenticator::new(&settings(&[
        ("JWT_ALGORITHM", "RS256"),
        ("JWT_PUBLIC_KEY", &escaped),
    ]))
    .unwrap();
    let token = mint(
        Algorithm::RS256,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        &claims(),
    );
    assert_eq!(
        a.authenticate_seller(&bearer(&token)).unwrap().user_id,
        "user_1"
    );
    // algorithm confusion: HS256 "signed" with the public key text must not verify
    let confused = mint(
        Algorithm::HS256,
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
        &claims(),
    );
    assert_401(
        a.authenticate(&bearer(&confused)),
        "token_invalid",
        WRONG_ALG,
    );
    let es = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &claims(),
    );
    assert_401(a.authenticate(&bearer(&es)), "token_invalid", WRONG_ALG);
}

#[test]
fn es256_with_public_key() {
    let a = Authenticator::new(&settings(&[
        ("JWT_ALGORITHM", "ES256"),
        ("JWT_PUBLIC_KEY", EC_PUBLIC),
    ]))
    .unwrap();
    let token = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &claims(),
    );
    assert_eq!(
        a.authenticate_seller(&bearer(&token))
            .unwrap()
            .country
            .as_deref(),
        Some("FR")
    );
    let other = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_OTHER_PRIVATE.as_bytes()).unwrap(),
        &claims(),
    );
    assert_401(
        a.authenticate(&bearer(&other)),
        "token_invalid",
        BAD_SIGNATURE,
    );
    let expired = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &with(claims(), "exp", json!(now() - 3600)),
    );
    assert_401(
        a.authenticate(&bearer(&expired)),
        "token_expired",
        Some("The access token has expired."),
    );
}

#[test]
fn unusable_public_keys_are_config_errors() {
    let cases = [
        ("RS256", EC_PUBLIC),
        ("ES256", RSA_PUBLIC),
        (
            "RS256",
            "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----",
        ),
    ];
    for (alg, pem) in cases {
        let err = Authenticator::new(&settings(&[
            ("JWT_ALGORITHM", alg),
            ("JWT_PUBLIC_KEY", pem),
        ]))
        .unwrap_err();
        assert_eq!(err.var(), "JWT_PUBLIC_KEY", "{alg}");
    }
}
