//! `pagemill md`: any HTML to Markdown never panics, and the Markdown carries no script.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pagemill::links::{LinkPolicy, Linker};

fn policy() -> &'static LinkPolicy {
    static P: OnceLock<LinkPolicy> = OnceLock::new();
    P.get_or_init(|| {
        let settings = pagemill::Settings::from_yaml(
            pagemill::config::DEFAULT_CONFIG,
            "default",
            std::path::Path::new("."),
            None,
        )
        .expect("the default configuration loads");
        settings.policy
    })
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let rendered = pagemill::page::html_to_markdown(
        &html,
        &Linker::plain(policy()),
        pagemill::markdown::Options::default(),
    );
    assert_inert(&rendered.markdown);
});

/// No link or image of the Markdown points at a script URL, and no raw HTML but `<br>`.
fn assert_inert(markdown: &str) {
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

