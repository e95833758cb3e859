//! Liquid protection. Every `{% … %}` and `{{ … }}` tag in a body is swapped for a
//! placeholder before html5ever parses it (which would otherwise decode and re-escape
//! entities inside tags) and restored byte for byte in the output. `{% include %}`
//! parameters are parsed as data.

/// Start and end of a placeholder: private-use characters no HTML parser, URL parser
/// or Markdown escaper touches.
pub const OPEN: char = '\u{E000}';
pub const CLOSE: char = '\u{E001}';

/// A Liquid `{% include NAME key="value" … %}` tag.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Include {
    pub name: String,
    pub params: Vec<(String, String)>,
    /// Keys whose value was written without quotes: a variable (`k=page.title`).
    pub unquoted: Vec<String>,
}

impl Include {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One protected tag.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    /// The tag exactly as written in the source.
    pub raw: String,
    /// Parsed include, when the tag is one.
    pub include: Option<Include>,
}

/// A body with its Liquid tags replaced by placeholders.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Protected {
    pub text: String,
    pub tags: Vec<Tag>,
    /// Line (1-based, within the body) of a `{%` or `{{` that is never closed.
    pub unterminated: Option<usize>,
}

/// The placeholder text standing for tag number `i`.
pub fn placeholder(i: usize) -> String {
    format!("{OPEN}{i}{CLOSE}")
}

/// `protect` of a body the caller has done with: without a tag (or a placeholder
/// character) to protect, the text is the body itself, not a copy.
pub fn protect_owned(body: String) -> Protected {
    if next_special(&body).is_none() {
        return Protected {
            text: body,
            ..Protected::default()
        };
    }
    protect(&body)
}

