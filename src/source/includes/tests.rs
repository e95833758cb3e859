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
fn the_pages_own_liquid_passes_through_byte_for_byte() {
    let (_t, dir) = folder(&[("x.md", "<p>{{ include.a }}</p>")]);
    let e = expand(
        "a {% include x.md a=\"1\" %} {{ page.y }} {% for i in l %}",
        Some(&dir),
    );
    assert_eq!(e.text, "a <p>1</p> {{ page.y }} {% for i in l %}");
}

#[test]
fn loops_conditions_filters_and_site_data_render_with_the_liquid_engine() {
    let (t, dir) = folder(&[(
        "faq.html",
        "<h2>{{ include.faqs.title | upcase }}</h2>{% for item in include.faqs.items %}<p>{{ item.q }}</p>{% endfor %}\
         {% if page.audience %}<em>For {{ page.audience }}</em>{% endif %}<i>{{ site.title | slugify }}</i>",
    )]);
    std::fs::create_dir_all(t.path().join("_data")).unwrap();
    std::fs::write(
        t.path().join("_data/faq.yml"),
        "title: Questions\nitems:\n  - q: When?\n  - q: Where?\n",
    )
    .unwrap();
    std::fs::write(t.path().join("_config.yml"), "title: Borough Hall\n").unwrap();
    let page: serde_yaml::Mapping = serde_yaml::from_str("audience: residents").unwrap();
    let e = expand_with(
        "{% include faq.html faqs=site.data.faq %}",
        Some(&dir),
        Some(&page),
    );
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(
        e.text,
        "<h2>QUESTIONS</h2><p>When?</p><p>Where?</p><em>For residents</em><i>borough-hall</i>"
    );
}

#[test]
fn what_the_engine_cannot_render_keeps_the_whole_tag() {
    let (_t, dir) = folder(&[
        ("plugin.html", "<div>{{ include.x | markdownify }}</div>"),
        ("seo.html", "{% seo %}<p>{{ include.x }}</p>"),
        (
            "unknown.html",
            "{% for i in include.list %}{{ i }}{% endfor %}",
        ),
    ]);
    for (tag, why) in [
        ("{% include plugin.html x=\"a\" %}", "markdownify"),
        ("{% include seo.html x=\"a\" %}", "seo"),
        (
            "{% include unknown.html list=site.data.nothing %}",
            "site.data.nothing",
        ),
    ] {
        let e = expand(&format!("<p>{tag}</p>"), Some(&dir));
        assert_eq!(e.text, format!("<p>{tag}</p>"), "kept whole");
        assert_eq!(e.problems.len(), 1, "{tag}");
        let message = e.problems[0].1.to_string();
        assert!(
            message.contains("cannot be rendered here") && message.contains(why),
            "{message}"
        );
    }
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

#[test]
fn a_body_given_up_expands_as_a_body_lent_does() {
    let (_t, dir) = folder(&[("x.md", "<p>{{ include.a }}</p>")]);
    for body in [
        "<p>no tags</p>",
        "a {% include x.md a=\"1\" %} b",
        "{% raw %}{% include x.md %}{% endraw %}",
        "{{ page.title }} only",
    ] {
        for d in [None, Some(&dir)] {
            let lent = expand_with(body, d, None);
            let given = expand_owned(body.to_string(), d, None);
            assert_eq!(given.text, lent.text, "{body}");
            assert_eq!(given.lines, lent.lines, "{body}");
            assert_eq!(given.rendered.len(), lent.rendered.len(), "{body}");
            assert_eq!(given.problems.len(), lent.problems.len(), "{body}");
        }
    }
}
