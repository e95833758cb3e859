//! The inventory of every link in a page: each URL-carrying attribute (`a`, `area` and
//! `link` `href`; `img`, `source`, `iframe`, `video`, `audio`, `embed` `src`; `srcset`
//! entries; `video` `poster`; `object` `data`; `form` `action`), with its line and column
//! in the source, its text, and what the link policy and URL map make of it.

use markup5ever_rcdom::Handle;
use serde::Serialize;

use super::{Link, LinkKind, LinkStatus, Linker};
use crate::dom::{self, Document};

/// One link as `pagemill links` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkRecord {
    pub file: String,
    /// 1-based; absent for front matter fields.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub element: String,
    pub attribute: String,
    /// The link text (for images, the alt text).
    pub text: String,
    pub original: String,
    /// The absolute URL it pointed at on the old site (relative links resolved against
    /// the page's old URL).
    pub old_url: Option<String>,
    /// `None` when the link is dropped.
    pub normalized: Option<String>,
    pub rules: Vec<&'static str>,
    pub status: LinkStatus,
    pub kind: LinkKind,
}

impl LinkRecord {
    pub fn new(file: &str, element: &str, attribute: &str, text: String, link: Link) -> LinkRecord {
        LinkRecord {
            file: file.to_string(),
            line: None,
            column: None,
            element: element.to_string(),
            attribute: attribute.to_string(),
            text,
            status: link.status(),
            kind: link.kind,
            original: link.original,
            old_url: None,
            normalized: link.url,
            rules: link.rules.into_vec(),
        }
    }
}

/// The URL-carrying attributes of an element.
fn url_attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" | "area" | "link" => &["href"],
        "img" => &["src", "srcset"],
        "source" => &["src", "srcset"],
        "iframe" | "embed" | "audio" | "track" => &["src"],
        "video" => &["src", "poster"],
        "object" => &["data"],
        "form" => &["action"],
        _ => &[],
    }
}

/// Every link in `doc`. `source` is the parsed text and `first_line` the file line it
/// starts on, to place each link at its line and column in the file.
pub fn scan(
    doc: &Document,
    source: &str,
    first_line: usize,
    file: &str,
    linker: &Linker,
) -> Vec<LinkRecord> {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut out = Vec::new();
    // How many values of each (line, attribute, value) were placed already: the next
    // one is a later occurrence on that line.
    let mut placed: std::collections::HashMap<(usize, &str, String), usize> = Default::default();
    for node in dom::descendants(&doc.root()) {
        let Some(tag) = dom::tag_name(&node) else {
            continue;
        };
        for &attribute in url_attributes(tag) {
            let Some(value) = dom::attr(&node, attribute) else {
                continue;
            };
            let raws: Vec<String> = if attribute == "srcset" {
                srcset_urls(&value)
            } else {
                vec![value.clone()]
            };
            let line = doc.line_of(&node);
            for raw in raws {
                let mut rec = LinkRecord::new(
                    file,
                    tag,
                    attribute,
                    link_text(&node, tag),
                    linker.link(&raw),
                );
                rec.old_url = linker.old_url_of(&raw);
                if let Some(l) = line {
                    let nth = placed.entry((l, attribute, raw.clone())).or_insert(0);
                    rec.line = Some(l + first_line - 1);
                    rec.column = column_of(&lines, l, attribute, &raw, *nth);
                    *nth += 1;
                }
                out.push(rec);
            }
        }
    }
    out
}

fn link_text(node: &Handle, tag: &str) -> String {
    match tag {
        "img" | "area" => dom::attr(node, "alt")
            .map(|a| dom::collapse_whitespace(&a))
            .unwrap_or_default(),
        "a" => {
            let text = dom::text(node);
            if text.is_empty() {
                dom::descendants(node)
                    .find(|h| dom::is_element(h, "img"))
                    .and_then(|img| dom::attr(&img, "alt"))
                    .unwrap_or_default()
            } else {
                text
            }
        }
        _ => String::new(),
    }
}

/// The URLs of a `srcset` (`a.png 1x, b.png 2x`).
fn srcset_urls(srcset: &str) -> Vec<String> {
    srcset
        .split(',')
        .filter_map(|c| c.split_whitespace().next())
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect()
}

/// The 1-based column (in characters) where the `nth` value `raw` of `attribute` starts,
/// at or after `line` (1-based within `lines`): tags may span lines.
fn column_of(lines: &[&str], line: usize, attribute: &str, raw: &str, nth: usize) -> Option<usize> {
    let probe: String = raw.chars().take(12).collect();
    let mut skip = nth;
    for l in lines.iter().skip(line.saturating_sub(1)).take(20) {
        let lower = l.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(attribute) {
            let at = from + i;
            let rest = &l[at + attribute.len()..];
            let after_eq = rest.trim_start().strip_prefix('=').map(str::trim_start);
            if let Some(v) = after_eq {
                let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'');
                let v = v.strip_prefix(['"', '\'']).unwrap_or(v);
                let value = match quote {
                    Some(q) => v.split(q).next().unwrap_or(v),
                    None => v.split(char::is_whitespace).next().unwrap_or(v),
                };
                let offset = if probe.trim().is_empty() {
                    (value.trim() == probe.trim()).then_some(0)
                } else {
                    value
                        .find(probe.trim_start())
                        .or_else(|| value.contains('&').then_some(0))
                };
                match offset {
                    Some(offset) if skip == 0 => {
                        let byte = l.len() - v.len() + offset;
                        return Some(l[..byte].chars().count() + 1);
                    }
                    Some(_) => skip -= 1,
                    None => {}
                }
            }
            from = at + attribute.len();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::LinkPolicy;

    #[test]
    fn every_url_attribute_is_found_with_its_position() {
        let policy =
            LinkPolicy::new(&serde_yaml::from_str("origin: https://www.chicago.gov").unwrap())
                .unwrap();
        let src = "<p>Hi <a href=\"#\">top</a>\n  <img alt=\"Map\" src=\"/m.png\" srcset=\"/m1.png 1x, /m2.png 2x\">\n<form action=\"javascript:go()\"></form>";
        let doc = Document::parse(src);
        let found = scan(&doc, src, 3, "p.html", &Linker::plain(&policy));
        let summary: Vec<String> = found
            .iter()
            .map(|r| {
                format!(
                    "{}:{} {}[{}] {} {}",
                    r.line.unwrap(),
                    r.column.unwrap(),
                    r.element,
                    r.attribute,
                    r.original,
                    r.status.as_str()
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "3:16 a[href] # dropped",
                "4:23 img[src] /m.png rewritten",
                "4:39 img[srcset] /m1.png rewritten",
                "4:51 img[srcset] /m2.png rewritten",
                "5:15 form[action] javascript:go() dropped",
            ]
        );
        assert_eq!(found[0].text, "top");
        assert_eq!(found[1].text, "Map");
    }
}
