//! The command line: clap definitions and the commands that call the library, render
//! its results on stdout/stderr and choose the exit code.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use pagemill::config::Settings;
use pagemill::pipeline::{self, ConvertOptions, Status};
use pagemill::{page, report};

/// Exit codes: the contract CI scripts rely on.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERNAL: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "pagemill",
    version,
    about = "Migrate legacy HTML department pages into Markdown with validated YAML front matter",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Convert pages to Markdown files with front matter (default: input/ → output/)
    Convert(ConvertArgs),
    /// Convert any HTML to Markdown on stdout, without extraction
    Md(MdArgs),
    /// Print a page's validated record (its front matter) as YAML
    Extract(ExtractArgs),
}

#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Configuration file [default: ./pagemill.yaml if present, else the built-in City of Chicago default]
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extraction profile: a built-in name (chicago-department) or a profile YAML file
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Folders or files to convert
    #[arg(value_name = "PATH", default_value = "input")]
    pub paths: Vec<PathBuf>,
    /// Output folder; the input tree is mirrored under it
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// Worker threads [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print only errors and the summary, not warnings
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug)]
pub struct MdArgs {
    /// HTML file, or - for standard input
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub input: String,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// The page
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// A failure that stops the command, with the exit code it maps to.
#[derive(Debug)]
pub struct Fatal {
    pub code: u8,
    pub error: anyhow::Error,
}

fn usage(error: impl Into<anyhow::Error>) -> Fatal {
    Fatal {
        code: EXIT_USAGE,
        error: error.into(),
    }
}

fn internal(error: impl Into<anyhow::Error>) -> Fatal {
    Fatal {
        code: EXIT_INTERNAL,
        error: error.into(),
    }
}

fn load(s: &SettingsArgs) -> Result<Settings, Fatal> {
    Settings::load(s.config.as_deref(), s.profile.as_deref()).map_err(usage)
}

pub fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Convert(args) => convert(args),
        Command::Md(args) => md(args),
        Command::Extract(args) => extract(args),
    }
}

fn convert(args: ConvertArgs) -> Result<ExitCode, Fatal> {
    let settings = load(&args.settings)?;
    let options = ConvertOptions {
        inputs: args.paths,
        output: args.output,
        jobs: args.jobs.map(usize::from),
    };
    let report = pipeline::convert(&settings, &options).map_err(|e| match e {
        pipeline::BatchError::Discover(_) => usage(e),
        pipeline::BatchError::Pool { .. } => internal(e),
    })?;
    let mut stderr = String::new();
    for page in &report.pages {
        for line in report::page_lines(page, !args.quiet) {
            stderr.push_str(&line);
            stderr.push('\n');
        }
    }
    stderr.push_str(&report::summary(&report));
    eprintln!("{stderr}");
    let failed = report.count(Status::Failed) > 0;
    Ok(ExitCode::from(if failed { EXIT_FAILED } else { EXIT_OK }))
}

fn read_input(input: &str) -> Result<(String, Vec<u8>), Fatal> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")
            .map_err(internal)?;
        return Ok(("<stdin>".to_string(), buf));
    }
    let bytes = std::fs::read(input)
        .with_context(|| format!("{input}: cannot read"))
        .map_err(usage)?;
    Ok((input.to_string(), bytes))
}

fn md(args: MdArgs) -> Result<ExitCode, Fatal> {
    let settings = load(&args.settings)?;
    let (name, bytes) = read_input(&args.input)?;
    let decoded = pagemill::source::decode::decode(&bytes);
    let rendered = page::html_to_markdown(&decoded.text, &settings);
    for loss in &rendered.losses {
        eprintln!(
            "warning: {name}: [loss] <{}>: {}",
            loss.element, loss.reason
        );
    }
    if rendered.markdown.is_empty() {
        return Ok(ExitCode::from(EXIT_OK));
    }
    println!("{}", rendered.markdown);
    Ok(ExitCode::from(EXIT_OK))
}

fn extract(args: ExtractArgs) -> Result<ExitCode, Fatal> {
    let settings = load(&args.settings)?;
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("{name}: cannot read"))
        .map_err(usage)?;
    let rel = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    match page::convert(&bytes, &rel, &settings) {
        Ok(converted) => {
            for w in &converted.warnings {
                eprintln!("{}", report::diagnostic_line(&name, w));
            }
            let yaml = serde_yaml::to_string(&serde_yaml::Value::Mapping(converted.record))
                .context("cannot write the record as YAML")
                .map_err(internal)?;
            print!("{yaml}");
            Ok(ExitCode::from(EXIT_OK))
        }
        Err(e) => {
            let line = match &e {
                page::PageError::FrontMatter(fm) => fm.line(),
                _ => None,
            };
            let location = line.map(|l| format!(":{l}")).unwrap_or_default();
            eprintln!("error: {name}{location}: {e}");
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
