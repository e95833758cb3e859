//! The command line's commands: they call the library, render its results on
//! stdout/stderr and choose the exit code (the definitions are in `args`).

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use pagemill::config::Settings;
use pagemill::finding::{Finding, Severity};
use pagemill::links::Linker;
use pagemill::pipeline;
use pagemill::validate::{ValidateError, ValidateOptions};
use pagemill::{page, report};

mod args;
mod convert;
mod init;
mod warnings;
pub use args::*;

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
    let mut settings = Settings::load(s.config.as_deref(), s.profile.as_deref()).map_err(usage)?;
    if let Some(dir) = &s.includes {
        settings.set_includes(dir).map_err(usage)?;
    }
    Ok(settings)
}

/// The settings with the site inferred from the pages under `inputs` when the
/// configuration does not name it, saying (unless `quiet`) what was used.
fn with_site(
    settings: Settings,
    inputs: &[std::path::PathBuf],
    quiet: bool,
) -> Result<Settings, Fatal> {
    if !settings.site_unknown() {
        return Ok(settings);
    }
    let say = |message: String| {
        if !quiet {
            eprintln!("pagemill: {message}");
        }
    };
    match pagemill::site::infer(inputs, &settings.config.exclude) {
        Some(site) => {
            let settings = settings.with_site(&site).map_err(usage)?;
            let links = &settings.config.links;
            let aliases = if links.aliases.is_empty() {
                String::new()
            } else {
                format!(", also {}", links.aliases.join(", "))
            };
            say(format!(
                "site {} ({}{aliases}); old root {}; configuration: {}",
                site.origin,
                site.evidence,
                links.old_root.as_deref().unwrap_or(&site.old_root),
                settings.origin
            ));
            Ok(settings)
        }
        None => {
            say(format!(
                "site unknown (no canonical links, og:url, <base href> or absolute links to its pages): \
                 own-site links stay as the pages wrote them; set links.origin in pagemill.yaml \
                 (configuration: {})",
                settings.origin
            ));
            Ok(settings)
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Convert(args) => convert::convert(args),
        Command::Md(args) => md(args),
        Command::Extract(args) => extract(args),
        Command::Links(args) => links(args),
        Command::Validate(args) => validate(args),
        Command::Index(args) => index(args),
        Command::Init(args) => init::init(args),
    }
}

/// Colour for people at a terminal who have not asked for none.
fn color_for(stream: &impl std::io::IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints findings in the chosen format. `files` lists every file checked (for JUnit).
/// People's findings are written as they are rendered: a batch with millions of them is
/// never held as one text.
fn print_findings(format: Format, findings: &[Finding], files: &[String]) -> Result<(), Fatal> {
    let color = color_for(&std::io::stdout());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let text = match format {
        Format::Human => None,
        Format::Json => Some(report::formats::json(findings)),
        Format::Github => Some(report::formats::github(findings)),
        Format::Sarif => Some(report::formats::sarif(findings, env!("CARGO_PKG_VERSION"))),
        Format::Junit => Some(report::formats::junit(files, findings)),
    };
    let written = match text {
        Some(text) => out.write_all(text.as_bytes()),
        None => {
            let source = |file: &str| std::fs::read_to_string(file).ok();
            report::human::write(findings, &source, color, &mut out)
        }
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(internal(anyhow::anyhow!("cannot write the findings: {e}")))
        }
        _ => Ok(()),
    }
}

fn validate(args: ValidateArgs) -> Result<ExitCode, Fatal> {
    let settings = load(&args.settings)?;
    let options = ValidateOptions {
        inputs: args.paths,
        schema: args.schema,
        require_schema: args.require_schema,
        jobs: args.jobs.map(usize::from),
    };
    let report = pagemill::validate::validate(&settings, &options).map_err(|e| match e {
        ValidateError::Pool(_) => internal(e),
        _ => usage(e),
    })?;
    print_findings(args.format, &report.findings, &report.files)?;
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    eprintln!(
        "pagemill: validated {}: {}, {}",
        report::plural(report.files.len(), "file"),
        report::plural(errors, "error"),
        report::plural(report.findings.len() - errors, "warning")
    );
    Ok(ExitCode::from(
        if args.fail_on.reached_by(&report.findings) {
            EXIT_FAILED
        } else {
            EXIT_OK
        },
    ))
}

fn batch_error(e: pipeline::BatchError) -> Fatal {
    match e {
        pipeline::BatchError::Discover(_)
        | pipeline::BatchError::StaleIndex
        | pipeline::BatchError::Overlap(_)
        | pipeline::BatchError::State(pagemill::state::StateError::Busy(_)) => usage(e),
        pipeline::BatchError::State(_) => internal(e),
        pipeline::BatchError::Pool { .. } | pipeline::BatchError::Unreadable(_) => internal(e),
    }
}

fn read_site_index(path: &std::path::Path) -> Result<pipeline::SiteIndex, Fatal> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the site index", path.display()))
        .map_err(usage)?;
    serde_json::from_str(&text)
        .with_context(|| {
            format!(
                "{}: not a site index written by `pagemill index`",
                path.display()
            )
        })
        .map_err(usage)
}

