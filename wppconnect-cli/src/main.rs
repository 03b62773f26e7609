#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod cli;
mod commands;
mod config;
mod failure;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::config::{Settings, DEFAULT_URL};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // usage errors exit 2, --help and --version 0
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    // the crates' warnings (e.g. a status poll that failed and is repeated) on stderr; RUST_LOG
    // asks for more
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(failure::code::FAILURE);
        }
    };
    let mut secrets: Vec<String> = Vec::new();
    let result = runtime.block_on(run(cli, &mut secrets));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            eprintln!("{}", failure.render(&secrets));
            failure.exit_code()
        }
    }
}

/// Runs the command; `secrets` collects every secret known, to cut them out of errors.
async fn run(cli: Cli, secrets: &mut Vec<String>) -> Result<u8, Failure> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "wppconnect",
            &mut std::io::stdout(),
        );
        return Ok(failure::code::OK);
    }
    let file = config::load(cli.config.as_deref())?;
    let settings = Settings {
        url: cli
            .url
            .or(file.url)
            .unwrap_or_else(|| DEFAULT_URL.to_owned()),
        secret_key: cli.secret_key.or(file.secret_key),
        token: cli.token,
        timeout: cli
            .timeout
            .or(file.timeout.map(std::time::Duration::from_secs)),
    };
    secrets.extend(settings.secrets().into_iter().map(str::to_owned));
    let json = cli.json;
    match cli.command {
        Command::Login(args) => commands::login::run(&settings, args, json).await,
        Command::Sessions { status } => commands::session::list(&settings, status, json).await,
        Command::Status(arg) => commands::session::status(&settings, arg.session, json).await,
        Command::Logout(arg) => commands::session::logout(&settings, arg.session, json).await,
        Command::Close(arg) => commands::session::close(&settings, arg.session, json).await,
        Command::Send(args) => commands::send::run(&settings, args, json).await,
        Command::Listen(mut args) => {
            args.secret = args.secret.or(file.webhook_secret);
            if let Some(secret) = &args.secret {
                secrets.push(secret.expose().to_owned());
            }
            args.bind = args.bind.or(file.bind);
            commands::listen::run(args, json).await
        }
        Command::Call(args) => commands::call::run(&settings, args, json).await,
        Command::Completions { .. } => Ok(failure::code::OK),
    }
}
