//! YAML 1.1 against YAML 1.2. Jekyll (Ruby's Psych), PyYAML and many CMS tools read
//! front matter as YAML 1.1, where a plain `16,825` is an integer, `1:30` a sexagesimal
//! number, `yes`/`no`/`on`/`off`/`y`/`n` booleans, `2019-01-01` a date and `~` null;
//! pagemill (serde_yaml) reads YAML 1.2, where they are strings. pagemill quotes such
//! strings in the front matter it writes, so every reader reads the same value, and
//! `validate` reports them unquoted in files people edit (`yaml/implicit-type`).

use std::sync::LazyLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// What YAML 1.1 reads a plain scalar as, when not a string.
pub fn implicit_type(plain: &str) -> Option<&'static str> {
    static TYPES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
        [
            (
                "a boolean",
                r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
            ),
            // Psych's integers: commas and underscores as separators; binary, octal, hex;
            // base 60 (`1:30`).
            (
                "an integer",
                r"^(?:[-+]?0b[01_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9][0-9_,]*)|[-+]?0x[0-9a-fA-F_,]+|[-+]?[1-9][0-9_,]*(?::[0-5]?[0-9])+)$",
            ),
            (
                "a number",
                r"^(?:[-+]?(?:[0-9][0-9_,]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_,]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            ),
            ("null", r"^(?:~|null|Null|NULL)$"),
            (
                "a date",
                r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*Z|[ \t]*[-+][0-9]{1,2}(?::[0-9]{2})?)?)?$",
            ),
            ("a merge key", r"^<<$"),
            ("a value key", r"^=$"),
        ]
        .into_iter()
        .map(|(name, re)| (name, Regex::new(re).expect("the YAML 1.1 patterns are valid")))
        .collect()
    });
    // Most scalars are words: nothing to check.
    let first = *plain.as_bytes().first()?;
    if !(first.is_ascii_digit() || b"+-.~<=yYnNtTfFoO".contains(&first)) {
        return None;
    }
    TYPES
        .iter()
        .find(|(_, re)| re.is_match(plain))
        .map(|(name, _)| *name)
}

/// Whether YAML 1.2 (serde_yaml) reads a plain scalar as a string.
fn string_in_yaml12(plain: &str) -> bool {
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(plain),
        Ok(serde_yaml::Value::String(_))
    )
}

/// A plain scalar YAML 1.1 and YAML 1.2 read as different types: its place (byte
/// range in `text`, line and column from 1), its text and what YAML 1.1 makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub text: String,
    pub yaml11: &'static str,
}

/// Every plain scalar (key or value) of `text` that is a string in YAML 1.2 but not in
/// YAML 1.1. Text that does not parse has none (the parse error is reported elsewhere).
pub fn ambiguous(text: &str) -> Vec<Ambiguous> {
    let mut out = Vec::new();
    // saphyr counts characters; the byte offset of each character is looked up.
    let bytes_at: Option<Vec<usize>> = (!text.is_ascii()).then(|| {
        text.char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect()
    });
    let byte = |chars: usize| match &bytes_at {
        Some(map) => map.get(chars).copied().unwrap_or(text.len()),
        None => chars.min(text.len()),
    };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return Vec::new();
        };
        let Event::Scalar(value, ScalarStyle::Plain, ..) = event else {
            continue;
        };
        let Some(yaml11) = implicit_type(&value) else {
            continue;
        };
        if !string_in_yaml12(&value) {
            continue;
        }
        out.push(Ambiguous {
            start: byte(span.start.index()),
            end: byte(span.end.index()),
            line: span.start.line(),
            column: span.start.col() + 1,
            text: value.to_string(),
            yaml11,
        });
    }
    out
}

/// `yaml` (as serde_yaml writes it) with every plain scalar that YAML 1.1 would read as
/// another type than YAML 1.2 single-quoted, so that both read the same string.
pub fn quote_ambiguous(yaml: &str) -> std::borrow::Cow<'_, str> {
    let found = ambiguous(yaml);
    if found.is_empty() {
        return std::borrow::Cow::Borrowed(yaml);
    }
    let mut out = String::with_capacity(yaml.len() + found.len() * 2);
    let mut at = 0;
    for a in &found {
        out.push_str(&yaml[at..a.start]);
        out.push('\'');
        out.push_str(&yaml[a.start..a.end].replace('\'', "''"));
        out.push('\'');
        at = a.end;
    }
    out.push_str(&yaml[at..]);
    std::borrow::Cow::Owned(out)
}

