//! `pagemill init`: a commented `pagemill.yaml` for a batch — the inferred site, what
//! `profile: auto` picks per folder, the includes folders, the encodings seen and the
//! pages that would fail — from a dry run over the pages (nothing else is written).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pagemill::config::{Settings, ANY_SITE_CONFIG, BUILT_IN};
use pagemill::pipeline::{ConvertOptions, Status};

use std::path::Path;

use super::*;

pub(super) fn init(args: InitArgs) -> Result<ExitCode, Fatal> {
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout && args.output.exists() && !args.force {
        return Err(usage(anyhow::anyhow!(
            "{} exists; --force overwrites it (or -o - prints the configuration)",
            args.output.display()
        )));
    }
    let settings =
        Settings::from_yaml(ANY_SITE_CONFIG, BUILT_IN, Path::new("."), None).map_err(internal)?;
    let site = pagemill::site::infer(&args.paths, &settings.config.exclude);
    let settings = match &site {
        Some(site) => settings.with_site(site).map_err(usage)?,
        None => settings,
    };
    let scratch = tempfile::tempdir().map_err(internal)?;
    let report = pipeline::convert(
        &settings,
        &ConvertOptions {
            inputs: args.paths.clone(),
            output: scratch.path().join("out"),
            jobs: args.jobs.map(usize::from),
            dry_run: true,
            keep_findings: true,
            ..ConvertOptions::default()
        },
    )
    .map_err(batch_error)?;
    let text = render(&args, &settings, site.as_ref(), &report);
    if to_stdout {
        print!("{text}");
    } else {
        pipeline::write_atomic(&args.output, text.as_bytes()).map_err(|e| {
            internal(anyhow::anyhow!(
                "cannot write {}: {e}",
                args.output.display()
            ))
        })?;
        eprintln!(
            "pagemill: wrote {} for {} ({}); review it, then run `pagemill convert`",
            args.output.display(),
            report::plural(report.pages.len(), "page"),
            match &site {
                Some(s) => format!("site {}", s.origin),
                None => "site unknown".to_string(),
            }
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn render(
    args: &InitArgs,
    settings: &Settings,
    site: Option<&pagemill::site::InferredSite>,
    report: &pipeline::BatchReport,
) -> String {
    let mut out = String::new();
    let inputs: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(
        out,
        "# pagemill configuration for {}, written by `pagemill init` from {}.",
        inputs.join(" "),
        report::plural(report.pages.len(), "page")
    );
    out.push_str("# Every key may be left out: the built-in defaults apply.\n\n");
    // What `auto` picks, by top folder.
    let mut by_folder: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut encodings: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failing: Vec<(String, String)> = Vec::new();
    for p in &report.pages {
        let folder = match p.output_rel.split_once('/') {
            Some((first, _)) => format!("{first}/"),
            None => "(top)".to_string(),
        };
        if let Some(profile) = &p.profile {
            *by_folder
                .entry(folder)
                .or_default()
                .entry(profile.clone())
                .or_default() += 1;
        }
        if let Some(e) = p.encoding {
            *encodings.entry(e.name).or_default() += 1;
        }
        if p.status == Status::Failed {
            let why = p
                .diagnostics
                .iter()
                .find(|d| d.severity == pagemill::page::Severity::Error)
                .map(|d| d.message.lines().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            failing.push((p.source.display().to_string(), why));
        }
    }
    out.push_str("# The profile that converts each page: `auto` recognizes the template; by folder\n# it picks:\n");
    for (folder, profiles) in &by_folder {
        let picks: Vec<String> = profiles
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect();
        let _ = writeln!(out, "#   {folder}: {}", picks.join(", "));
    }
    out.push_str("# Pin one per folder with `profiles:`, e.g.\n# profiles:\n#   - { match: \"news/**\", profile: generic }\nprofile: auto\n\n");
    let links = &settings.config.links;
    match site {
        Some(s) => {
            let _ = writeln!(out, "# The site, inferred from {}.", s.evidence);
        }
        None => out.push_str(
            "# The site could not be inferred (no canonical links, og:url, <base href> or\n# absolute links to its pages): set links.origin and links.old_root.\n",
        ),
    }
    out.push_str("links:\n");
    match &links.origin {
        Some(o) => {
            let _ = writeln!(out, "  origin: {o}");
        }
        None => out.push_str("  # origin: https://www.example.gov\n"),
    }
    if !links.aliases.is_empty() {
        let _ = writeln!(out, "  aliases: [{}]", links.aliases.join(", "));
    }
    match &links.old_root {
        Some(r) => {
            let _ = writeln!(
                out,
                "  # Where the input root was on the old site: a/b.html was at {r}a/b.html\n  old_root: {r}"
            );
        }
        None => out.push_str("  # old_root: https://www.example.gov/\n"),
    }
    // The rest of the defaults, as the built-in file writes them.
    let defaults = ANY_SITE_CONFIG
        .split_once("\nlinks:\n")
        .map_or("", |(_, rest)| rest);
    out.push_str(defaults);
    let mut includes: Vec<String> = Vec::new();
    for input in &args.paths {
        for entry in walkdir::WalkDir::new(input)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir() && e.file_name() == "_includes")
        {
            includes.push(entry.path().display().to_string());
        }
    }
    if !includes.is_empty() {
        out.push_str("\n# Jekyll includes folders found (each page uses the nearest one):\n");
        for i in &includes {
            let _ = writeln!(out, "#   {i}");
        }
        out.push_str("# includes: path/to/_includes   # one folder for every page\n");
    }
    let seen: Vec<String> = encodings
        .iter()
        .map(|(e, n)| format!("{e} ({n})"))
        .collect();
    let _ = writeln!(out, "\n# Encodings seen: {}", seen.join(", "));
    if failing.is_empty() {
        out.push_str("# Every page converts.\n");
    } else {
        let _ = writeln!(
            out,
            "# {} would fail; look at them before the first run:",
            report::plural(failing.len(), "page")
        );
        for (path, why) in failing.iter().take(50) {
            let _ = writeln!(out, "#   {path}: {why}");
        }
        if failing.len() > 50 {
            let _ = writeln!(out, "#   … and {} more", failing.len() - 50);
        }
    }
    out
}
