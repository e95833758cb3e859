//! The whole page pipeline, bytes → outcome: never a panic; a converted page's front
//! matter re-parses and carries no script URL; its review report entries (the JSON
//! report's page and the HTML detail page, legacy content marked) are made without a
//! panic too.
#![no_main]

use std::sync::OnceLock;

#[path = "common/inert.rs"]
mod inert;

use inert::assert_inert;
use libfuzzer_sys::fuzz_target;
use pagemill::links::Linker;
use pagemill::page::{convert, Context};
use pagemill::pipeline::{PageOutcome, Status};
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
        let mut context = Context::path(name);
        context.review = true;
        if let Ok(c) = convert(data, context, s, &Linker::plain(&s.policy)) {
            let (fm, body, _) =
                pagemill::source::split_front_matter(&c.text).expect("front matter re-parses");
            assert!(fm.is_some());
            assert_inert(body);
            let outcome = PageOutcome {
                source: name.into(),
                output_rel: "page.md".into(),
                status: Status::Written,
                diagnostics: c.warnings,
                links: c.links,
                encoding: Some(c.encoding),
                profile: Some(c.profile),
                losses: c.losses,
                record: Some(c.record),
                review: c.review,
                elapsed: std::time::Duration::ZERO,
                diff: None,
                up_to_date: false,
                order: 0,
                unmapped_layout: c.unmapped_layout,
                assets: None,
                old_url: None,
            };
            let _ = pagemill::report::review::page_value(&outcome);
            let _ = pagemill::report::detail::detail(&outcome);
        }
    }
});
