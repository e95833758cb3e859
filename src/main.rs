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
            eprintln!("error: {:#}", fatal.error);
            ExitCode::from(fatal.code)
        }
    }
}
