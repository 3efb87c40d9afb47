//! Each workspace crate's integration tests link into ONE binary. A test binary links the whole
//! AWS SDK and Stripe stack (about 120 MB in a debug build): one per `tests/*.rs` file filled
//! CI's disk. A crate with several test files sets `autotests = false` and declares each file as
//! a module of `tests/integration.rs`; this test fails if a file would be left out (never
//! compiled, never run) or a crate goes back to one binary per file.

use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// The `members` of the workspace's Cargo.toml, as directories.
fn members() -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let list = manifest
        .split("members = [")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap();
    let members: Vec<PathBuf> = list
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.split('"').next())
        .map(|member| Path::new(ROOT).join(member))
        .collect();
    assert!(
        members.len() > 10,
        "the members list was not read: {members:?}"
    );
    members
}

/// The stems of `dir/*.rs`, sorted.
fn test_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stems: Vec<String> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

/// What is wrong with one crate's layout, if anything.
fn problems(crate_dir: &Path) -> Vec<String> {
    let files = test_files(&crate_dir.join("tests"));
    if files.len() <= 1 {
        return Vec::new();
    }
    let name = crate_dir.display();
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    let mut problems = Vec::new();
    if !manifest.contains("autotests = false") {
        problems.push(format!(
            "{name}: several test files but no `autotests = false`"
        ));
    }
    if !manifest.contains("path = \"tests/integration.rs\"") {
        problems.push(format!(
            "{name}: no [[test]] target for tests/integration.rs"
        ));
    }
    let root = std::fs::read_to_string(crate_dir.join("tests/integration.rs")).unwrap_or_default();
    for stem in files.iter().filter(|stem| *stem != "integration") {
        if !root
            .lines()
            .any(|line| line.trim() == format!("mod {stem};"))
        {
            problems.push(format!(
                "{name}: tests/{stem}.rs is not a module of tests/integration.rs"
            ));
        }
    }
    problems
}

#[test]
fn every_crate_links_its_integration_tests_once() {
    let problems: Vec<String> = members()
        .iter()
        .flat_map(|member| problems(member))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_file_left_out_is_found() {
    let dir = std::env::temp_dir().join(format!("veza-layout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
    for file in ["a.rs", "b.rs"] {
        std::fs::write(dir.join("tests").join(file), "").unwrap();
    }
    assert_eq!(problems(&dir).len(), 4, "{:?}", problems(&dir));

    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nautotests = false\n[[test]]\nname = \"integration\"\npath = \"tests/integration.rs\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("tests/integration.rs"), "mod a;\n").unwrap();
    assert_eq!(
        problems(&dir),
        [format!(
            "{}: tests/b.rs is not a module of tests/integration.rs",
            dir.display()
        )]
    );

    std::fs::write(dir.join("tests/integration.rs"), "mod a;\nmod b;\n").unwrap();
    assert!(problems(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
