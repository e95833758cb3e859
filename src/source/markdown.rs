//! Markdown sources (`.md` files whose body is Markdown: about pages, posts, collection
//! documents) carried over as pages: their link destinations are normalized and pointed
//! at the pages' new homes *in the Markdown itself*, each edited in place at the offsets
//! pulldown-cmark reports, so the rest of the file stays byte for byte. Destinations
//! holding Liquid are left alone; a link the policy drops (a script URL, a `#`
//! placeholder) keeps its text and loses its link.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use crate::links::{FoundLink, Link, LinkStatus, Linker};

/// The body with its links rewritten, and the links that changed or were dropped (lines
/// count from `first_line`, the body's first line in the file).
pub fn rewrite_links(body: &str, linker: &Linker, first_line: usize) -> (String, Vec<FoundLink>) {
    let parser = Parser::new_ext(body, Options::all());
    // (range to replace, replacement, the link, element)
    let mut edits: Vec<(Range<usize>, String, Link, &'static str)> = Vec::new();
    for (_, def) in parser.reference_definitions().iter() {
        if let Some(at) = locate(body, def.span.clone(), &def.dest) {
            edit_destination(&mut edits, linker, at, &def.dest, "link-definition", None);
        }
    }
    for (event, range) in parser.into_offset_iter() {
        let (link_type, dest, element) = match &event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url.to_string(), "a"),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url.to_string(), "img"),
            _ => continue,
        };
        match link_type {
            LinkType::Inline => {
                // `[text](dest "title")`: the destination follows the text's `](`.
                let source = &body[range.clone()];
                let Some(open) = source.find("](") else {
                    continue;
                };
                let after = range.start + open + 2;
                let Some(at) = locate(body, after..range.end, &dest) else {
                    continue;
                };
                // Text to keep if the link is dropped (a link, not an image).
                let text = (element == "a").then(|| {
                    (
                        range.clone(),
                        body[range.start + 1..range.start + open].to_string(),
                    )
                });
                edit_destination(&mut edits, linker, at, &dest, element, text);
            }
            LinkType::Autolink | LinkType::Email => {
                // `<https://…>` stays an autolink only while absolute: a rewritten one
                // becomes `[https://…](/new/)`, its text as the page showed it.
                if body.get(range.start + 1..range.end - 1) != Some(dest.as_str()) {
                    continue;
                }
                let link = linker.link(&dest);
                match (link.status(), &link.url) {
                    (LinkStatus::Kept, _) => {}
                    (_, Some(url)) if *url == dest => {}
                    (_, Some(url)) => {
                        let text = dest.replace('[', "\\[").replace(']', "\\]");
                        let written = format!("[{text}]({})", destination(url));
                        edits.push((range.clone(), written, link, element));
                    }
                    (_, None) => edits.push((range.clone(), dest.clone(), link, element)),
                }
            }
            _ => {} // reference links: their definitions are edited
        }
    }
    edits.sort_by_key(|(r, ..)| r.start);
    let mut out = String::with_capacity(body.len());
    let mut found = Vec::new();
    let mut at = 0;
    for (range, replacement, link, element) in edits {
        if range.start < at {
            continue; // inside an edit already made
        }
        out.push_str(&body[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
        let line = first_line + body[..range.start].matches('\n').count();
        found.push(FoundLink {
            link,
            element: crate::links::link_place_name(element),
            attribute: std::borrow::Cow::Borrowed(if element == "img" { "src" } else { "href" }),
            line: Some(line),
        });
    }
    out.push_str(&body[at..]);
    (out, found)
}

/// Where `dest` is written in `body` within `within`: as it is, or between `<` `>`.
fn locate(body: &str, within: Range<usize>, dest: &str) -> Option<Range<usize>> {
    let hay = body.get(within.clone())?;
    if dest.is_empty() {
        return None;
    }
    let i = hay.find(dest)?;
    Some(within.start + i..within.start + i + dest.len())
}

fn edit_destination(
    edits: &mut Vec<(Range<usize>, String, Link, &'static str)>,
    linker: &Linker,
    at: Range<usize>,
    dest: &str,
    element: &'static str,
    text: Option<(Range<usize>, String)>,
) {
    if dest.contains("{{") || dest.contains("{%") {
        return; // Liquid: written as it is
    }
    let link = linker.link(dest);
    match (link.status(), &link.url) {
        (LinkStatus::Kept, _) => {}
        (_, Some(url)) => {
            let written = destination(url);
            edits.push((at, written, link, element));
        }
        (_, None) => match text {
            // The link goes, its text stays.
            Some((whole, text)) => edits.push((whole, text, link, element)),
            None => edits.push((at, "#".to_string(), link, element)),
        },
    }
}

/// A URL as a Markdown link destination.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::LinkPolicy;

    fn policy() -> LinkPolicy {
        LinkPolicy::new(
            &serde_yaml::from_str("origin: https://www.example.gov\noutside: root-relative\n")
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn destinations_are_edited_in_place_and_the_rest_stays_byte_for_byte() {
        let policy = policy();
        let linker = Linker::plain(&policy);
        let body = "# About *us*\n\nSee [the parks](https://www.example.gov/parks.html?utm_source=x) and\n[run](javascript:alert(1)) or <https://www.example.gov/a>.\n\n![map](http://www.example.gov/map.png \"Map\")\n\n[ref]: https://www.example.gov/ref.html\n{{ site.url }}/x [liquid]({{ site.baseurl }}/y)\n";
        let (out, found) = rewrite_links(body, &linker, 5);
        assert_eq!(
            out,
            "# About *us*\n\nSee [the parks](/parks.html) and\nrun or [https://www.example.gov/a](/a).\n\n![map](/map.png \"Map\")\n\n[ref]: /ref.html\n{{ site.url }}/x [liquid]({{ site.baseurl }}/y)\n"
        );
        let lines: Vec<Option<usize>> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [Some(7), Some(8), Some(8), Some(10), Some(12)]);
        assert!(found[1].link.url.is_none());
    }
}
