//! The local stack under test: `scripts/dev.sh` (what `make dev` runs) started in the background
//! on free ports, in its own process group, with test-only secrets; or a stack that is already
//! running when `E2E_API_URL` and `E2E_STRIPE_URL` are set (e.g. your `make dev`; its
//! `JWT_SECRET` and `PLATFORM_FEE_BPS` are read from `.local/dev.env`).
//!
//! Readiness is `dev.sh` printing [`READY_MARKER`], which it does only after every function
//! answered a first request. Dropping the [`Stack`] (also when the test panics) sends SIGTERM to
//! the whole process group and waits for `dev.sh`, whose EXIT trap stops moto, the Stripe server
//! and `cargo lambda watch` (which stops the function processes it started in their own sessions).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::devenv::DevEnv;
use crate::token::Minter;

/// `FRONTEND_URL` as `scripts/dev.sh` sets it by default (the test's own stack leaves it so).
pub const DEV_FRONTEND_URL: &str = "http://localhost:5173/sell";

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|e| panic!("FRONTEND_URL {url}: {e}"))
}

/// What `scripts/dev.sh` prints once everything answers.
pub const READY_MARKER: &str = "Local stack is up";
/// First start may compile the functions: generous, but bounded.
const START_TIMEOUT: Duration = Duration::from_secs(900);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);

/// The running stack: where things answer, and what the test needs to talk to them.
pub struct Stack {
    /// The API as API Gateway would serve it, e.g. `http://127.0.0.1:9000` (no trailing slash).
    pub api: String,
    /// The local Stripe server, e.g. `http://127.0.0.1:12111` (no trailing slash).
    pub stripe: String,
    /// Its platform API key.
    pub stripe_key: String,
    /// Signs seller tokens the functions accept.
    pub minter: Minter,
    /// `PLATFORM_FEE_BPS` the webhook function runs with.
    pub fee_bps: u32,
    /// `FRONTEND_URL`'s origin: the one origin the API's CORS policy allows.
    pub frontend_origin: String,
    /// `None` for a reused stack; dropping it stops the one we started.
    _process: Option<DevProcess>,
}

impl Stack {
    /// Reuses the stack named by `E2E_API_URL`/`E2E_STRIPE_URL`, else starts one with its logs
    /// under `log_root`. Panics (with the logs) if it does not come up.
    pub fn start(log_root: &Path) -> Stack {
        if let (Ok(api), Ok(stripe)) = (
            std::env::var("E2E_API_URL"),
            std::env::var("E2E_STRIPE_URL"),
        ) {
            return Stack::reuse(&api, &stripe);
        }
        let mut last = String::new();
        // A port picked free can be taken before dev.sh binds it: then start again.
        for attempt in 1..=3 {
            match DevProcess::spawn(log_root) {
                Ok(stack) => return stack,
                Err(Failure::PortTaken(log)) => last = log,
                Err(Failure::Fatal(log)) => panic!("the local stack did not start:\n{log}"),
            }
            eprintln!("e2e: a port was taken (attempt {attempt}), starting again");
        }
        panic!("the local stack did not start:\n{last}");
    }

    fn reuse(api: &str, stripe: &str) -> Stack {
        let env = DevEnv::load(None).unwrap_or_else(|e| panic!("{e}"));
        Stack {
            api: api.trim_end_matches('/').to_owned(),
            stripe: stripe.trim_end_matches('/').to_owned(),
            stripe_key: env
                .get("STRIPE_CONNECT_SECRET")
                .unwrap_or_else(|| stripe_local::DEFAULT_API_KEY.into()),
            minter: Minter::from_env(&env).unwrap_or_else(|e| panic!("{e}")),
            fee_bps: env
                .get("PLATFORM_FEE_BPS")
                .map_or(Ok(1000), |v| v.parse())
                .unwrap_or_else(|e| panic!("PLATFORM_FEE_BPS: {e}")),
            frontend_origin: origin_of(
                &env.get("FRONTEND_URL")
                    .unwrap_or_else(|| DEV_FRONTEND_URL.into()),
            ),
            _process: None,
        }
    }
}

enum Failure {
    PortTaken(String),
    Fatal(String),
}

/// `scripts/dev.sh` running as the leader of its own process group.
struct DevProcess {
    child: Child,
    log_dir: PathBuf,
}

