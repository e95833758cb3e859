//! The `convert` command: runs the batch, prints each page's lines as it finishes (the
//! warnings printer decides which), writes the review report as pages finish, stops
//! cleanly on SIGINT/SIGTERM, and chooses the exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;

use pagemill::links::redirects::RedirectFormat;
use pagemill::pipeline::{self, ConvertOptions, Status};
use pagemill::{page, report};

use super::*;

pub(super) fn convert(args: ConvertArgs) -> Result<ExitCode, Fatal> {
    let mut settings = with_site(load(&args.settings)?, &args.paths, args.quiet)?;
    if let Some(target) = args.target {
        settings.set_target(target);
    }
    let signals = Signals::catch();
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
        review: args.report.as_ref().is_some_and(|p| {
            p.extension().is_some_and(|e| {
                matches!(
                    e.to_string_lossy().to_ascii_lowercase().as_str(),
                    "html" | "htm"
                )
            })
        }),
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
        also_writes: args.report.iter().chain(&args.assets).cloned().collect(),
        stop: Some(signals.stop.clone()),
        scaffold: args.scaffold,
        assets: args.assets.clone(),
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
    // The review report is written as pages finish, once the batch is planned (and its
    // outputs, the report among them, are known not to be sources).
    let sink: std::sync::OnceLock<Option<Sink>> = std::sync::OnceLock::new();
    let open_sink = || -> std::io::Result<Option<Sink>> {
        Ok(match (&args.report, report_html) {
            (Some(path), Some(true)) => Some(Sink::Html(report::html::HtmlReport::create(path)?)),
            (Some(path), _) => Some(Sink::Json(report::review::JsonReport::create(path)?)),
            _ => None,
        })
    };
    let sink_error: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pages, {rate} pages/s, ETA {eta}",
            )
            .expect("the progress template is valid")
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", progress_rate(state.per_sec()));
                },
            ),
        );
        bar
    });
    let human = args.format == Format::Human;
    let printer = warnings::Printer::new(args.warnings);
    let on_event = |event: pipeline::Event<'_>| match event {
        pipeline::Event::Planned(total) => {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
            }
            let opened = open_sink().unwrap_or_else(|e| {
                sink_error
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
                None
            });
            let _ = sink.set(opened);
        }
        pipeline::Event::Page(page) => {
            let lines = if human {
                printer.lines(page, !args.quiet)
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
            if let Some(Some(sink)) = sink.get() {
                if let Err(e) = sink.page(page) {
                    sink_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(e);
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
    if let Some(line) = printer.summary() {
        stderr.push_str(&line);
        stderr.push('\n');
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
        let failed = sink_error.into_inner().unwrap_or_else(|e| e.into_inner());
        let written = match (failed, sink.into_inner().flatten()) {
            (Some(e), _) => Err(e),
            (None, Some(sink)) => sink.finish(&report),
            (None, None) => Ok(()),
        };
        written
            .with_context(|| format!("{}: cannot write the report", path.display()))
            .map_err(internal)?;
    }
    if report.interrupted.is_some() {
        return Ok(ExitCode::from(signals.exit_code()));
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

/// Where the review report goes as pages finish.
enum Sink {
    Html(report::html::HtmlReport),
    Json(report::review::JsonReport),
}

impl Sink {
    fn page(&self, page: &pipeline::PageOutcome) -> std::io::Result<()> {
        match self {
            Sink::Html(r) => r.page(page),
            Sink::Json(r) => r.page(page),
        }
    }

    fn finish(self, report: &pipeline::BatchReport) -> std::io::Result<()> {
        match self {
            Sink::Html(r) => r.finish(report).map(|_| ()),
            Sink::Json(r) => r.finish(report),
        }
    }
}

/// A progress rate as a whole number of pages per second.
fn progress_rate(per_sec: f64) -> String {
    format!("{:.0}", per_sec.max(0.0))
}

/// SIGINT and SIGTERM while `convert` runs: the first stops the batch taking pages (it
/// finishes those in flight, records them and prints its summary); a second one ends
/// the process at once.
struct Signals {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    which: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Signals {
    fn catch() -> Signals {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let which = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        #[cfg(unix)]
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Registered first, so it sees the flag as the previous signal left it.
            let _ = signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                stop.clone(),
            );
            let _ = signal_hook::flag::register_usize(signal, which.clone(), signal as usize);
            let _ = signal_hook::flag::register(signal, stop.clone());
        }
        Signals { stop, which }
    }

    /// 128 + the signal that stopped the run: 130 for SIGINT, 143 for SIGTERM.
    fn exit_code(&self) -> u8 {
        match self.which.load(std::sync::atomic::Ordering::Relaxed) {
            0 => EXIT_INTERRUPTED,
            n => (128 + n).min(255) as u8,
        }
    }
}

fn options_output(dir: &std::path::Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_progress_rate_is_a_whole_number() {
        assert_eq!(super::progress_rate(12.62), "13");
        assert_eq!(super::progress_rate(0.4), "0");
    }
}