fn index(args: IndexArgs) -> Result<ExitCode, Fatal> {
    let settings = with_site(load(&args.settings)?, &args.paths, false)?;
    let index =
        pipeline::index(&settings, &args.paths, args.jobs.map(usize::from)).map_err(batch_error)?;
    let json = serde_json::to_string_pretty(&index)
        .context("cannot write the index")
        .map_err(internal)?
        + "\n";
    pipeline::write_atomic(&args.url_map, json.as_bytes())
        .with_context(|| format!("{}: cannot write the site index", args.url_map.display()))
        .map_err(internal)?;
    eprintln!(
        "pagemill: site index of {} pages written to {}",
        index.pages.len(),
        args.url_map.display()
    );
    Ok(ExitCode::from(EXIT_OK))
}

fn links(args: LinksArgs) -> Result<ExitCode, Fatal> {
    let settings = with_site(load(&args.settings)?, &args.paths, false)?;
    let pipeline::Inventory { records, failures } =
        pipeline::inventory(&settings, &args.paths, args.jobs.map(usize::from))
            .map_err(batch_error)?;
    for (path, message) in &failures {
        eprintln!("error: {}: {message}", path.display());
    }
    match args.format {
        LinksFormat::Human => print!("{}", report::links_human(&records)),
        LinksFormat::Json => {
            let json = serde_json::to_string_pretty(&records)
                .context("cannot write links as JSON")
                .map_err(internal)?;
            println!("{json}");
        }
    }
    let failing = records
        .iter()
        .filter(|r| args.fail_on.iter().any(|f| f.matches(r)))
        .count();
    if failing > 0 {
        eprintln!("pagemill: {failing} links match --fail-on");
    }
    Ok(ExitCode::from(if failing > 0 || !failures.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    }))
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
    let (name, bytes) = read_input(&args.input)?;
    let decoded = pagemill::source::decode::decode(&bytes);
    let rendered = page::html_to_markdown(
        &decoded.text,
        &Linker::verbatim(),
        pagemill::markdown::Options {
            faithful: true,
            flavor: args.flavor,
            heading_ids: false,
            table_header: args.table_header,
        },
    );
    for loss in &rendered.losses {
        let line = loss.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!(
            "warning: {name}{line}: [loss] <{}>: {}",
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
    let settings = with_site(
        load(&args.settings)?,
        std::slice::from_ref(&args.file),
        true,
    )?;
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("{name}: cannot read"))
        .map_err(usage)?;
    let rel = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    let includes = settings.includes_for(&args.file);
    let ctx = page::Context {
        rel_path: &rel,
        includes: includes.as_ref(),
        boilerplate: None,
        review: false,
    };
    match page::convert(&bytes, ctx, &settings, &Linker::plain(&settings.policy)) {
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
            let location = e.line().map(|l| format!(":{l}")).unwrap_or_default();
            eprintln!("error: {name}{location}: {e}");
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
