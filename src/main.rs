//! The `pagemill` binary: the allocator, parse the command line, run the command,
//! map the result to an exit code (0 clean, 1 a page failed, 2 usage or configuration
//! error, 3 I/O or internal error).

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

/// The allocator: jemalloc, about 8% fewer instructions than glibc's malloc for a batch
/// (a page's tree is many small allocations, freed together), with settings that keep
/// a long batch's peak memory where glibc's was: one arena for all workers, so memory
/// one frees is there for another; freed pages given back to the system after a second,
/// without a second, lazier stage.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read from this symbol before the first allocation.
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
pub struct AllocatorSettings(*const std::ffi::c_char);

// SAFETY: the pointer is to a static C string that nothing writes.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for AllocatorSettings {}

#[cfg(not(target_env = "msvc"))]
#[export_name = "_rjem_malloc_conf"]
pub static ALLOCATOR_SETTINGS: AllocatorSettings =
    AllocatorSettings(c"narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());
