//! Reading a source page: finding pages, decoding bytes to text, splitting off YAML
//! front matter and protecting Liquid tags before the HTML parser sees the body.

pub mod decode;
pub mod discover;
pub mod front_matter;
pub mod gzip;
pub mod includes;
pub mod liquid;
pub mod markdown;
pub mod mojibake;

pub use discover::{discover, DiscoverError, Discovered};
pub use front_matter::{split_front_matter, FrontMatter, FrontMatterError};
pub use liquid::{protect, Include, Protected};

/// Whether a body is HTML (rather than Markdown): its first line that is not blank, an
/// HTML comment or only Liquid starts with a tag.
pub fn body_is_html(body: &str) -> bool {
    let mut rest = body;
    loop {
        let t = rest.trim_start();
        if let Some(after) = t.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) => rest = &after[end + 3..],
                None => return true,
            }
            continue;
        }
        if t.starts_with("{%") || t.starts_with("{{") {
            let close = if t.starts_with("{%") { "%}" } else { "}}" };
            match t.find(close) {
                Some(end) => rest = &t[end + 2..],
                None => return false,
            }
            continue;
        }
        return t.starts_with('<') && t[1..].starts_with(|c: char| c.is_ascii_alphabetic());
    }
}

#[cfg(test)]
mod tests {
    use super::body_is_html;

    #[test]
    fn html_bodies_are_told_from_markdown() {
        assert!(body_is_html("\n<!-- HERO -->\n<style></style>"));
        assert!(body_is_html("{% include banner.md %}\n\n<div class=x>"));
        assert!(!body_is_html("This is the base theme. See [docs](/x)."));
        assert!(!body_is_html("# Heading\n\n<div>later</div>"));
        assert!(!body_is_html(""));
    }
}
