//! Machine formats for findings: JSON (one array), GitHub workflow commands, SARIF 2.1.0
//! and JUnit XML.

use std::collections::BTreeMap;

use serde_json::json;

use crate::finding::{describe, Finding, Severity};

/// One JSON array of findings.
pub fn json(findings: &[Finding]) -> String {
    serde_json::to_string_pretty(findings).expect("findings serialize") + "\n"
}

/// GitHub Actions workflow commands: each finding becomes an annotation on its line.
pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!("file={}", property(&f.file))];
        if let Some(l) = f.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = f.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", property(&f.rule)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&f.message)
        ));
    }
    out
}

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0: one run, its rules described, one result per finding.
pub fn sarif(findings: &[Finding], tool_version: &str) -> String {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        let next = rules.len();
        rules.entry(f.rule.as_str()).or_insert(next);
    }
    let mut ordered: Vec<(&str, usize)> = rules.iter().map(|(r, i)| (*r, *i)).collect();
    ordered.sort_by_key(|(_, i)| *i);
    let rule_objects: Vec<_> = ordered
        .iter()
        .map(|(id, _)| {
            json!({
                "id": id,
                "shortDescription": { "text": describe(id) },
            })
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut region = serde_json::Map::new();
            if let Some(l) = f.line {
                region.insert("startLine".into(), json!(l));
            }
            if let Some(c) = f.column {
                region.insert("startColumn".into(), json!(c));
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.file) },
                }
            });
            if !region.is_empty() {
                location["physicalLocation"]["region"] = serde_json::Value::Object(region);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": rules[f.rule.as_str()],
                "level": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": f.message },
                "locations": [location],
            });
            if let Some(p) = &f.pointer {
                result["properties"] = json!({ "pointer": p, "keyword": f.keyword });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pagemill",
                    "version": tool_version,
                    "rules": rule_objects,
                }
            },
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).expect("SARIF serializes") + "\n"
}

/// A relative file path as a URI reference: `/` separators, unsafe characters escaped.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    percent_encoding::utf8_percent_encode(&path, URI_ESCAPES).to_string()
}

const URI_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// JUnit XML: one test case per file, failing with its errors (warnings are kept as
/// system output).
pub fn junit(files: &[String], findings: &[Finding]) -> String {
    let failures = files
        .iter()
        .filter(|file| {
            findings
                .iter()
                .any(|f| &f.file == *file && f.severity == Severity::Error)
        })
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"pagemill\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"pagemill\" tests=\"{}\" failures=\"{failures}\">\n",
        files.len(),
        files.len()
    ));
    for file in files {
        let of: Vec<&Finding> = findings.iter().filter(|f| &f.file == file).collect();
        out.push_str(&format!(
            "    <testcase classname=\"pagemill\" name=\"{}\"",
            xml(file)
        ));
        if of.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        // One failure per test case (JUnit readers show only one): the first error's
        // rule and message, every error's line in its text.
        let errors: Vec<&&Finding> = of
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if let Some(first) = errors.first() {
            let message = match errors.len() {
                1 => first.message.clone(),
                n => format!("{} (and {} more errors)", first.message, n - 1),
            };
            let lines: Vec<String> = errors
                .iter()
                .map(|f| crate::report::finding_line(f))
                .collect();
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                xml(&first.rule),
                xml(&message),
                xml(&lines.join("\n"))
            ));
        }
        let warnings: Vec<String> = of
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| crate::report::finding_line(f))
            .collect();
        if !warnings.is_empty() {
            out.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml(&warnings.join("\n"))
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(*c as u32, 0..=8 | 11 | 12 | 14..=31))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Finding> {
        vec![
            Finding::new(
                "docs/a b.md",
                Severity::Error,
                "schema/type",
                "42 is not of type \"string\"",
            )
            .at(3, 8),
            Finding::new(
                "docs/c.md",
                Severity::Warning,
                "link/placeholder",
                "placeholder link `#`, 100%",
            )
            .at(9, 1),
        ]
    }

    #[test]
    fn github_commands_escape_their_data() {
        assert_eq!(
            github(&sample()),
            "::error file=docs/a b.md,line=3,col=8,title=schema/type::42 is not of type \"string\"\n\
             ::warning file=docs/c.md,line=9,col=1,title=link/placeholder::placeholder link `#`, 100%25\n"
        );
    }

    #[test]
    fn sarif_has_rules_and_located_results() {
        let log: serde_json::Value = serde_json::from_str(&sarif(&sample(), "1.0.0")).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "link/placeholder");
        let r = &run["results"][0];
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "docs/a%20b.md"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            8
        );
    }

    #[test]
    fn junit_has_one_case_per_file() {
        let files = vec![
            "docs/a b.md".to_string(),
            "docs/c.md".to_string(),
            "docs/ok.md".to_string(),
        ];
        let x = junit(&files, &sample());
        assert!(x.contains("tests=\"3\" failures=\"1\""), "{x}");
        assert!(
            x.contains("<testcase classname=\"pagemill\" name=\"docs/ok.md\"/>"),
            "{x}"
        );
        assert!(
            x.contains(
                "<failure type=\"schema/type\" message=\"42 is not of type &quot;string&quot;\">"
            ),
            "{x}"
        );
    }
}
