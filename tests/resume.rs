//! A run killed with SIGKILL at any moment leaves only complete files and a usable
//! manifest, and the next run finishes the job: its output is byte-identical to an
//! uninterrupted run's, and it skips the pages recorded before. SIGINT and SIGTERM stop
//! a run cleanly: summary, exit 130/143, and the next run converts only what was left.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn site(dir: &Path, pages: usize) {
    for i in 0..pages {
        let folder = dir.join(format!("depts/d{}", i % 17));
        std::fs::create_dir_all(&folder).unwrap();
        let mut body = String::new();
        for p in 0..40 {
            body.push_str(&format!(
                "<p>Paragraph {p} of page {i}: the office keeps <a href=\"/city/en/depts/d{}/page{}.html\">records</a> and answers questions.</p>\n",
                (i + p) % 17,
                (i * 7 + p) % pages
            ));
        }
        std::fs::write(
            folder.join(format!("page{i}.html")),
            format!("<html><head><title>Page {i} | Town</title></head><body><header><nav><a href=\"/\">Home</a></nav></header><main><h1>Page {i}</h1>{body}</main><footer>Town hall</footer></body></html>"),
        )
        .unwrap();
    }
}

fn convert(input: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pagemill"));
    cmd.arg("convert")
        .arg(input)
        .arg("-o")
        .arg(output)
        .args(["-j", "1", "-q"]);
    cmd
}

#[test]
fn a_killed_run_leaves_complete_files_and_the_next_run_finishes_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    site(&input, 300);
    let reference = dir.path().join("reference");
    assert!(convert(&input, &reference).status().unwrap().success());
    let expected = common::files(&reference);

    let mut interrupted = 0;
    for (k, delay_ms) in [5u64, 20, 60, 120, 250, 500].into_iter().enumerate() {
        let out = dir.path().join(format!("killed-{k}"));
        let mut child = convert(&input, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if !finished && common::files(&out).len() < expected.len() {
            interrupted += 1;
        }
        // Only complete files: every page present has its final bytes.
        for f in common::files(&out) {
            let name = Path::new(&f)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if name.starts_with(".pagemill-") {
                continue; // a temporary file; the next run removes it
            }
            if f.ends_with(".md") {
                assert_eq!(
                    std::fs::read(out.join(&f)).unwrap(),
                    std::fs::read(reference.join(&f)).unwrap(),
                    "{f} is incomplete after a kill at {delay_ms} ms"
                );
            }
        }
        // A usable manifest: absent, or complete JSON.
        if let Ok(text) = std::fs::read_to_string(out.join(".pagemill/manifest.json")) {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
        // A temporary file of a write cut short, as a kill can leave one.
        if out.join(".pagemill/running").exists() {
            std::fs::write(out.join("depts/.pagemill-cut.tmp"), "half a pa").unwrap_or(());
        }
        // The next run finishes the job.
        assert!(convert(&input, &out).status().unwrap().success());
        common::assert_same_tree(&reference, &out);
    }
    eprintln!("{interrupted} of 6 runs were killed part-way");
}

/// The `.md` files under `dir` so far.
fn written(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

/// Pages the run converted because their inputs changed, from its `--report` JSON.
fn converted_pages(report: &Path) -> usize {
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["up_to_date"] == false)
        .count()
}

/// Starts a conversion, waits until `at_least` pages are written, then sends `signal`
/// (and waits `then` before it). `None` when the run finished first.
fn signalled(
    input: &Path,
    out: &Path,
    at_least: usize,
    then: Duration,
    signal: &str,
) -> Option<std::process::Output> {
    let child = convert(input, out)
        .arg("--no-progress")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while written(out) < at_least && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(then);
    let pid = child.id().to_string();
    let _ = Command::new("kill").args([signal, &pid]).status();
    let output = child.wait_with_output().unwrap();
    let finished = output.status.code() == Some(0);
    (!finished).then_some(output)
}

#[test]
fn sigint_and_sigterm_stop_cleanly_and_the_next_run_redoes_only_the_pages_not_taken() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    site(&input, 600);
    let reference = dir.path().join("reference");
    assert!(convert(&input, &reference).status().unwrap().success());
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let out = dir.path().join(format!("stopped{signal}"));
        let stopped = signalled(&input, &out, 100, Duration::ZERO, signal)
            .unwrap_or_else(|| panic!("the run finished before {signal} reached it"));
        let stderr = String::from_utf8(stopped.stderr).unwrap();
        assert_eq!(stopped.status.code(), Some(code), "{stderr}");
        let summary = stderr.lines().last().unwrap();
        assert!(summary.starts_with("pagemill: interrupted; "), "{summary}");
        let left: usize = summary
            .split("; ")
            .find_map(|part| part.strip_suffix(" pages not taken (the next run converts them)"))
            .or(Some("1").filter(|_| summary.contains("1 page not taken")))
            .expect("the summary says how many pages were not taken")
            .parse()
            .unwrap();
        // What was done is recorded: a manifest, and the next run converts the rest only.
        assert!(out.join(".pagemill/manifest.json").is_file());
        let report = dir.path().join(format!("after{signal}.json"));
        let next = convert(&input, &out).arg("--report").arg(&report).status();
        assert!(next.unwrap().success());
        assert_eq!(converted_pages(&report), left, "{signal}: {summary}");
        common::assert_same_tree(&reference, &out);
    }
}

#[test]
fn after_sigkill_the_next_run_skips_the_pages_recorded_before() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let pages = 3000;
    site(&input, pages);
    let reference = dir.path().join("reference");
    assert!(convert(&input, &reference).status().unwrap().success());
    let out = dir.path().join("killed");
    // Past the first group commit (at most half a second after a page finishes).
    let killed = signalled(&input, &out, 150, Duration::from_millis(650), "-KILL");
    assert!(
        killed.is_some(),
        "the run finished before SIGKILL reached it"
    );
    assert!(!out.join(".pagemill/manifest.json").exists());
    let report = dir.path().join("after-kill.json");
    assert!(convert(&input, &out)
        .arg("--report")
        .arg(&report)
        .status()
        .unwrap()
        .success());
    let redone = converted_pages(&report);
    eprintln!("after SIGKILL: {redone} of {pages} pages converted again");
    assert!(redone < pages - 100, "{redone} pages converted again");
    common::assert_same_tree(&reference, &out);
}