/// Whether some string in `value` (a key or a value, at any depth) is one YAML 1.1 may
/// read as another type. Without one, `quote_ambiguous` of the YAML written for `value`
/// changes nothing: every plain scalar it would quote is such a string.
pub fn may_need_quotes(map: &serde_yaml::Mapping) -> bool {
    fn any(value: &serde_yaml::Value) -> bool {
        use serde_yaml::Value;
        match value {
            Value::String(s) => implicit_type(s).is_some(),
            Value::Sequence(items) => items.iter().any(any),
            Value::Mapping(map) => may_need_quotes(map),
            Value::Tagged(tagged) => any(&tagged.value),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }
    map.iter().any(|(k, v)| any(k) || any(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_without_ambiguous_strings_needs_no_quotes() {
        for yaml in [
            "title: Parks\nitems: [a, b]\ncount: 3\nok: true\nnone: null",
            "title: '16,825'\nwhen: '2019-01-01'",
            "answer: 'yes'\nlist: [x, 'off']",
            "'1:30': key\nnested: {deep: ['~']}",
            "plain: 12 apples\nlong: a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z",
        ] {
            let value: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
            let written = serde_yaml::to_string(&value).unwrap();
            let quoted = quote_ambiguous(&written);
            if !may_need_quotes(&value) {
                assert_eq!(quoted, written, "{yaml}");
            } else {
                assert_ne!(quoted, written, "{yaml}");
            }
        }
    }

    #[test]
    fn yaml11_types_are_told_apart_from_strings() {
        for (plain, kind) in [
            ("16,825", "an integer"),
            ("1_000", "an integer"),
            ("1:30", "an integer"),
            ("yes", "a boolean"),
            ("Off", "a boolean"),
            ("n", "a boolean"),
            ("2019-01-01", "a date"),
            ("2019-01-01 10:00:00", "a date"),
            ("~", "null"),
            (".inf", "a number"),
            ("1:30.5", "a number"),
            ("0x1F", "an integer"),
            ("012345", "an integer"),
            ("<<", "a merge key"),
            ("=", "a value key"),
        ] {
            assert_eq!(implicit_type(plain), Some(kind), "{plain}");
        }
        for plain in [
            "Parks",
            "312.555.0147",
            "A-1",
            "1st Ward",
            "yesterday",
            "3 pm",
            "1:30 PM",
        ] {
            assert_eq!(implicit_type(plain), None, "{plain}");
        }
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_read_back_the_same() {
        let mut m = serde_yaml::Mapping::new();
        for v in [
            "16,825",
            "yes",
            "1:30",
            "2019-01-01",
            "1_000",
            "=",
            "<<",
            "plain",
            "12:30:45",
        ] {
            m.insert(format!("k {v}").into(), v.into());
        }
        m.insert("yes".into(), "a key too".into());
        m.insert("count".into(), 42.into());
        m.insert("list".into(), vec!["on", "Straße", "off"].into());
        let value = serde_yaml::Value::Mapping(m);
        let yaml = serde_yaml::to_string(&value).unwrap();
        let quoted = quote_ambiguous(&yaml);
        assert!(quoted.contains("k 16,825: '16,825'"), "{quoted}");
        assert!(quoted.contains("'yes': a key too"), "{quoted}");
        assert!(quoted.contains("- 'on'\n- Straße\n- 'off'"), "{quoted}");
        assert!(quoted.contains("count: 42"), "{quoted}");
        assert!(quoted.contains("k plain: plain"), "{quoted}");
        let back: serde_yaml::Value = serde_yaml::from_str(&quoted).unwrap();
        assert_eq!(back, value);
        assert!(ambiguous(&quoted).is_empty(), "{quoted}");
    }
}
