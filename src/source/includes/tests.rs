//! Include resolution, confinement, the Liquid subset and the line map.

use super::*;

fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, IncludeDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("_includes");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let inc = IncludeDir::open(&dir).unwrap();
    (tmp, inc)
}

#[test]
fn parameters_defaults_comments_and_raw_render() {
    let (_t, dir) = folder(&[(
        "card.md",
        "<h2>{{ include.title }}</h2>{% comment %}note {{ include.title }}{% endcomment %}\
         <p>{{ include.note | default: \"none\" }}</p>{% raw %}{{ include.title }}{% endraw %}",
    )]);
    let e = expand(
        "<main>{% include card.md title=\"A &amp; B\" %}</main>",
        Some(&dir),
    );
    assert_eq!(
        e.text,
        "<main><h2>A &amp; B</h2><p>none</p>{{ include.title }}</main>"
    );
    assert_eq!(e.rendered.len(), 1);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
}

#[test]
fn other_liquid_passes_through_byte_for_byte() {
    let (_t, dir) = folder(&[(
        "x.md",
        "{% if site.x %}<p>{{ site.title | escape }}</p>{% endif %}",
    )]);
    let e = expand(
        "a {% include x.md %} {{ page.y }} {% for i in l %}",
        Some(&dir),
    );
    assert_eq!(
        e.text,
        "a {% if site.x %}<p>{{ site.title | escape }}</p>{% endif %} {{ page.y }} {% for i in l %}"
    );
}

#[test]
fn variable_parameters_stay_liquid_and_nested_includes_render() {
    let (_t, dir) = folder(&[
        (
            "outer.md",
            "<div>{% include inner.md t=include.title %}</div>",
        ),
        ("inner.md", "<b>{{ include.t }}</b>"),
        ("var.md", "<i>{{ include.t }}</i>"),
    ]);
    let e = expand(
        "{% include outer.md title=\"Hi\" %}{% include var.md t=page.title %}",
        Some(&dir),
    );
    assert_eq!(e.text, "<div><b>Hi</b></div><i>{{ page.title }}</i>");
}

#[test]
fn names_never_leave_the_folder() {
    let (tmp, dir) = folder(&[("ok.md", "ok")]);
    std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    for name in [
        "../secret.txt",
        "/etc/passwd",
        "a/../../secret.txt",
        "..\\secret.txt",
    ] {
        let err = dir.resolve(name).unwrap_err();
        assert!(err.is_refusal(), "{name}: {err}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            tmp.path().join("secret.txt"),
            tmp.path().join("_includes/link.md"),
        )
        .unwrap();
        assert!(dir.resolve("link.md").unwrap_err().is_refusal());
    }
    let e = expand("<p>{% include ../secret.txt %}</p>", Some(&dir));
    assert_eq!(e.text, "<p>{% include ../secret.txt %}</p>");
    assert!(e.problems[0].1.to_string().contains("refused"));
}

#[test]
fn missing_and_self_including_includes_keep_their_tag() {
    let (_t, dir) = folder(&[("loop.md", "x{% include loop.md %}")]);
    let e = expand("a\n{% include gone.md %}", Some(&dir));
    assert_eq!(e.text, "a\n{% include gone.md %}");
    assert!(matches!(
        e.problems[..],
        [(2, IncludeError::Missing { .. })]
    ));
    let e = expand("{% include loop.md %}", Some(&dir));
    assert!(e
        .problems
        .iter()
        .any(|(_, p)| matches!(p, IncludeError::TooDeep { .. })));
}

#[test]
fn lines_after_an_include_map_back_to_the_source() {
    let (_t, dir) = folder(&[("three.md", "1\n2\n3\n")]);
    let e = expand("a\nb {% include three.md %} c\nd\n", Some(&dir));
    assert_eq!(e.text, "a\nb 1\n2\n3\n c\nd\n");
    let src: Vec<usize> = (1..=6).map(|l| e.lines.source_line(l)).collect();
    // Lines 2-5 of the expanded text come from the tag on line 2; line 6 is `d`.
    assert_eq!(src, [1, 2, 2, 2, 2, 3]);
}

#[test]
fn the_nearest_includes_folder_is_found() {
    let (tmp, _) = folder(&[("a.md", "")]);
    let pages = tmp.path().join("site/depts");
    std::fs::create_dir_all(&pages).unwrap();
    let found = IncludeDir::find(&pages).unwrap();
    assert!(found.path().ends_with("_includes"));
}
