//! `mint-token --sub usr_alice [--role seller]... [--email a@example.com] [--ttl 3600]
//! [--env-file PATH]`: prints a seller token the local functions accept (HS256 with `JWT_SECRET`
//! and the JWT_* claim settings, from the environment or else `.local/dev.env` of `make dev`).

use std::path::PathBuf;
use std::process::ExitCode;

use e2e::devenv::DevEnv;
use e2e::token::{Minter, TokenSpec};

const USAGE: &str = "usage: mint-token --sub USER_ID [--role ROLE]... [--email EMAIL] [--ttl SECONDS] [--env-file PATH]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mint-token: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let mut spec = TokenSpec::seller("");
    let mut env_file: Option<PathBuf> = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sub" => spec.sub = value()?,
            "--role" => spec.roles.push(value()?),
            "--email" => spec.email = Some(value()?),
            "--ttl" => {
                spec.ttl_seconds = value()?
                    .parse()
                    .map_err(|_| "--ttl takes whole seconds".to_owned())?
            }
            "--env-file" => env_file = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err("help requested".into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if spec.sub.trim().is_empty() {
        return Err("--sub is required".into());
    }
    let env = DevEnv::load(env_file.as_deref())?;
    Minter::from_env(&env)?.mint(&spec)
}
