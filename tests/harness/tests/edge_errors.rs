//! API Gateway answers some requests itself, before or instead of the functions, with its own
//! body (`{"message":"Not Found"}`, `{"message":"Too Many Requests"}`,
//! `{"message":"Internal Server Error"}`) and no `Retry-After`. Clients see them on every route,
//! so the README's API section and every operation of `docs/openapi.yaml` document them.

use serde_norway::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn read(relative: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{relative}")).unwrap_or_else(|e| panic!("{e}"))
}

/// The bodies API Gateway (HTTP API) sends for its own 404, 429 and 500.
const EDGE: [(&str, &str); 3] = [
    ("404", "Not Found"),
    ("429", "Too Many Requests"),
    ("500", "Internal Server Error"),
];

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .trim_start_matches("#/")
            .split('/')
            .fold(doc, |node, key| &node[key]),
        None => value,
    }
}

#[test]
fn every_operation_documents_api_gateways_own_answers() {
    let doc: Value = serde_norway::from_str(&read("docs/openapi.yaml")).expect("openapi parses");
    let edge_schema = &doc["components"]["schemas"]["EdgeMessage"];
    assert_eq!(
        edge_schema["required"],
        serde_norway::from_str::<Value>("[message]").unwrap()
    );
    let examples: Vec<&str> = edge_schema["properties"]["message"]["examples"]
        .as_sequence()
        .expect("EdgeMessage.message examples")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("path item") {
            operations += 1;
            let what = format!("{} {}", method.as_str().unwrap(), path.as_str().unwrap());
            for (status, message) in EDGE {
                let response = resolve(&doc, &operation["responses"][status]);
                let content = &response["content"]["application/json"];
                let schema = resolve(&doc, &content["schema"]);
                assert_eq!(
                    schema, edge_schema,
                    "{what} {status}: no application/json {{\"message\"}} answer"
                );
                assert!(examples.contains(&message), "{message}: {examples:?}");
                // No promise of Retry-After: API Gateway never sends one.
                let retry_after = &response["headers"]["Retry-After"];
                assert!(
                    retry_after.is_null() || retry_after["required"] == Value::Bool(false),
                    "{what} {status}: Retry-After must not be required"
                );
            }
        }
    }
    assert_eq!(operations, 6);
}

#[test]
fn the_readme_api_section_shows_the_bodies_and_no_retry_after() {
    let readme = read("README.md");
    let api = readme
        .split("## The API")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has an API section");
    for (status, message) in EDGE {
        let body = format!("{status} {{\"message\":\"{message}\"}}");
        assert!(api.contains(&body), "README's API section lacks `{body}`");
    }
    assert!(api.contains("**no\n`Retry-After`**") || api.contains("no `Retry-After`"));
}
