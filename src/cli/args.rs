//! The command line's definitions: commands, their flags and arguments (clap), and the
//! exit codes they map to.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use pagemill::finding::{Finding, Severity};
use pagemill::links::redirects::RedirectFormat;
use pagemill::links::scan::LinkRecord;

/// Exit codes: the contract CI scripts rely on.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERNAL: u8 = 3;
/// Stopped by SIGINT (130) or SIGTERM (143): 128 + the signal.
pub const EXIT_INTERRUPTED: u8 = 130;

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
    /// Write a commented pagemill.yaml for a batch: the inferred site, what `auto` picks
    /// per folder, includes folders, encodings, the pages that would fail
    Init(InitArgs),
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folders or files of the site
    #[arg(value_name = "PATH", default_value = "input")]
    pub paths: Vec<PathBuf>,
    /// Where to write the configuration (`-` prints it)
    #[arg(short, long, value_name = "FILE", default_value = "pagemill.yaml")]
    pub output: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
    /// Worker threads [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
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
    pub(super) fn reached_by(self, findings: &[Finding]) -> bool {
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
    pub(super) fn matches(self, r: &LinkRecord) -> bool {
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
    /// Configuration file [default: ./pagemill.yaml if present, else the built-in defaults, the site inferred from the pages]
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
    /// Print the first N warnings of the run one by one and summarize the rest by
    /// kind and rule, or print `all` [default: 50]
    #[arg(long, value_name = "N|all", default_value = "50")]
    pub warnings: super::warnings::WarningLimit,
    /// The site generator the output is for: `plain` Markdown (default), or a `jekyll`
    /// or `hugo` site whose root is -o DIR [default: `target:` in pagemill.yaml]
    #[arg(long, value_name = "TARGET")]
    pub target: Option<pagemill::target::TargetKind>,
    /// With --target: write a starter site (configuration, layouts, an index of the
    /// pages) where DIR has none; existing files are never overwritten
    #[arg(long)]
    pub scaffold: bool,
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
    /// Write the asset inventory (CSV): every file the pages reference — its old URL,
    /// its new URL or `kept` (left on the old site), size, hash and the pages using it
    #[arg(long, value_name = "FILE.csv")]
    pub assets: Option<PathBuf>,
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
    /// What heads a table without header cells: its first row when it reads as one
    /// (auto), always its first row, or an empty row
    #[arg(long, value_enum, default_value_t = pagemill::markdown::TableHeader::Auto)]
    pub table_header: pagemill::markdown::TableHeader,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// The page
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
}
