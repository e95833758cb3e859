//! Places in the configuration and profile files a user wrote: a YAML error's message
//! and its `line:col` (apart, so the place leads the message as `file:line:col:`), and
//! where a value (a selector, a pattern) stands in the text.

/// A serde_yaml error's message without its ` at line L column C` tail, and that place.
pub fn yaml_error(e: &serde_yaml::Error) -> (String, Option<(usize, usize)>) {
    let text = e.to_string();
    let place = e.location().map(|l| (l.line(), l.column()));
    let message = match text.rfind(" at line ") {
        Some(i) if place.is_some() => text[..i].to_string(),
        _ => text,
    };
    (message, place)
}

/// The line and column (1-based, in characters) where `value` first stands in `text`
/// as a YAML scalar would hold it: plain, quoted, or with its backslashes doubled.
pub fn find(text: &str, value: &str) -> Option<(usize, usize)> {
    if value.is_empty() {
        return None;
    }
    let doubled = value.replace('\\', "\\\\");
    let at = text.find(value).or_else(|| text.find(&doubled))?;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Some((line, column))
}

/// `:L:C` for a place, or nothing.
pub fn suffix(place: Option<(usize, usize)>) -> String {
    place.map_or_else(String::new, |(l, c)| format!(":{l}:{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_where_they_stand() {
        let text = "a: 1\nfields:\n  - select: \"a[=x]\"\n    pattern: \"^\\\\s+$\"\n";
        assert_eq!(find(text, "a[=x]"), Some((3, 14)));
        assert_eq!(find(text, "^\\s+$"), Some((4, 15)));
        assert_eq!(find(text, "nowhere"), None);
    }

    #[test]
    fn yaml_errors_give_their_place_apart() {
        let e = serde_yaml::from_str::<std::collections::BTreeMap<String, u8>>("a: 1\nb: x\n")
            .unwrap_err();
        let (message, place) = yaml_error(&e);
        assert_eq!(place, Some((2, 4)));
        assert!(!message.contains("line"), "{message}");
    }
}
