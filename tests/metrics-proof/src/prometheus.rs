//! Runs a real Prometheus server (Debian's `prometheus` package) scraping the proof exporter.

use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::time::{Instant, sleep};

/// Where Debian's `prometheus` package installs the server; `PROMETHEUS_BIN` overrides it.
pub const DEFAULT_BINARY: &str = "/usr/bin/prometheus";
/// The placeholder infra/prometheus/ci.yml uses for the exporter's port.
pub const PORT_PLACEHOLDER: &str = "${EXPORTER_PORT}";
const POLL: Duration = Duration::from_millis(100);

#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    #[error(
        "prometheus binary not found at {0} (apt-get install -y prometheus, or set PROMETHEUS_BIN)"
    )]
    NotInstalled(PathBuf),
    #[error("{0}")]
    Setup(String),
    #[error("prometheus exited early ({status}); its log:\n{log}")]
    Exited { status: String, log: String },
    #[error("timed out after {timeout:?} waiting for {what}; prometheus log:\n{log}")]
    Timeout {
        what: String,
        timeout: Duration,
        log: String,
    },
}

pub fn binary() -> PathBuf {
    std::env::var_os("PROMETHEUS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BINARY))
}

pub fn available() -> bool {
    binary().is_file()
}

/// A running Prometheus with its own config and storage in a temporary directory; killed and
/// cleaned up on drop.
pub struct PrometheusServer {
    // A Mutex so `&self` polling can call try_wait to notice an early exit.
    child: Mutex<Child>,
    dir: PathBuf,
    base_url: String,
    http: reqwest::Client,
}

impl PrometheusServer {
    /// Starts Prometheus with `config_template` (its `${EXPORTER_PORT}` replaced by the exporter's
    /// port) and waits until its HTTP API answers.
    pub async fn start(
        config_template: &Path,
        exporter: SocketAddr,
        timeout: Duration,
    ) -> Result<Self, PrometheusError> {
        let bin = binary();
        if !bin.is_file() {
            return Err(PrometheusError::NotInstalled(bin));
        }
        let template = std::fs::read_to_string(config_template)
            .map_err(|e| PrometheusError::Setup(format!("{}: {e}", config_template.display())))?;
        if !template.contains(PORT_PLACEHOLDER) {
            return Err(PrometheusError::Setup(format!(
                "{} lacks {PORT_PLACEHOLDER}",
                config_template.display()
            )));
        }
        let dir = temp_dir().map_err(|e| PrometheusError::Setup(format!("temp dir: {e}")))?;
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            template.replace(PORT_PLACEHOLDER, &exporter.port().to_string()),
        )
        .map_err(|e| PrometheusError::Setup(format!("{}: {e}", config.display())))?;
        let port = free_port().map_err(|e| PrometheusError::Setup(format!("free port: {e}")))?;
        let log = std::fs::File::create(dir.join("prometheus.log"))
            .map_err(|e| PrometheusError::Setup(format!("log file: {e}")))?;
        let log_err = log
            .try_clone()
            .map_err(|e| PrometheusError::Setup(format!("log file: {e}")))?;
        let child = Command::new(&bin)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| PrometheusError::Setup(format!("spawn {}: {e}", bin.display())))?;
        let server = Self {
            child: Mutex::new(child),
            dir,
            base_url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| PrometheusError::Setup(format!("http client: {e}")))?,
        };
        let ready_url = format!("{}/-/ready", server.base_url);
        server
            .wait_until("the /-/ready endpoint", timeout, || async {
                server
                    .http
                    .get(&ready_url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
            .await?;
        Ok(server)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Waits until the scrape target is up and at least `series` series of it are queryable.
    pub async fn wait_for_series(
        &self,
        series: usize,
        timeout: Duration,
    ) -> Result<(), PrometheusError> {
        let url = format!("{}/api/v1/query", self.base_url);
        let what = format!("{series} scraped series (target up, samples ingested)");
        self.wait_until(&what, timeout, || async {
            let query = [(
                "query",
                r#"count({job="metrics-proof", __name__=~"aws_.+"})"#,
            )];
            let Ok(resp) = self.http.get(&url).query(&query).send().await else {
                return false;
            };
            let Ok(body) = resp.json::<Value>().await else {
                return false;
            };
            let count = body["data"]["result"][0]["value"][1]
                .as_str()
                .and_then(|v| v.parse::<f64>().ok());
            count.is_some_and(|c| c >= series as f64)
        })
        .await
    }

    /// Polls `condition` until it holds; fails early if Prometheus exits, or at the timeout.
    async fn wait_until<F, Fut>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: F,
    ) -> Result<(), PrometheusError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if condition().await {
                return Ok(());
            }
            if let Some(status) = self.exit_status() {
                return Err(PrometheusError::Exited {
                    status,
                    log: self.log(),
                });
            }
            if Instant::now() >= deadline {
                return Err(PrometheusError::Timeout {
                    what: what.into(),
                    timeout,
                    log: self.log(),
                });
            }
            sleep(POLL).await;
        }
    }

    fn exit_status(&self) -> Option<String> {
        let mut child = self.child.lock().ok()?;
        child
            .try_wait()
            .ok()
            .flatten()
            .map(|status| status.to_string())
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh directory under the system temp dir, unique per process and call.
fn temp_dir() -> std::io::Result<PathBuf> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("metrics-proof-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// An ephemeral loopback port for Prometheus. The listener is closed before Prometheus binds
/// it; should another process grab the port meanwhile, Prometheus exits and the proof reports it.
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}
