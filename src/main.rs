//! The `pagemill` binary: parse the command line, run the command, map the result to an
//! exit code (0 clean, 1 a page failed, 2 usage or configuration error, 3 I/O or
//! internal error).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(fatal) => {
            eprintln!("error: {}", said_once(&fatal.error));
            ExitCode::from(fatal.code)
        }
    }
}

/// The error and its causes, each said once: a cause whose words the message already
/// holds (errors that quote their source) is not repeated.
fn said_once(error: &anyhow::Error) -> String {
    let mut out = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}
