//! The command line: clap definitions and the commands that call the library, render
//! its results on stdout/stderr and choose the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use pagemill::config::Settings;
use pagemill::finding::{Finding, Severity};
use pagemill::links::redirects::RedirectFormat;
use pagemill::links::scan::LinkRecord;
use pagemill::links::Linker;
use pagemill::pipeline::{self, ConvertOptions, Status};
use pagemill::validate::{ValidateError, ValidateOptions};
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
    /// List every link of every page: original, normalized, rules, status and kind
    Links(LinksArgs),
    /// Check front matter (.md) and records (.yaml) against schemas, and body links
    Validate(ValidateArgs),
    /// Write the whole site's URL map and boilerplate once, for `convert --shard`
    Index(IndexArgs),
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Folders or files of the whole site
    #[arg(value_name = "PATH", default_value = "input")]
    pub paths: Vec<PathBuf>,
    /// Where to write the site index (JSON)
    #[arg(long, value_name = "FILE")]
    pub url_map: PathBuf,
    /// Worker threads [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `K/N`: shard K (1-based) of N.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/8")?;
    let k: usize = k
        .trim()
        .parse()
        .map_err(|_| format!("bad shard number {k:?}"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("bad shard count {n:?}"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

/// How findings are printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
}

/// The least severity that makes the exit code 1.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailLevel {
    Error,
    Warning,
    Never,
}

impl FailLevel {
    fn reached_by(self, findings: &[Finding]) -> bool {
        match self {
            FailLevel::Never => false,
            FailLevel::Warning => !findings.is_empty(),
            FailLevel::Error => findings.iter().any(|f| f.severity == Severity::Error),
        }
    }
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Folders or files (.md front matter, .yaml/.yml records)
    #[arg(value_name = "PATH", default_value = "output")]
    pub paths: Vec<PathBuf>,
    /// Check every file against this JSON Schema, whatever the configuration says
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// A file no schema applies to is an error, not a warning
    #[arg(long)]
    pub require_schema: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding is at least this severe
    #[arg(long, value_enum, default_value_t = FailLevel::Error)]
    pub fail_on: FailLevel,
    /// Worker threads [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug)]
pub struct LinksArgs {
    /// Folders or files to read
    #[arg(value_name = "PATH", default_value = "input")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = LinksFormat::Human)]
    pub format: LinksFormat,
    /// Exit 1 when a link has one of these statuses or kinds
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,
    /// Worker threads [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinksFormat {
    Human,
    Json,
}

/// A link status or kind that fails `pagemill links`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Kept,
    Rewritten,
    Dropped,
    Internal,
    OwnSite,
    External,
    Email,
    Phone,
    Fragment,
}

impl FailOn {
    fn matches(self, r: &LinkRecord) -> bool {
        use pagemill::links::{LinkKind as K, LinkStatus as S};
        match self {
            FailOn::Kept => r.status == S::Kept,
            FailOn::Rewritten => r.status == S::Rewritten,
            FailOn::Dropped => r.status == S::Dropped,
            FailOn::Internal => r.kind == K::Internal,
            FailOn::OwnSite => r.kind == K::OwnSite,
            FailOn::External => r.kind == K::External,
            FailOn::Email => r.kind == K::Email,
            FailOn::Phone => r.kind == K::Phone,
            FailOn::Fragment => r.kind == K::Fragment,
        }
    }
}

#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Configuration file [default: ./pagemill.yaml if present, else the built-in City of Chicago default]
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extraction profile: a built-in name (chicago-department) or a profile YAML file
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Jekyll includes folder for `{% include %}` tags [default: the nearest `_includes` beside or above each page]
    #[arg(long, value_name = "DIR")]
    pub includes: Option<PathBuf>,
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
    /// Write nothing; exit 1 listing the pages whose output would change (the CI
    /// guard that committed output is current)
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Write nothing; list the pages whose output would change
    #[arg(long)]
    pub dry_run: bool,
    /// With --check or --dry-run (implied): show a unified diff of each change
    #[arg(long)]
    pub diff: bool,
    /// Write a redirect map (old URL → new URL) to FILE: `*.csv`, `_redirects`
    /// (Netlify/Cloudflare) or `*.conf` (nginx map)
    #[arg(long, value_name = "FILE")]
    pub redirects: Option<PathBuf>,
    /// The redirect file's format, when its name does not say
    #[arg(long, value_name = "FORMAT", requires = "redirects")]
    pub redirects_format: Option<RedirectFormat>,
    /// Write a review report: `*.json` (per page status, fields, losses, removed
    /// blocks, link rewrites, encoding, timing) or `*.html` (one self-contained page:
    /// legacy content beside the rendered Markdown, dropped content highlighted)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Overwrite outputs edited by hand since pagemill wrote them
    #[arg(long)]
    pub force: bool,
    /// Remove outputs whose source is gone
    #[arg(long)]
    pub prune: bool,
    /// No progress bar (there is none either when stderr is not a terminal)
    #[arg(long)]
    pub no_progress: bool,
    /// Convert only shard K of N (pages split by a hash of their path); needs --url-map
    #[arg(long, value_name = "K/N", value_parser = parse_shard, requires = "url_map")]
    pub shard: Option<(usize, usize)>,
    /// The site index written by `pagemill index` (URL map and boilerplate of the whole site)
    #[arg(long, value_name = "FILE")]
    pub url_map: Option<PathBuf>,
    /// How page diagnostics are printed: human (stderr) or a machine format (stdout)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 also when a diagnostic is at least this severe (failed pages always do)
    #[arg(long, value_enum, default_value_t = FailLevel::Error)]
    pub fail_on: FailLevel,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug)]
