//! Link normalization: never panics, is idempotent, never yields a script URL.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pagemill::links::LinkPolicy;

fn policy() -> &'static LinkPolicy {
    static P: OnceLock<LinkPolicy> = OnceLock::new();
    P.get_or_init(|| {
        pagemill::Settings::from_yaml(
            pagemill::config::DEFAULT_CONFIG,
            "default",
            std::path::Path::new("."),
            None,
        )
        .expect("the default configuration loads")
        .policy
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let p = policy();
    let once = p.normalize(raw);
    if let Some(url) = &once.url {
        let lower = url.trim().to_ascii_lowercase();
        assert!(!lower.starts_with("javascript:") && !lower.starts_with("vbscript:"), "{url}");
        let twice = p.normalize(url);
        assert_eq!(twice.url.as_deref(), Some(url.as_str()), "not idempotent: {raw:?}");
    }
});
