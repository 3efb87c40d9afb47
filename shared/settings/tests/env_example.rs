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
    let lookup = |k: &str| {
        read.borrow_mut().insert(k.to_owned());
        env.get(k).cloned()
    };
    // The placeholders themselves are valid configuration.
    StripeSettings::from_lookup(lookup).unwrap();
    WebhookSecrets::from_lookup(lookup).unwrap();
    JwtSettings::from_lookup(lookup).unwrap();
    TableNames::from_lookup(lookup).unwrap();
    AppSettings::from_lookup(lookup).unwrap();
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
