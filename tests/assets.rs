//! Files pages reference: copied into the site once per content, rewritten to, listed
//! in the inventory; through reruns (a file changed, removed, replaced by hand) and
//! hostile references (paths above the tree, absolute paths, symlinks out, names with
//! spaces and non-ASCII); and `validate` agreeing with what `convert` wrote.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn config(dir: &Path) -> String {
    let path = dir.join("site.yaml");
    std::fs::write(
        &path,
        pagemill::config::DEFAULT_CONFIG
            .replace(
                "origin: https://www.chicago.gov",
                "origin: https://www.example-town.gov",
            )
            .replace(
                "aliases: [chicago.gov, cityofchicago.org, www.cityofchicago.org]",
                "aliases: []",
            )
            .replace(
                "old_root: https://www.chicago.gov/city/en/",
                "old_root: https://www.example-town.gov/",
            ),
    )
    .unwrap();
    path.display().to_string()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn convert(input: &Path, out: &Path, config: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["-c", config, "--no-progress"])
        .args(extra)
        .output()
        .unwrap()
}

fn page(title: &str, body: &str) -> Vec<u8> {
    format!("<html><head><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>")
        .into_bytes()
}

/// A small site: two pages using the same logo by two paths, a PDF with a space in its
/// name, a photo with a non-ASCII name, and hostile references.
fn site(input: &Path, outside: &Path) {
    write(&input.join("images/logo.gif"), b"GIF89a logo");
    write(&input.join("img/logo-copy.gif"), b"GIF89a logo");
    write(&input.join("docs/annual report.pdf"), b"%PDF report");
    write(&input.join("photos/caf\u{e9}.jpg"), b"JPEG cafe");
    write(&outside.join("secret.txt"), b"not for the site");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("secret.txt"), input.join("docs/secret.txt")).unwrap();
    write(
        &input.join("index.html"),
        &page(
            "Home",
            r#"<p><img src="images/logo.gif" alt="Logo"> <a href="docs/annual%20report.pdf">Report</a>
<img src="photos/caf%C3%A9.jpg" alt="Cafe"> <a href="about/history.html">History</a></p>
<p><a href="../secret.txt">up</a> <a href="/etc/passwd">root</a> <a href="docs/secret.txt">link out</a>
<img src="images/missing.png" alt="Missing"></p>"#,
        ),
    );
    write(
        &input.join("about/history.html"),
        &page(
            "History",
            r#"<p><img src="../img/logo-copy.gif" alt="Logo"> <a href="../index.html">Home</a></p>"#,
        ),
    );
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join(".pagemill/manifest.json")).unwrap())
        .unwrap()
}

