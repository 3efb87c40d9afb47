//! Settings for the tools and the test: the process environment first, then the env file that
//! `make dev` writes (`.local/dev.env`: the values the running functions were given), so a token
//! minted in another terminal is signed with the running stack's `JWT_SECRET`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The environment, backed by an env file. Empty values count as unset (as in `settings`).
#[derive(Clone, Debug, Default)]
pub struct DevEnv {
    file: HashMap<String, String>,
}

impl DevEnv {
    /// Where `make dev` writes the functions' settings: `<DEV_LOG_DIR or .local>/dev.env`.
    pub fn default_path() -> PathBuf {
        std::env::var_os("DEV_LOG_DIR")
            .filter(|d| !d.is_empty())
            .map_or_else(|| crate::workspace_root().join(".local"), PathBuf::from)
            .join("dev.env")
    }

    /// Reads `path`; a missing file is an error only when it was asked for explicitly.
    pub fn load(path: Option<&Path>) -> Result<DevEnv, String> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (Self::default_path(), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(DevEnv { file: parse(&text) }),
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(DevEnv::default())
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The variable from the environment, else from the file.
    pub fn get(&self, key: &str) -> Option<String> {
        std::env::var(key)
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| self.file.get(key).filter(|v| !v.is_empty()).cloned())
    }
}

/// `KEY=value` lines; `#` comments, blank lines and an `export ` prefix are allowed, and one pair
/// of surrounding quotes is removed. Nothing is expanded (like `scripts/lib.sh`'s reader).
pub fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(a, b)| value.strip_prefix(*a)?.strip_suffix(*b))
                .unwrap_or(value);
            Some((key.trim().to_owned(), unquoted.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_env_lines() {
        let vars = parse("# c\n\nA=1\nexport B='two words'\nC=\"x=y\"\nnot a pair\nD=\n");
        assert_eq!(vars.get("A").map(String::as_str), Some("1"));
        assert_eq!(vars.get("B").map(String::as_str), Some("two words"));
        assert_eq!(vars.get("C").map(String::as_str), Some("x=y"));
        assert_eq!(vars.get("D").map(String::as_str), Some(""));
        assert_eq!(vars.len(), 4);
    }

    #[test]
    fn an_explicit_missing_file_is_an_error() {
        assert!(DevEnv::load(Some(Path::new("/nonexistent/dev.env"))).is_err());
        let env = DevEnv {
            file: parse("E2E_DEVENV_TEST_ONLY_IN_FILE=f\nE2E_DEVENV_TEST_EMPTY=\n"),
        };
        assert_eq!(
            env.get("E2E_DEVENV_TEST_ONLY_IN_FILE").as_deref(),
            Some("f")
        );
        assert_eq!(env.get("E2E_DEVENV_TEST_EMPTY"), None);
    }
}
