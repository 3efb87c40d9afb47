//! `.env.example` documents exactly the variables the sections read, and its placeholders load.

use settings::*;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

const EXAMPLE: &str = include_str!("../../../.env.example");

/// `NAME=value` lines, including commented-out examples.
fn example() -> HashMap<String, String> {
    EXAMPLE
        .lines()
        .map(|l| l.trim_start_matches("# "))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn every_variable_is_documented_and_nothing_else() {
    let documented: BTreeSet<String> = example().into_keys().collect();
    let known: BTreeSet<String> = VARIABLES.iter().map(|v| (*v).to_owned()).collect();
    assert_eq!(documented, known);
}

#[test]
fn the_sections_read_exactly_the_listed_variables() {
    let read = RefCell::new(BTreeSet::new());
    let mut env: HashMap<String, String> = EXAMPLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    // The secrets' placeholders are refused (below); every other value of the file is valid
    // configuration as it stands.
    env.extend(real_secrets());
    let lookup = |k: &str| {
        read.borrow_mut().insert(k.to_owned());
        env.get(k).cloned()
    };
    StripeSettings::from_lookup(lookup).unwrap();
    WebhookSecrets::from_lookup(lookup).unwrap();
    JwtSettings::from_lookup(lookup).unwrap();
    TableNames::from_lookup(lookup).unwrap();
    AppSettings::from_lookup(lookup).unwrap();
    QueueSettings::from_lookup(lookup).unwrap();
    env.insert("JWT_ALGORITHM".into(), "ES256".into());
    let lookup = |k: &str| {
        read.borrow_mut().insert(k.to_owned());
        env.get(k).cloned()
    };
    assert_eq!(
        JwtSettings::from_lookup(lookup).unwrap_err().var(),
        "JWT_PUBLIC_KEY"
    );
    let known: BTreeSet<String> = VARIABLES.iter().map(|v| (*v).to_owned()).collect();
    assert_eq!(read.into_inner(), known);
}

/// The variables `.env.example` marks `(secret)` in the comment just above them.
fn secret_variables() -> BTreeSet<String> {
    let mut secret = false;
    let mut out = BTreeSet::new();
    for line in EXAMPLE.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            secret |= comment.contains("(secret)");
            continue;
        }
        if let Some((var, _)) = line.split_once('=')
            && secret
        {
            out.insert(var.to_owned());
        }
        secret = false;
    }
    out
}

/// Random-looking values for every secret (what a real deployment has).
fn real_secrets() -> [(String, String); 5] {
    [
        ("STRIPE_CONNECT_SECRET", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        (
            "STRIPE_WEBHOOK_SECRET",
            "whsec_q8Zk2Vt0pLr5Wm9xNc3Hs7Jb1Gd6Fy4A",
        ),
        (
            "STRIPE_CONNECT_WEBHOOK_SECRET",
            "whsec_Xw3Rb8Tn1Ly6Pq0Vm5Ks2Hd9Fz7Gc4Ja",
        ),
        ("JWT_SECRET", "Yt7Qm2Wx9Lp4Zr8Kn3Vb6Hs1Jd5Fc0Ga-hs256"),
        (
            "ONBOARDING_STATE_SECRET",
            "Nc5Rv8Tq2Mw7Xz1Lk4Pb9Hj3Sd6Fg0Ya-state",
        ),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
}

/// The error every section gives for `env` (the sections a function loads at cold start).
fn errors(env: &HashMap<String, String>) -> Vec<ConfigError> {
    let lookup = |k: &str| env.get(k).cloned();
    [
        StripeSettings::from_lookup(lookup).err(),
        WebhookSecrets::from_lookup(lookup).err(),
        JwtSettings::from_lookup(lookup).err(),
        AppSettings::from_lookup(lookup).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn valid_env() -> HashMap<String, String> {
    let mut env: HashMap<String, String> = EXAMPLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    env.extend(real_secrets());
    env
}

#[test]
fn the_example_marks_every_secret() {
    let named: BTreeSet<String> = real_secrets().into_iter().map(|(k, _)| k).collect();
    assert_eq!(secret_variables(), named);
    assert!(
        errors(&valid_env()).is_empty(),
        "{:?}",
        errors(&valid_env())
    );
}

/// Each secret left at its `.env.example` placeholder stops the cold start with an error that
/// names the variable and never echoes the value.
#[test]
fn every_secret_placeholder_is_refused_naming_the_variable() {
    let example = example();
    for var in secret_variables() {
        let placeholder = &example[&var];
        let mut env = valid_env();
        env.insert(var.clone(), placeholder.clone());
        let errors = errors(&env);
        assert_eq!(errors.len(), 1, "{var}: {errors:?}");
        let err = &errors[0];
        assert_eq!(err.var(), var);
        let text = format!("{err} {err:?}");
        assert!(text.contains("placeholder"), "{var}: {text}");
        assert!(!text.contains(placeholder.as_str()), "{var}: {text}");
    }
}

/// Well-known weak values are refused for every secret, with the secret's own prefix.
#[test]
fn well_known_weak_secrets_are_refused() {
    for var in secret_variables() {
        let prefix = match var.as_str() {
            "STRIPE_CONNECT_SECRET" => "sk_test_",
            "STRIPE_WEBHOOK_SECRET" | "STRIPE_CONNECT_WEBHOOK_SECRET" => "whsec_",
            _ => "",
        };
        for weak in [
            "changeme",
            "secret",
            "password",
            "CHANGE_ME",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "abcabcabcabcabcabcabcabcabcabcabcabc",
        ] {
            let value = format!("{prefix}{weak}");
            let mut env = valid_env();
            env.insert(var.clone(), value.clone());
            let errors = errors(&env);
            assert_eq!(errors.len(), 1, "{var}={value}: {errors:?}");
            assert_eq!(errors[0].var(), var, "{value}");
            // (A short value such as `secret` may be a word of the reason itself.)
            let text = format!("{} {:?}", errors[0], errors[0]);
            assert!(value.len() < 8 || !text.contains(&value), "{var}: {text}");
        }
    }
    // The second value of a roll is checked too.
    let mut env = valid_env();
    env.insert(
        "STRIPE_WEBHOOK_SECRET".into(),
        "whsec_q8Zk2Vt0pLr5Wm9xNc3Hs7Jb1Gd6Fy4A,whsec_replace_me".into(),
    );
    let errors = errors(&env);
    assert!(
        matches!(&errors[..], [ConfigError::Invalid { var: "STRIPE_WEBHOOK_SECRET", reason }]
            if reason.starts_with("value #2 ")),
        "{errors:?}"
    );
}
