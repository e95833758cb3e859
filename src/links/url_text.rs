//! The text of URLs as the normalization rules see it: plain own-site paths, schemes,
//! glued URLs, spaces, placeholders and safe `data:` images.

use url::Url;

/// Spaces as `%20` — and a `{` before one as `%7B`, so that no `{%` appears that a
/// Liquid site build would read as a tag (found by fuzzing).
pub(super) fn encode_spaces(s: &str) -> String {
    s.replace("{ ", "%7B%20").replace(' ', "%20")
}

pub(super) fn root_relative(url: &Url) -> String {
    // A path that starts with `//` would be read back as a host (`//x` is
    // protocol-relative): the URL Standard's own serializer writes it as `/.//x`.
    let mut out = if url.path().starts_with("//") {
        format!("/.{}", url.path())
    } else {
        url.path().to_string()
    };
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = url.fragment() {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// A root-relative path the URL parser serializes unchanged: no query, fragment,
/// colon, percent sign, white space or backslash, only characters no part of the URL
/// Standard encodes, and no `.` or `..` segment.
pub(super) fn is_plain_path(s: &str) -> bool {
    const PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'-' | b'.'
                        | b'_'
                        | b'~'
                        | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b'@'
                        | b'/'
                );
            b += 1;
        }
        table
    };
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'/') || bytes.get(1) == Some(&b'/') {
        return false;
    }
    if !bytes.iter().all(|&b| PLAIN[b as usize]) {
        return false;
    }
    // Every segment follows a `/`: a `.` or `..` segment is a `/.` that the path's end,
    // a `/` or a `.` and then the end or a `/` follows.
    !memchr::memchr_iter(b'.', bytes).any(|at| {
        bytes[at - 1] == b'/'
            && matches!(
                &bytes[at + 1..],
                [] | [b'/', ..] | [b'.'] | [b'.', b'/', ..]
            )
    })
}

/// `https:`, `http://`, `//`: a scheme with nothing after it, a CMS's empty link field.
pub(super) fn is_bare_scheme(s: &str) -> bool {
    if s.len() >= 2 && s.bytes().all(|b| b == b'/') {
        return true; // `//`: a scheme-relative URL without a host
    }
    let lower = s.get(..s.len().min(8)).unwrap_or(s).to_ascii_lowercase();
    ["http:", "https:"].iter().any(|scheme| {
        lower.strip_prefix(scheme).is_some_and(|rest| {
            rest.len() == s.len() - scheme.len() && rest.chars().all(|c| c == '/')
        })
    })
}

pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `scheme:` at the start (RFC 3986 letters), which a relative path cannot have.
pub(super) fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `/content` + `https://…`: a URL glued onto a path prefix by a CMS template.
pub(super) fn glued_url(s: &str) -> Option<&str> {
    if !s.starts_with('/') || s.starts_with("//") {
        return None;
    }
    if !s.contains("://") {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let at = ["https://", "http://"]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()?;
    let prefix = &s[..at];
    (!prefix.contains(['?', '#', '=', ' '])).then(|| &s[at..])
}

/// Removes white space that touches a `/` (`/content/ city/en` → `/content/city/en`).
pub(super) fn remove_spaces_around_slashes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if prev == Some(&'/') || next == Some(&'/') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

pub(super) fn is_safe_data_image(s: &str) -> bool {
    let lower = s.get(..20).unwrap_or(s).to_ascii_lowercase();
    [
        "data:image/png",
        "data:image/gif",
        "data:image/jpeg",
        "data:image/webp",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}
