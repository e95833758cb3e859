//! The whole page pipeline, bytes → outcome: never a panic; a converted page's front
//! matter re-parses and carries no script URL.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pagemill::links::Linker;
use pagemill::page::{convert, Context};
use pagemill::Settings;

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| {
        Settings::from_yaml(
            pagemill::config::DEFAULT_CONFIG,
            "default",
            std::path::Path::new("."),
            None,
        )
        .expect("the default configuration loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let s = settings();
    for name in ["page.html", "page.md"] {
        if let Ok(c) = convert(data, Context::path(name), s, &Linker::plain(&s.policy)) {
            let (fm, body, _) =
                pagemill::source::split_front_matter(&c.text).expect("front matter re-parses");
            assert!(fm.is_some());
            assert_inert(body);
        }
    }
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