pub struct MdArgs {
    /// HTML file, or - for standard input
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub input: String,
    /// Markdown flavour
    #[arg(long, value_enum, default_value_t = pagemill::markdown::Flavor::Gfm)]
    pub flavor: pagemill::markdown::Flavor,
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
    let mut settings = Settings::load(s.config.as_deref(), s.profile.as_deref()).map_err(usage)?;
    if let Some(dir) = &s.includes {
        settings.set_includes(dir).map_err(usage)?;
    }
    Ok(settings)
}

pub fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Convert(args) => convert(args),
        Command::Md(args) => md(args),
        Command::Extract(args) => extract(args),
        Command::Links(args) => links(args),
        Command::Validate(args) => validate(args),
        Command::Index(args) => index(args),
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
        "pagemill: validated {} files: {errors} errors, {} warnings",
        report.files.len(),
        report.findings.len() - errors
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
        pipeline::BatchError::Discover(_) | pipeline::BatchError::StaleIndex => usage(e),
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
    let settings = load(&args.settings)?;
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
    let settings = load(&args.settings)?;
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

fn convert(args: ConvertArgs) -> Result<ExitCode, Fatal> {
    let settings = load(&args.settings)?;
    let redirects = match &args.redirects {
        None => None,
        Some(path) => {
            let format = args
                .redirects_format
                .or_else(|| RedirectFormat::from_path(path))
                .ok_or_else(|| {
                    usage(anyhow::anyhow!(
                        "{}: cannot tell the redirect format from the name; use --redirects-format csv|netlify|nginx",
                        path.display()
                    ))
                })?;
            Some((path.clone(), format))
        }
    };
    let options = ConvertOptions {
        inputs: args.paths,
        output: args.output.clone(),
        jobs: args.jobs.map(usize::from),
        redirects,
        dry_run: args.check || args.dry_run || args.diff,
        diff: args.diff,
        details: args.report.is_some(),
        // The machine formats list every finding at the end; people read them as
        // pages finish.
        keep_findings: args.format != Format::Human,
        force: args.force,
        prune: args.prune,
        shard: args.shard,
        site: match &args.url_map {
            Some(path) => Some(read_site_index(path)?),
            None => None,
        },
    };
    let report_html = match &args.report {
        Some(path) => {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            match ext.as_str() {
                "json" => Some(false),
                "html" | "htm" => Some(true),
                _ => {
                    return Err(usage(anyhow::anyhow!(
                        "{}: the report's name must end in .json or .html",
                        path.display()
                    )))
                }
            }
        }
        None => None,
    };
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pages, {per_sec}, ETA {eta}",
            )
            .expect("the progress template is valid"),
        );
        bar
    });
    let human = args.format == Format::Human;
    let on_event = |event: pipeline::Event<'_>| match event {
        pipeline::Event::Planned(total) => {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
            }
        }
        pipeline::Event::Page(page) => {
            let lines = if human {
                report::page_lines(page, !args.quiet)
            } else {
                Vec::new()
            };
            if !lines.is_empty() {
                let text = lines.join("\n");
                match &bar {
                    Some(bar) => bar.suspend(|| eprintln!("{text}")),
                    None => eprintln!("{text}"),
                }
            }
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
    };
    let report = pipeline::convert_with_events(&settings, &options, &on_event);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report.map_err(batch_error)?;
    let mut stderr = String::new();
    let findings = report::findings_of(&report);
    if human {
        for d in &report.batch {
            stderr.push_str(&report::diagnostic_line("batch", d));
            stderr.push('\n');
        }
    } else {
        let files: Vec<String> = report
            .pages
            .iter()
            .map(|p| p.source.display().to_string())
            .collect();
        print_findings(args.format, &findings, &files)?;
    }
    for line in report::orphan_lines(&report) {
        stderr.push_str(&line);
        stderr.push('\n');
    }
    if let Some(line) = report::link_summary(&report) {
        stderr.push_str(&line);
        stderr.push('\n');
    }
    stderr.push_str(&report::summary(&report));
    eprintln!("{stderr}");
    if let Some(path) = &args.report {
        let text = if report_html == Some(true) {
            report::html::render(&report)
        } else {
            report::review::json(&report)
        };
        pipeline::write_atomic(path, text.as_bytes())
            .with_context(|| format!("{}: cannot write the report", path.display()))
            .map_err(internal)?;
    }
    let batch_error = report
        .batch
        .iter()
        .any(|d| d.severity == page::Severity::Error);
    if args.check || args.dry_run || args.diff {
        for page in report.pages.iter().filter(|p| p.status == Status::Written) {
            println!(
                "would change: {}",
                options_output(&args.output, &page.output_rel)
            );
            if let Some(diff) = &page.diff {
                print!("{diff}");
            }
        }
    }
    let stale = args.check && report.count(Status::Written) > 0;
    // Counted from the tally: in the human format the findings were let go.
    let batch_errors = report
        .batch
        .iter()
        .filter(|d| d.severity == page::Severity::Error)
        .count();
    let reached = match args.fail_on {
        FailLevel::Never => false,
        FailLevel::Warning => report.tally.errors + report.warnings() + report.batch.len() > 0,
        FailLevel::Error => report.tally.errors + batch_errors > 0,
    };
    let failed = stale || report.count(Status::Failed) > 0 || reached;
    Ok(ExitCode::from(if batch_error {
        EXIT_INTERNAL
    } else if failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }))
}

fn options_output(dir: &std::path::Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
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
