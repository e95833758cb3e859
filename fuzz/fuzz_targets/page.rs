//! The whole page pipeline, bytes → outcome: never a panic; a converted page's front
//! matter re-parses and carries no script URL.
#![no_main]

use std::sync::OnceLock;

#[path = "common/inert.rs"]
mod inert;

use inert::assert_inert;
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
