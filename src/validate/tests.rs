//! Unit tests of file-level validation: front matter splitting and schema choice.

use super::*;
use crate::config::DEFAULT_CONFIG;

fn settings(extra: &str) -> Settings {
    let yaml = format!("{DEFAULT_CONFIG}\n{extra}");
    Settings::from_yaml(&yaml, "test", Path::new("."), None).unwrap()
}

fn run(files: &[(&str, &str)], settings: &Settings, options: ValidateOptions) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let report = validate(
        settings,
        &ValidateOptions {
            inputs: vec![dir.path().to_path_buf()],
            ..options
        },
    )
    .unwrap();
    report
        .findings
        .iter()
        .map(|f| {
            let file = Path::new(&f.file)
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string();
            format!(
                "{file}:{}:{} {}",
                f.line.unwrap_or(0),
                f.column.unwrap_or(0),
                f.rule
            )
        })
        .collect()
}

#[test]
fn front_matter_blocks_are_split_with_their_lines() {
    match split("---\ntitle: x\n---\nbody\n") {
        Split::Found {
            yaml,
            body,
            body_line,
        } => {
            assert_eq!((yaml, body, body_line), ("title: x\n", "body\n", 4));
        }
        _ => panic!("not split"),
    }
    assert!(matches!(split("title: x\n"), Split::Missing));
    assert!(matches!(split("---\ntitle: x\n"), Split::Unterminated));
}

#[test]
fn layout_names_the_schema_when_nothing_else_does() {
    // No `schemas:` rule applies to YAML records; `layout: department` picks the built-in.
    let s = settings("");
    let found = run(
        &[(
            "r.yaml",
            "layout: department\ntitle: 5\nsource: {path: x}\n",
        )],
        &s,
        ValidateOptions::default(),
    );
    assert_eq!(found, ["r.yaml:2:8 schema/type"]);
    let found = run(
        &[("r.yaml", "layout: unknown\n")],
        &s,
        ValidateOptions::default(),
    );
    assert_eq!(found, ["r.yaml:1:1 schema/none"]);
}

#[test]
fn an_explicit_schema_overrides_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("s.json");
    std::fs::write(&schema, r#"{"type": "object", "required": ["name"]}"#).unwrap();
    let found = run(
        &[("a.md", "---\ntitle: T\nsource: {path: a}\n---\n")],
        &settings(""),
        ValidateOptions {
            schema: Some(schema),
            ..ValidateOptions::default()
        },
    );
    assert_eq!(found, ["a.md:2:1 schema/required"]);
}
