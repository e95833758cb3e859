//! The `pagemill` binary: tune the allocator, parse the command line, run the command,
//! map the result to an exit code (0 clean, 1 a page failed, 2 usage or configuration
//! error, 3 I/O or internal error).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tune_allocator();
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

/// Two glibc allocator settings that keep a long batch's peak memory down (about 15 MB
/// of RSS at 20,000 pages): blocks of 128 KB and up (a large page's source and text)
/// come from mappings of their own, given back when freed (left to itself, glibc raises
/// that threshold after the first such block is freed, and a batch's few large pages
/// leave the heap grown for the rest of the run); and one heap arena per core, not
/// eight, so memory one worker frees is there for another.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets allocator parameters; it is called before any thread is
    // started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
