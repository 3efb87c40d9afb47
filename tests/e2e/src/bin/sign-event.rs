//! `sign-event [--secret whsec_...]... [--timestamp UNIX] [--env-file PATH] EVENT.json`: prints
//! the API Gateway webhook event with a fresh `stripe-signature` (valid for 300 s), ready for
//! `cargo lambda invoke webhook --data-file` or `sam local invoke WebhookFunction -e`.
//!
//! Without `--secret`, the endpoint's secret comes from `STRIPE_WEBHOOK_SECRET` or
//! `STRIPE_CONNECT_WEBHOOK_SECRET` (by the event's `rawPath`; comma-separated during a roll), from
//! the environment or else `.local/dev.env` of `make dev`.

use std::path::PathBuf;
use std::process::ExitCode;

use e2e::devenv::DevEnv;
use e2e::sign;

const USAGE: &str =
    "usage: sign-event [--secret whsec_...]... [--timestamp UNIX] [--env-file PATH] EVENT.json";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(event) => {
            println!("{event}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sign-event: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let (mut secrets, mut t, mut env_file, mut file) = (Vec::new(), e2e::unix_now(), None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--secret" => secrets.push(value()?),
            "--timestamp" => {
                t = value()?
                    .parse()
                    .map_err(|_| "--timestamp takes unix seconds")?
            }
            "--env-file" => env_file = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err("help requested".into()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag:?}")),
            path if file.is_none() => file = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    let file = file.ok_or("no event file given")?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut event: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
    if secrets.is_empty() {
        let var = sign::secret_var(sign::raw_path(&event).unwrap_or_default());
        let value = DevEnv::load(env_file.as_deref())?.get(var).ok_or(format!(
            "{var} is not set (run `make dev` first, or pass --secret)"
        ))?;
        secrets = value.split(',').map(|s| s.trim().to_owned()).collect();
    }
    sign::sign_event(&mut event, &secrets, t)?;
    serde_json::to_string_pretty(&event).map_err(|e| e.to_string())
}
