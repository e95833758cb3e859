use super::*;

fn file(root: &str, rel: &str, size: u64, dir: &Path) -> OtherFile {
    OtherFile {
        path: dir.join(rel),
        root: PathBuf::from(root),
        rel_path: rel.to_string(),
        size,
    }
}

#[test]
fn files_are_found_by_path_in_any_case_and_never_above_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let index = AssetIndex::new(
        vec![
            file("in", "images/Logo.GIF", 3, dir.path()),
            file("in", "docs/agenda 2013.pdf", 4, dir.path()),
        ],
        "",
        "/",
    );
    let root = index.root_of(Path::new("in")).unwrap();
    assert_eq!(index.find(root, "images/Logo.GIF"), Some(0));
    assert_eq!(index.find(root, "images/logo.gif"), Some(0));
    assert_eq!(index.find(root, "docs/agenda 2013.pdf"), Some(1));
    assert_eq!(index.find(root, "docs/../images/Logo.GIF"), None);
    assert_eq!(index.find(root, "/etc/passwd"), None);
    assert_eq!(index.url(1), "/docs/agenda%202013.pdf");
}

#[test]
fn identical_files_share_the_first_ones_copy() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in [
        ("a/x.gif", "same"),
        ("b/x.gif", "same"),
        ("c/y.gif", "diff"),
    ] {
        std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(rel), text).unwrap();
    }
    let index = AssetIndex::new(
        ["a/x.gif", "b/x.gif", "c/y.gif"]
            .iter()
            .map(|r| file("in", r, 4, dir.path()))
            .collect(),
        "static/",
        "/",
    );
    assert_eq!(index.canonical(1), 0);
    assert_eq!(index.canonical(0), 0);
    assert_eq!(index.canonical(2), 2);
    assert_eq!(index.output_rel(2), "static/c/y.gif");
}

#[test]
fn names_generators_leave_out_are_renamed_and_files_told_from_pages() {
    assert_eq!(site_path("_images/.x.gif"), "images_/x.gif.");
    assert!(looks_like_file("/docs/Agenda.PDF"));
    assert!(looks_like_file("/a/b.docx"));
    assert!(!looks_like_file("/a/b.aspx"));
    assert!(!looks_like_file("/a/b/"));
    assert!(!looks_like_file("/a/.htaccess"));
}
