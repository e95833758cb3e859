//! `validate`'s YAML reader (positions, duplicate keys, tabs, alias bombs) and the
//! schema check: never a panic, every located node is inside the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pagemill::validate::schema::Validator;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema = pagemill::config::BUILTIN_SCHEMAS[0].1;
        Validator::new(schema, std::iter::empty()).expect("the built-in schema compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (root, _problems) = pagemill::validate::yaml::read(&text, 1);
    if root.is_some() {
        if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
            let _ = validator().check(&value);
        }
    }
});