impl DevProcess {
    fn spawn(log_root: &Path) -> Result<Stack, Failure> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let log_dir = log_root.join(format!("e2e-stack-{}", &id[..12]));
        std::fs::create_dir_all(&log_dir).map_err(|e| Failure::Fatal(e.to_string()))?;
        let log = log_dir.join("dev.log");
        let out = std::fs::File::create(&log).map_err(|e| Failure::Fatal(e.to_string()))?;
        let err = out.try_clone().map_err(|e| Failure::Fatal(e.to_string()))?;
        let (api_port, stripe_port) = (free_port(), free_port());
        let secret = |prefix: &str| format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        let jwt_secret = format!("{}{}", secret("e2e-jwt-"), uuid::Uuid::new_v4().simple());
        let fee_bps = 1000;
        let mut cmd = Command::new("bash");
        cmd.arg(crate::workspace_root().join("scripts/dev.sh"))
            .current_dir(crate::workspace_root())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            // Only what is set here: not the developer's .env, nor their JWT/Stripe settings.
            .env("DEV_ENV_FILE", "/dev/null")
            .env("STRIPE_MODE", "local")
            .env("DEV_NO_RELOAD", "1")
            // The seller page (web/) is the browser test's, not this test's.
            .env("DEV_WEB", "0")
            .env("DEV_LOG_DIR", &log_dir)
            .env("API_PORT", api_port.to_string())
            .env("STRIPE_LOCAL_PORT", stripe_port.to_string())
            .env("JWT_ALGORITHM", "HS256")
            .env("JWT_SECRET", &jwt_secret)
            .env("ONBOARDING_STATE_SECRET", secret("e2e-state-secret-"))
            .env("STRIPE_WEBHOOK_SECRET", secret("whsec_"))
            .env("STRIPE_CONNECT_WEBHOOK_SECRET", secret("whsec_"))
            .env("PLATFORM_FEE_BPS", fee_bps.to_string())
            // The test reads balances right after the money moved.
            .env("BALANCE_CACHE_TTL_SECONDS", "1");
        // Cargo gives this test process the e2e crate's CARGO_PKG_*, CARGO_MANIFEST_DIR, ...: build
        // scripts (ring's) track some of them, so the nested builds would see "changed" values
        // and rebuild, and then the next build from a shell rebuilds again.
        for (var, _) in std::env::vars_os() {
            let name = var.to_string_lossy();
            let from_cargo_test = [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
            ]
            .iter()
            .any(|p| name.starts_with(p))
                || [
                    "CARGO",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "OUT_DIR",
                ]
                .contains(&name.as_ref());
            if from_cargo_test {
                cmd.env_remove(&var);
            }
        }
        for var in [
            "STRIPE_CONNECT_SECRET",
            "STRIPE_API_BASE",
            "STRIPE_LIVEMODE",
            "JWT_ISSUER",
            "JWT_AUDIENCE",
            "JWT_ROLE_CLAIM",
            "JWT_SELLER_ROLE",
            "JWT_PUBLIC_KEY",
            "PUBLIC_API_URL",
            "FRONTEND_URL",
        ] {
            cmd.env_remove(var);
        }
        // Own tables (on `make test`'s shared moto when DYNAMODB_ENDPOINT is set, else on a moto
        // that dev.sh starts on a free port).
        for table in [
            "SELLER_ACCOUNTS",
            "PAYOUT_LEDGER",
            "WEBHOOK_EVENTS",
            "BALANCE_CACHE",
        ] {
            let name = format!(
                "e2e{}-{}",
                &id[..10],
                table.to_lowercase().replace('_', "-")
            );
            cmd.env(format!("{table}_TABLE"), name);
        }
        if std::env::var("DYNAMODB_ENDPOINT").map_or(true, |v| v.is_empty()) {
            cmd.env_remove("DYNAMODB_ENDPOINT")
                .env("DYNAMODB_PORT", free_port().to_string());
        }
        {
            use std::os::unix::process::CommandExt as _;
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .map_err(|e| Failure::Fatal(format!("cannot run scripts/dev.sh: {e}")))?;
        let mut process = DevProcess { child, log_dir };
        process.wait_ready(&log)?;
        Ok(Stack {
            api: format!("http://127.0.0.1:{api_port}"),
            stripe: format!("http://127.0.0.1:{stripe_port}"),
            stripe_key: stripe_local::DEFAULT_API_KEY.into(),
            minter: Minter::hs256(&jwt_secret),
            fee_bps,
            frontend_origin: origin_of(DEV_FRONTEND_URL),
            _process: Some(process),
        })
    }

    /// Polls dev.sh's output for the ready line; fails early if dev.sh exits.
    fn wait_ready(&mut self, log: &Path) -> Result<(), Failure> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if text.contains(READY_MARKER) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let report = format!("scripts/dev.sh exited ({status}):\n{}", self.logs());
                return Err(
                    if text.contains("already in use") || text.contains("is in use") {
                        Failure::PortTaken(report)
                    } else {
                        Failure::Fatal(report)
                    },
                );
            }
            if Instant::now() > deadline {
                return Err(Failure::Fatal(format!(
                    "no `{READY_MARKER}` within {START_TIMEOUT:?}:\n{}",
                    self.logs()
                )));
            }
            std::thread::sleep(POLL);
        }
    }

    /// The tail of every log of this stack.
    fn logs(&self) -> String {
        let mut out = String::new();
        let mut files: Vec<_> = std::fs::read_dir(&self.log_dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "log"))
        {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            out.push_str(&format!(
                "--- {} (last {} lines)\n{}\n",
                file.display(),
                tail.len(),
                tail.join("\n")
            ));
        }
        out
    }

    fn signal_group(&self, signal: &str) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for DevProcess {
    fn drop(&mut self) {
        let failed = std::thread::panicking();
        if failed {
            eprintln!("e2e: the stack's logs:\n{}", self.logs());
        }
        self.signal_group("-TERM");
        let deadline = Instant::now() + STOP_TIMEOUT;
        let mut stopped = false;
        while !stopped && Instant::now() < deadline {
            stopped = matches!(self.child.try_wait(), Ok(Some(_)));
            if !stopped {
                std::thread::sleep(POLL);
            }
        }
        if !stopped {
            eprintln!(
                "e2e: scripts/dev.sh did not stop within {STOP_TIMEOUT:?}: killing its group"
            );
            self.signal_group("-KILL");
            let _ = self.child.wait();
        }
        // Logs are kept for a failed run only (the path is in the panic output).
        if !failed && stopped {
            let _ = std::fs::remove_dir_all(&self.log_dir);
        }
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}
