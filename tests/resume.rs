//! A run killed with SIGKILL at any moment leaves only complete files and a usable
//! manifest, and the next run finishes the job: its output is byte-identical to an
//! uninterrupted run's.

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
