//! The build settings live in the repository, so that `sam build` on any machine makes the same
//! Lambda binaries as `make package`: the toolchain (`rust-toolchain.toml`: the channel of
//! `rust-version`, rustfmt, clippy, the Lambda target), aws-lc's build setting
//! (`.cargo/config.toml` `[env]`, not a variable each script must remember), and no workspace
//! dependency that no crate uses.

use std::collections::BTreeMap;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `key = value` lines of each `[section]` of a simple TOML file (no inline tables spanning
/// lines), values as written.
fn sections(toml: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut section = String::new();
    for line in toml.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_owned();
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            out.entry(section.clone())
                .or_default()
                .insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    out
}

/// The strings of a one-line TOML array (`["a", "b"]`) or a single string.
fn strings(value: &str) -> Vec<String> {
    value
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The Lambda architecture of the template, as a Rust target.
fn lambda_target() -> &'static str {
    let template = store::schema::TEMPLATE;
    assert!(
        template.contains("Architectures: [arm64]"),
        "template.yaml: the functions are arm64; update this test if that changes"
    );
    "aarch64-unknown-linux-gnu"
}

#[test]
fn the_toolchain_is_pinned_with_its_components_and_the_lambda_target() {
    let toolchain = sections(&read("rust-toolchain.toml"));
    let toolchain = &toolchain["toolchain"];
    let workspace = sections(&read("Cargo.toml"));
    let rust_version = strings(&workspace["workspace.package"]["rust-version"]).remove(0);
    let channel = strings(&toolchain["channel"]).remove(0);
    assert!(
        channel == rust_version || channel.starts_with(&format!("{rust_version}.")),
        "rust-toolchain.toml channel {channel} is not Cargo.toml's rust-version {rust_version}"
    );
    let components = strings(&toolchain["components"]);
    for c in ["rustfmt", "clippy"] {
        assert!(components.iter().any(|x| x == c), "{c}: {components:?}");
    }
    let targets = strings(&toolchain["targets"]);
    assert!(targets.iter().any(|t| t == lambda_target()), "{targets:?}");
}

#[test]
fn aws_lc_skips_jitter_entropy_for_the_lambda_target_in_cargo_config() {
    let config = sections(&read(".cargo/config.toml"));
    let env = config
        .get("env")
        .expect(".cargo/config.toml has an [env] section");
    // aws-lc-sys reads `AWS_LC_SYS_NO_JITTER_ENTROPY_<target>` first, then the plain name.
    let target_name = format!(
        "AWS_LC_SYS_NO_JITTER_ENTROPY_{}",
        lambda_target().replace('-', "_")
    );
    let set = [target_name.as_str(), "AWS_LC_SYS_NO_JITTER_ENTROPY"]
        .iter()
        .find_map(|name| env.get(*name));
    assert_eq!(set.map(String::as_str), Some("\"1\""), "{env:?}");
    // One place only: the packaging script no longer sets it itself.
    let package = read("scripts/package.sh");
    assert!(
        !package
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("AWS_LC_SYS_NO_JITTER_ENTROPY")),
        "scripts/package.sh still sets AWS_LC_SYS_NO_JITTER_ENTROPY"
    );
}

#[test]
fn every_workspace_dependency_is_used_by_a_member() {
    let workspace = read("Cargo.toml");
    let sections = sections(&workspace);
    let members = strings(
        &workspace
            .split("members = [")
            .nth(1)
            .and_then(|r| r.split(']').next())
            .map(|m| format!("[{}]", m.replace('\n', " ")))
            .expect("members"),
    );
    let manifests: Vec<String> = members
        .iter()
        .map(|m| read(&format!("{m}/Cargo.toml")))
        .collect();
    let unused: Vec<&String> = sections["workspace.dependencies"]
        .keys()
        .filter(|dep| {
            !manifests.iter().any(|m| {
                m.lines().any(|l| {
                    let l = l.trim();
                    l.starts_with(&format!("{dep}.workspace"))
                        || l.starts_with(&format!("{dep} = {{ workspace"))
                })
            })
        })
        .collect();
    assert!(
        unused.is_empty(),
        "unused workspace dependencies: {unused:?}"
    );
}

#[test]
fn the_store_reads_yaml_with_a_maintained_crate() {
    let store = read("shared/store/Cargo.toml");
    assert!(
        !store.contains("serde_yaml"),
        "serde_yaml is deprecated (0.9.34+deprecated); the store uses serde_norway"
    );
}
