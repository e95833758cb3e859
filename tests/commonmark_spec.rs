//! Round trip of the CommonMark 0.31.2 spec examples whose Markdown needs no raw HTML:
//! each example's HTML goes through pagemill and back through pulldown-cmark. The spec
//! comes from the npm package `commonmark-spec` (fetched by .ci/run; set
//! PAGEMILL_COMMONMARK_SPEC to its spec.txt). The pass rate per section is printed and
//! must not fall below the committed baseline.

mod roundtrip;

const BASELINE: f64 = 0.998;

struct Example {
    number: usize,
    section: String,
    html: String,
}

fn examples(spec: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = spec.lines();
    let mut number = 0;
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- END TESTS -->") {
            break;
        }
        if line.starts_with('#') {
            section = line.trim_start_matches('#').trim().to_string();
            continue;
        }
        if line == format!("{fence} example") {
            number += 1;
            let mut html = String::new();
            let mut in_html = false;
            for l in lines.by_ref() {
                if l == fence {
                    break;
                }
                if l == "." && !in_html {
                    in_html = true;
                    continue;
                }
                if in_html {
                    html.push_str(l);
                    html.push('\n');
                }
            }
            out.push(Example {
                number,
                section: section.clone(),
                html: html.replace('→', "\t"),
            });
        }
    }
    out
}

#[test]
fn commonmark_spec_examples_round_trip() {
    let Some(path) = std::env::var_os("PAGEMILL_COMMONMARK_SPEC") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide PAGEMILL_COMMONMARK_SPEC (.ci/run fetches it)"
        );
        eprintln!(
            "SKIPPED: PAGEMILL_COMMONMARK_SPEC is not set; .ci/run fetches the CommonMark spec"
        );
        return;
    };
    let spec = std::fs::read_to_string(path).unwrap();
    let all = examples(&spec);
    assert_eq!(all.len(), 652);
    let mut by_section: Vec<(String, usize, usize)> = Vec::new();
    let mut failures = Vec::new();
    // (words and links kept, words and links in the input)
    let mut kept = (0usize, 0usize);
    for ex in all
        .iter()
        .filter(|e| roundtrip::needs_no_raw_html(false, &e.html))
    {
        let (ok, md, back) = roundtrip::round_trips(false, &ex.html);
        let (w_in, l_in) = roundtrip::content(&ex.html);
        let (w_out, l_out) = roundtrip::content(&back);
        kept.0 += roundtrip::recall(&w_in, &w_out) + roundtrip::recall(&l_in, &l_out);
        kept.1 += w_in.len() + l_in.len();
        if roundtrip::recall(&w_in, &w_out) + roundtrip::recall(&l_in, &l_out)
            < w_in.len() + l_in.len()
        {
            eprintln!(
                "lost in #{}: {:?} {:?} -> {:?} {:?}",
                ex.number, w_in, l_in, w_out, l_out
            );
        }
        match by_section.iter_mut().find(|(s, _, _)| *s == ex.section) {
            Some(entry) => {
                entry.1 += ok as usize;
                entry.2 += 1;
            }
            None => by_section.push((ex.section.clone(), ok as usize, 1)),
        }
        if !ok {
            failures.push(format!(
                "#{} ({}):\n--- html\n{}--- md\n{}\n--- back\n{}",
                ex.number, ex.section, ex.html, md, back
            ));
        }
    }
    let passed: usize = by_section.iter().map(|s| s.1).sum();
    let total: usize = by_section.iter().map(|s| s.2).sum();
    for (s, p, t) in &by_section {
        eprintln!("{p:>4}/{t:<4} {s}");
    }
    let rate = passed as f64 / total as f64;
    eprintln!(
        "CommonMark round trip: {passed}/{total} = {:.1}% (examples needing no raw HTML)",
        rate * 100.0
    );
    eprintln!(
        "visible words and (href, text) pairs kept: {}/{} = {:.2}%",
        kept.0,
        kept.1,
        100.0 * kept.0 as f64 / kept.1 as f64
    );
    assert_eq!(kept.0, kept.1, "text or links lost in the round trip");
    if let Some(dump) = std::env::var_os("PAGEMILL_ROUNDTRIP_FAILURES") {
        std::fs::write(dump, failures.join("\n\n")).unwrap();
    }
    assert!(
        rate >= BASELINE,
        "pass rate {rate:.3} fell below the baseline {BASELINE}"
    );
}