/// Replaces every Liquid tag in `body` with a placeholder.
pub fn protect(body: &str) -> Protected {
    let mut out = Protected {
        text: String::with_capacity(body.len()),
        ..Protected::default()
    };
    let mut rest = body;
    while let Some(start) = next_special(rest) {
        let after = &rest[start..];
        // A placeholder character already in the source would be read back as a
        // placeholder: it is protected like a tag, so it restores as itself.
        if let Some(c) = after.chars().next().filter(|c| *c == OPEN || *c == CLOSE) {
            out.text.push_str(&rest[..start]);
            out.text.push_str(&placeholder(out.tags.len()));
            out.tags.push(Tag {
                raw: c.to_string(),
                include: None,
            });
            rest = &after[c.len_utf8()..];
            continue;
        }
        let close = if after.starts_with("{%") {
            "%}"
        } else if after.starts_with("{{") {
            "}}"
        } else {
            out.text.push_str(&rest[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        };
        match after[2..].find(close) {
            // A "tag" with markup inside (`{{ x <main><h1>… }}`) is not Liquid: kept
            // whole it would carry raw HTML past the parser into the Markdown.
            Some(end) if holds_markup(&after[2..end + 2]) => {
                out.text.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
            Some(end) => {
                let raw = &after[..end + 4];
                out.text.push_str(&rest[..start]);
                out.text.push_str(&placeholder(out.tags.len()));
                out.tags.push(Tag {
                    raw: raw.to_string(),
                    include: parse_include(raw),
                });
                rest = &after[end + 4..];
            }
            None => {
                if out.unterminated.is_none() {
                    let consumed = body.len() - after.len();
                    out.unterminated = Some(1 + body[..consumed].matches('\n').count());
                }
                out.text.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.text.push_str(rest);
    out
}

/// Where the next `{`, `OPEN` or `CLOSE` is: a byte search for `{` and for the first
/// byte the two placeholder characters share in UTF-8.
fn next_special(s: &str) -> Option<usize> {
    const LEAD: u8 = {
        let mut buf = [0u8; 4];
        OPEN.encode_utf8(&mut buf);
        buf[0]
    };
    const _: () = {
        let mut buf = [0u8; 4];
        CLOSE.encode_utf8(&mut buf);
        assert!(buf[0] == LEAD);
    };
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'{', LEAD, &bytes[from..]) {
        let at = from + i;
        if bytes[at] == b'{' || s[at..].starts_with([OPEN, CLOSE]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Whether text holds an HTML tag, comment or doctype (`<` then a letter, `/` or `!`).
/// Liquid's comparisons (`a < b`) do not.
fn holds_markup(inner: &str) -> bool {
    inner
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Puts the original tags back in place of their placeholders.
pub fn restore(text: &str, tags: &[Tag]) -> String {
    map_placeholders(text, |i| tags.get(i).map(|t| t.raw.clone()))
}

/// Removes every placeholder.
pub fn remove_all_placeholders(text: &str) -> String {
    if !text.contains(OPEN) {
        return text.to_string();
    }
    map_placeholders(text, |_| Some(String::new()))
}

/// Removes the placeholders whose number is in `drop`, leaving the others.
pub fn remove_placeholders(text: &str, drop: &[usize]) -> String {
    map_placeholders(text, |i| drop.contains(&i).then(String::new))
}

/// Replaces each placeholder for which `f` gives a replacement.
fn map_placeholders(text: &str, f: impl Fn(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let whole = &rest[start..start + OPEN.len_utf8() + end + CLOSE.len_utf8()];
        match after[..end].parse::<usize>().ok().and_then(&f) {
            Some(replacement) => out.push_str(&replacement),
            None => out.push_str(whole),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The tag numbers of every placeholder in `text`, in order.
pub fn placeholders_in(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        if let Ok(i) = after[..end].parse() {
            found.push(i);
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    found
}

/// Parses `{% include NAME k="v" k2='v' k3=var %}` (with optional `-` trim markers).
pub(crate) fn parse_include(raw: &str) -> Option<Include> {
    let inner = raw.strip_prefix("{%")?.strip_suffix("%}")?;
    let inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
    let rest = inner.strip_prefix("include")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let name = rest[..name_end].to_string();
    let mut params = Vec::new();
    let mut unquoted = Vec::new();
    let mut s = rest[name_end..].trim_start();
    while !s.is_empty() {
        let Some(eq) = s.find('=') else { break };
        let key = s[..eq].trim().to_string();
        let v = s[eq + 1..].trim_start();
        let (value, next) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => match v[1..].find(q) {
                Some(end) => (v[1..1 + end].to_string(), &v[end + 2..]),
                None => (v[1..].to_string(), ""),
            },
            _ => {
                let end = v.find(char::is_whitespace).unwrap_or(v.len());
                unquoted.push(key.clone());
                (v[..end].to_string(), &v[end..])
            }
        };
        params.push((key, value));
        s = next.trim_start();
    }
    Some(Include {
        name,
        params,
        unquoted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_protected_and_restored_byte_for_byte() {
        let body = r#"<p>{{ site.title | escape }} &amp; {% if x %}y{% endif %}</p>"#;
        let p = protect(body);
        assert_eq!(p.tags.len(), 3);
        assert!(!p.text.contains('{'));
        assert_eq!(restore(&p.text, &p.tags), body);
    }

    #[test]
    fn a_body_given_up_is_protected_as_a_body_lent_is() {
        for body in [
            "<p>plain</p>",
            "<p>{{ x }}</p>",
            "{% if a %}",
            "a { b } c",
            "\u{E000}1\u{E001}",
            "",
        ] {
            assert_eq!(protect_owned(body.to_string()), protect(body), "{body:?}");
        }
    }

    /// Found by fuzzing: a source that already holds the placeholder characters came
    /// back with them read as placeholders.
    #[test]
    fn placeholder_characters_in_the_source_restore_as_themselves() {
        for body in [
            "a\u{E000}0\u{E001}b",
            "\u{E001}{{ x }}\u{E000}",
            "{{ \u{E000} }}\u{E000}1",
            // Characters that share the placeholders' first UTF-8 byte are text.
            "\u{E002}\u{E0FF}{{ y }}\u{E001}\u{E002}",
        ] {
            let p = protect(body);
            assert_eq!(restore(&p.text, &p.tags), body, "{body:?}");
            assert!(!remove_all_placeholders(&p.text).contains(OPEN));
        }
    }

    #[test]
    fn only_braces_and_placeholder_characters_are_found() {
        let s = "a\u{E002}b{c\u{E0FF}\u{E001}é\u{E000}";
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(i) = next_special(&s[from..]) {
            found.push(from + i);
            from += i + s[from + i..].chars().next().unwrap().len_utf8();
        }
        let expected: Vec<usize> = s
            .char_indices()
            .filter(|(_, c)| matches!(*c, '{' | OPEN | CLOSE))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, expected);
        assert_eq!(next_special("plain text"), None);
    }

    #[test]
    fn include_parameters_are_data() {
        let p = protect(
            r#"{% include banner.md title="A &amp; B" description='It is' banner=x.jpg %}"#,
        );
        let inc = p.tags[0].include.as_ref().unwrap();
        assert_eq!(inc.name, "banner.md");
        assert_eq!(inc.param("title"), Some("A &amp; B"));
        assert_eq!(inc.param("banner"), Some("x.jpg"));
        assert!(protect("{%- include relatedInfo.md -%}").tags[0]
            .include
            .is_some());
        assert!(protect("{% includes x %}").tags[0].include.is_none());
    }

    #[test]
    fn a_tag_with_markup_inside_is_not_liquid() {
        // Found by fuzzing: the markup reached the Markdown as raw HTML.
        let p = protect("{{ x <script>alert(1)</script> }} {% if a < b %}y{% endif %}");
        assert_eq!(p.tags.len(), 2, "only the real tags: {:?}", p.tags);
        assert!(p.text.contains("<script>"), "the markup is parsed as HTML");
        assert_eq!(
            restore(&p.text, &p.tags),
            "{{ x <script>alert(1)</script> }} {% if a < b %}y{% endif %}"
        );
    }

    #[test]
    fn unterminated_tag_is_left_as_text_and_located() {
        let p = protect("a\nb {% include x.md\n<p>c</p>");
        assert!(p.tags.is_empty());
        assert_eq!(p.unterminated, Some(2));
        assert_eq!(p.text, "a\nb {% include x.md\n<p>c</p>");
    }

    #[test]
    fn dropped_placeholders_disappear() {
        let p = protect("{% include a.md %}x{% include b.md %}");
        assert_eq!(
            restore(&remove_placeholders(&p.text, &[0]), &p.tags),
            "x{% include b.md %}"
        );
        assert_eq!(placeholders_in(&p.text), [0, 1]);
    }
}
