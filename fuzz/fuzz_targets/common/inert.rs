//! The audit the `md` and `page` targets share: what a converted page must never hold.

/// No link or image of the Markdown points at a script URL, and no raw HTML but `<br>`.
pub fn assert_inert(markdown: &str) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                let d = dest_url.trim().to_ascii_lowercase();
                assert!(
                    !d.starts_with("javascript:") && !d.starts_with("vbscript:") && !d.starts_with("data:text"),
                    "script URL in {markdown:?}"
                );
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                assert_eq!(h.trim().to_ascii_lowercase(), "<br>", "raw HTML in {markdown:?}");
            }
            _ => {}
        }
    }
}

