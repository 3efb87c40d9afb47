//! `make test` is never green without the dashboards proof: `ensure_prometheus` (scripts/lib.sh,
//! called by scripts/test.sh) installs Debian's `prometheus` as root and otherwise fails with the
//! exact command to run. Run against stub `id` and `apt-get` commands on a private PATH, so
//! nothing is installed and the machine's own Prometheus is not seen.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// A private directory of stub commands: `id` answering `uid`, and an `apt-get` that records
/// its arguments and, on `install`, "installs" an executable `prometheus` next to itself.
fn stubs(name: &str, uid: u32) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("veza-scripts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let script = |file: &str, body: String| {
        let path = dir.join(file);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        make_executable(&path);
    };
    script("id", format!("echo {uid}\n"));
    let log = dir.join("apt-get.log");
    let prometheus = dir.join("prometheus");
    script(
        "apt-get",
        format!(
            "echo \"$*\" >> '{log}'\n\
             case \"$1\" in install) printf '#!/bin/sh\\n' > '{prom}'; /bin/chmod +x '{prom}';; esac\n",
            log = log.display(),
            prom = prometheus.display(),
        ),
    );
    dir
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Sources lib.sh, then runs `ensure_prometheus` with only `dir` on PATH; prints the resulting
/// PROMETHEUS_BIN. Returns (success, stdout, stderr).
fn ensure_prometheus(dir: &Path) -> (bool, String, String) {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{ROOT}/scripts/lib.sh' && PATH='{}' && ensure_prometheus && printf '%s' \"$PROMETHEUS_BIN\"",
            dir.display()
        ))
        .env_remove("PROMETHEUS_BIN")
        .output()
        .expect("bash runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn apt_calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("apt-get.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn as_root_a_missing_prometheus_is_installed_from_debian() {
    let dir = stubs("root", 0);
    let (ok, bin, err) = ensure_prometheus(&dir);
    assert!(ok, "{err}");
    assert_eq!(
        apt_calls(&dir),
        ["update", "install -y prometheus"],
        "{err}"
    );
    assert_eq!(bin, dir.join("prometheus").display().to_string());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn otherwise_it_fails_with_the_exact_command_to_run() {
    let dir = stubs("user", 1000);
    let (ok, _, err) = ensure_prometheus(&dir);
    assert!(!ok, "must fail, not skip: {err}");
    assert!(
        err.contains("sudo sh -c 'apt-get update && apt-get install -y prometheus'"),
        "{err}"
    );
    assert!(apt_calls(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_installed_prometheus_is_used_and_nothing_is_installed() {
    let dir = stubs("present", 0);
    let prometheus = dir.join("prometheus");
    std::fs::write(&prometheus, "#!/bin/sh\n").unwrap();
    make_executable(&prometheus);
    let (ok, bin, err) = ensure_prometheus(&dir);
    assert!(ok, "{err}");
    assert_eq!(bin, prometheus.display().to_string());
    assert!(apt_calls(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn make_test_ensures_prometheus_before_running_anything() {
    let test_sh = std::fs::read_to_string(format!("{ROOT}/scripts/test.sh")).unwrap();
    let ensure = test_sh
        .find("\nensure_prometheus\n")
        .expect("test.sh calls ensure_prometheus");
    let first_step = test_sh.find("\nrun ").expect("test.sh runs steps");
    assert!(ensure < first_step);
}
