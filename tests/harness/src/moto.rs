//! The test DynamoDB endpoint: `DYNAMODB_ENDPOINT`, or one moto server per test process.
//!
//! Rust never drops statics, so "stop it when the process exits" is done by a watchdog: moto
//! runs under a small `sh` script whose stdin is a pipe from this process. When the process
//! ends, however it ends (normal exit, panic, SIGKILL), the OS closes the pipe, `read` sees EOF
//! and the script kills moto. No orphan survives `cargo nextest run`, which starts one process
//! per test. moto's output goes to a log file (removed by the watchdog), never to the test's
//! stdout/stderr, so nextest does not see a leaked handle either.
//!
//! moto runs through `scripts/moto_server.py` (the `moto_server` entry point with one request
//! handled at a time: moto's threaded server lets two concurrent conditional writes both win).

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

static ENDPOINT: OnceCell<String> = OnceCell::const_new();
/// The watchdog; holding it keeps the write end of its stdin open for the process's lifetime.
static SERVER: Mutex<Option<Child>> = Mutex::new(None);

const STARTUP: Duration = Duration::from_secs(60);

/// `$0` = python, `$1` = port, `$2` = log file, `$3` = scripts/moto_server.py.
/// The log is removed before moto is killed: once moto is gone, `wait` returns and the script
/// kills the watcher, which must not be mid-way. When moto exits by itself the log stays, for
/// the harness to report.
const WATCHDOG: &str = r#"
exec 3<&0
"$0" "$3" -H 127.0.0.1 -p "$1" </dev/null 3<&- &
moto=$!
( read -r _ <&3; rm -f "$2"; kill "$moto" 2>/dev/null ) &
watcher=$!
wait "$moto"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
"#;

pub(crate) async fn endpoint() -> String {
    ENDPOINT
        .get_or_init(|| async {
            match std::env::var("DYNAMODB_ENDPOINT") {
                Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
                _ => start().await,
            }
        })
        .await
        .clone()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn start() -> String {
    let root = workspace_root();
    let moto = root.join(".venv/bin/moto_server");
    if !moto.exists() {
        panic!(
            "moto_server not found at {}.\n\
             Install it with `make test` (creates .venv from requirements-dev.txt), or by hand:\n  \
             python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt\n\
             or point DYNAMODB_ENDPOINT at any DynamoDB-compatible server.",
            moto.display()
        );
    }
    // A free port can be taken by someone else before moto binds it: then moto exits and we
    // try another one.
    let mut failures = Vec::new();
    for _ in 0..3 {
        match launch(&root).await {
            Ok(url) => return url,
            Err(e) => failures.push(e),
        }
    }
    panic!("moto_server did not start:\n{}", failures.join("\n---\n"));
}

async fn launch(root: &Path) -> Result<String, String> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let log = std::env::temp_dir().join(format!("harness-moto-{}-{port}.log", std::process::id()));
    let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = Command::new("sh")
        .args(["-c", WATCHDOG])
        .arg(root.join(".venv/bin/python"))
        .arg(port.to_string())
        .arg(&log)
        .arg(root.join("scripts/moto_server.py"))
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let deadline = Instant::now() + STARTUP;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = std::fs::remove_file(&log);
            return Err(format!(
                "moto_server exited ({status}) on port {port}:\n{output}"
            ));
        }
        if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .await
            .is_ok()
        {
            *SERVER.lock().unwrap_or_else(|p| p.into_inner()) = Some(child);
            return Ok(format!("http://127.0.0.1:{port}"));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "moto_server not answering on {port} after {STARTUP:?}:\n{output}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
