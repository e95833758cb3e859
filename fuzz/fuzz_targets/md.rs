//! `pagemill md`: any HTML to Markdown never panics, and the Markdown carries no script.
#![no_main]

use std::sync::OnceLock;

#[path = "common/inert.rs"]
mod inert;

use inert::assert_inert;
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