#[test]
fn files_are_copied_once_rewritten_to_and_listed_and_hostile_references_read_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, outside) = (
        dir.path().join("in"),
        dir.path().join("out"),
        dir.path().join("outside"),
    );
    site(&input, &outside);
    let config = config(dir.path());
    let csv = dir.path().join("assets.csv");
    let run = convert(&input, &out, &config, &["--assets", csv.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // One copy per content, at the first path; every reference points at it.
    assert_eq!(
        std::fs::read(out.join("images/logo.gif")).unwrap(),
        b"GIF89a logo"
    );
    assert!(
        !out.join("img/logo-copy.gif").exists(),
        "identical files are copied once"
    );
    assert!(out.join("docs/annual report.pdf").is_file());
    assert!(out.join("photos/caf\u{e9}.jpg").is_file());
    let home = std::fs::read_to_string(out.join("index.md")).unwrap();
    let history = std::fs::read_to_string(out.join("about/history.md")).unwrap();
    assert!(home.contains("![Logo](/images/logo.gif)"), "{home}");
    assert!(
        home.contains("[Report](/docs/annual%20report.pdf)"),
        "{home}"
    );
    assert!(home.contains("![Cafe](/photos/caf%C3%A9.jpg)"), "{home}");
    assert!(home.contains("[History](/about/history/)"), "{home}");
    assert!(history.contains("![Logo](/images/logo.gif)"), "{history}");

    // Nothing outside the input tree is read or copied; such links keep their old URL.
    assert!(
        !out.join("docs/secret.txt").exists(),
        "a symlink out is not followed"
    );
    assert!(!out.join("secret.txt").exists() && !out.join("etc").exists());
    assert!(
        home.contains("(https://www.example-town.gov/secret.txt)"),
        "{home}"
    );
    assert!(
        home.contains("(https://www.example-town.gov/etc/passwd)"),
        "{home}"
    );
    assert!(
        home.contains("(https://www.example-town.gov/docs/secret.txt)"),
        "{home}"
    );
    let files = common::files(&out);
    assert!(
        files
            .iter()
            .all(|f| !f.contains("secret") && !f.contains("passwd")),
        "{files:?}"
    );

    // The inventory: copied files with their new URL, the missing one kept.
    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "old_url,new_url,size,hash,pages");
    let row = |old: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(old))
            .unwrap_or_else(|| panic!("no row for {old}:\n{csv}"))
            .to_string()
    };
    assert!(
        row("https://www.example-town.gov/img/logo-copy.gif,/images/logo.gif,11,")
            .ends_with("about/history.md index.md")
    );
    assert!(row("https://www.example-town.gov/images/missing.png,kept,,,").ends_with("index.md"));
    assert!(row(
        "https://www.example-town.gov/docs/annual%20report.pdf,/docs/annual%20report.pdf,11,"
    )
    .ends_with(",index.md"));

    // The manifest records each copy with its source and pages.
    let m = manifest(&out);
    let logo = &m["assets"]["images/logo.gif"];
    assert_eq!(
        logo["pages"],
        serde_json::json!(["about/history.md", "index.md"])
    );
    assert_eq!(logo["size"], 11);

    // Files kept on the old site are not the manifest's to hold (at 20,000 pages they
    // were most of a run's memory): the run state keeps each page's, so a rerun that
    // replays the pages lists them in its inventory as the first run did.
    assert!(m.get("kept_assets").is_none(), "{m}");
    let again = dir.path().join("again.csv");
    let rerun = convert(
        &input,
        &out,
        &config,
        &["--assets", again.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(
        rerun.status.success() && stderr.contains("0 written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&again).unwrap(), csv);

    // `validate` agrees: the fresh output has no broken link.
    let validate = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .arg("validate")
        .arg(&out)
        .args(["-c", &config])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&validate.stderr);
    assert!(
        validate.status.success() && stderr.contains(": 0 errors"),
        "{stderr}"
    );
}

#[test]
fn reruns_copy_what_changed_keep_hand_replaced_files_and_report_unused_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, outside) = (
        dir.path().join("in"),
        dir.path().join("out"),
        dir.path().join("outside"),
    );
    site(&input, &outside);
    let config = config(dir.path());
    assert!(convert(&input, &out, &config, &[]).status.success());
    let manifest_before = std::fs::read(out.join(".pagemill/manifest.json")).unwrap();

    // Nothing changed: nothing copied, the same manifest.
    let stamp = |p: &str| std::fs::metadata(out.join(p)).unwrap().modified().unwrap();
    let logo_time = stamp("images/logo.gif");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(convert(&input, &out, &config, &[]).status.success());
    assert_eq!(
        stamp("images/logo.gif"),
        logo_time,
        "an unchanged file is not copied again"
    );
    assert_eq!(
        std::fs::read(out.join(".pagemill/manifest.json")).unwrap(),
        manifest_before
    );

    // A changed source is copied again.
    write(
        &input.join("docs/annual report.pdf"),
        b"%PDF report, revised",
    );
    assert!(convert(&input, &out, &config, &[]).status.success());
    assert_eq!(
        std::fs::read(out.join("docs/annual report.pdf")).unwrap(),
        b"%PDF report, revised"
    );

    // A copy replaced by hand is kept, and said so; --force replaces it.
    write(&out.join("photos/caf\u{e9}.jpg"), b"a better photo");
    let run = convert(&input, &out, &config, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("was replaced since pagemill copied it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("photos/caf\u{e9}.jpg")).unwrap(),
        b"a better photo"
    );
    assert!(convert(&input, &out, &config, &[]).status.success());
    assert_eq!(
        std::fs::read(out.join("photos/caf\u{e9}.jpg")).unwrap(),
        b"a better photo"
    );
    assert!(convert(&input, &out, &config, &["--force"])
        .status
        .success());
    assert_eq!(
        std::fs::read(out.join("photos/caf\u{e9}.jpg")).unwrap(),
        b"JPEG cafe"
    );

    // A file no page uses any longer is reported, and removed with --prune.
    write(
        &input.join("about/history.html"),
        &page("History", r#"<p><a href="../index.html">Home</a></p>"#),
    );
    write(
        &input.join("index.html"),
        &page(
            "Home",
            r#"<p><a href="docs/annual%20report.pdf">Report</a></p>"#,
        ),
    );
    let run = convert(&input, &out, &config, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("no page uses it any longer; kept (--prune removes it)"),
        "{stderr}"
    );
    assert!(out.join("images/logo.gif").is_file());
    let run = convert(&input, &out, &config, &["--prune"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!out.join("images/logo.gif").exists());
    assert!(
        out.join("docs/annual report.pdf").is_file(),
        "a used file stays"
    );

    // A removed source: its references keep the old URL, the copy is unused.
    std::fs::remove_file(input.join("docs/annual report.pdf")).unwrap();
    let run = convert(&input, &out, &config, &["--prune"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let home = std::fs::read_to_string(out.join("index.md")).unwrap();
    assert!(
        home.contains("(https://www.example-town.gov/docs/annual%20report.pdf)"),
        "{home}"
    );
    assert!(!out.join("docs/annual report.pdf").exists());
}

#[test]
fn assets_link_leaves_files_on_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, outside) = (
        dir.path().join("in"),
        dir.path().join("out"),
        dir.path().join("outside"),
    );
    site(&input, &outside);
    let config = config(dir.path());
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("assets: copy", "assets: link");
    std::fs::write(&config, text).unwrap();
    let csv = dir.path().join("assets.csv");
    assert!(
        convert(&input, &out, &config, &["--assets", csv.to_str().unwrap()])
            .status
            .success()
    );
    assert!(!out.join("images/logo.gif").exists());
    let home = std::fs::read_to_string(out.join("index.md")).unwrap();
    assert!(
        home.contains("![Logo](https://www.example-town.gov/images/logo.gif)"),
        "{home}"
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv.contains("https://www.example-town.gov/images/logo.gif,kept,,,index.md"),
        "{csv}"
    );
}
