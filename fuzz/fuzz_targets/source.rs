//! Front matter splitting and Liquid protection: never a panic; protected text restores
//! byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pagemill::source::{liquid, split_front_matter};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok((_, body, line)) = split_front_matter(&text) {
        assert!(line >= 1);
        let p = liquid::protect(body);
        assert_eq!(liquid::restore(&p.text, &p.tags), body);
    }
    let p = liquid::protect(&text);
    assert_eq!(liquid::restore(&p.text, &p.tags), text);
});
