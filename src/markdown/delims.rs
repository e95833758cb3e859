//! Emphasis, strong emphasis and strikethrough delimiters, chosen once a run is whole.
//! The writer marks where each span opens and closes; [`resolve`] merges spans of one
//! kind that touch and turns each mark into
//! `*`/`_`, `**`/`__` or `~~` where CommonMark's flanking rules let that delimiter open
//! and close at its place — and into the HTML tag where none of them can.

use std::borrow::Cow;

/// A kind of delimited span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Span {
    Em,
    Strong,
    Del,
}

/// The first mark character; each span kind has an opening and a closing one.
const FIRST_MARK: u32 = 0xE010;
const LAST_MARK: char = '\u{E015}';

impl Span {
    const ALL: [Span; 3] = [Span::Em, Span::Strong, Span::Del];

    fn index(self) -> usize {
        match self {
            Span::Em => 0,
            Span::Strong => 1,
            Span::Del => 2,
        }
    }

    /// The mark written where a span of this kind opens.
    pub(super) fn open(self) -> &'static str {
        ["\u{E010}", "\u{E012}", "\u{E014}"][self.index()]
    }

    /// The mark written where a span of this kind closes.
    pub(super) fn close(self) -> &'static str {
        ["\u{E011}", "\u{E013}", "\u{E015}"][self.index()]
    }

    /// The delimiters that can say this kind, preferred first.
    fn delimiters(self) -> &'static [&'static str] {
        match self {
            Span::Em => &["*", "_"],
            Span::Strong => &["**", "__"],
            Span::Del => &["~~"],
        }
    }

    /// The span an inline element says, if any (strikethrough only where the flavor
    /// has it).
    pub(super) fn of(tag: &str, strikethrough: bool) -> Option<Span> {
        match tag {
            "strong" | "b" => Some(Span::Strong),
            "em" | "i" | "cite" | "dfn" | "var" => Some(Span::Em),
            "del" | "s" | "strike" if strikethrough => Some(Span::Del),
            _ => None,
        }
    }

    /// The HTML tags that say this kind where no delimiter can.
    pub(super) fn tags(self) -> (&'static str, &'static str) {
        match self {
            Span::Em => ("<em>", "</em>"),
            Span::Strong => ("<strong>", "</strong>"),
            Span::Del => ("<del>", "</del>"),
        }
    }
}

/// Whether `c` is one of the marks (text holding one is written as a reference).
pub(super) fn is_mark(c: char) -> bool {
    ('\u{E010}'..=LAST_MARK).contains(&c)
}

/// The span kind a mark stands for, and whether it opens.
fn mark(c: char) -> Option<(Span, bool)> {
    if !is_mark(c) {
        return None;
    }
    let n = c as u32 - FIRST_MARK;
    Some((Span::ALL[(n / 2) as usize], n.is_multiple_of(2)))
}

/// A run's Markdown with its marks turned into delimiters (or tags), and the kinds of
/// the spans written as tags, in order. With `flatten`, a span inside another of its
/// kind (strong in strong, which reads the same) is written without delimiters.
pub(super) fn resolve(s: &str, flatten: bool) -> (Cow<'_, str>, Vec<Span>) {
    // Every mark's UTF-8 starts with 0xEE: most runs have none.
    if memchr::memchr(0xEE, s.as_bytes()).is_none() || !s.chars().any(is_mark) {
        return (Cow::Borrowed(s), Vec::new());
    }
    let mut tagged = Vec::new();
    let chars = merge_touching(drop_unpaired(s.chars().collect(), flatten));
    let partner = partners(&chars);
    let mut out = String::with_capacity(s.len() + 8);
    // What each opening mark became, by its position.
    let mut chosen: Vec<Option<&'static str>> = vec![None; chars.len()];
    let mut closing: Vec<&'static str> = vec![""; chars.len()];
    // The delimiters of the spans open here, outermost first, with their closing marks.
    let mut enclosing: Vec<(usize, &'static str)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let Some((span, opens)) = mark(c) else {
            out.push(c);
            continue;
        };
        let Some(j) = partner[i] else {
            continue;
        };
        if !opens {
            out.push_str(closing[i]);
            if enclosing.last().is_some_and(|&(close, _)| close == i) {
                enclosing.pop();
            }
            continue;
        }
        let prev = Side::Char(out.chars().last());
        let first = side_at(&chars, i + 1, &partner, &chosen);
        let last = side_at(&chars, j - 1, &partner, &chosen);
        let next = side_at(&chars, j + 1, &partner, &chosen);
        let delim = span.delimiters().iter().copied().find(|d| {
            fits(d, prev, first, last, next)
                && !closes_enclosing(d, prev, first, enclosing.iter().map(|e| e.1))
        });
        let (open, close) = match delim {
            Some(d) => (d, d),
            None => {
                tagged.push(span);
                span.tags()
            }
        };
        chosen[i] = Some(open);
        closing[j] = close;
        enclosing.push((j, open));
        out.push_str(open);
    }
    (Cow::Owned(out), tagged)
}

/// What stands beside a delimiter: a known character (`None` for the run's edge), or a
/// mark whose delimiter is chosen later — punctuation either way, and never the same
/// character as this one (the later choice avoids it).
#[derive(Debug, Clone, Copy)]
enum Side {
    Char(Option<char>),
    LaterMark,
}

/// The side at `k`: its character, the first character of what an already chosen
/// mark became (an opening and a closing delimiter or tag start alike), or a mark
/// still to be chosen.
fn side_at(
    chars: &[char],
    k: usize,
    partner: &[Option<usize>],
    chosen: &[Option<&'static str>],
) -> Side {
    match chars.get(k) {
        None => Side::Char(None),
        Some(&c) if is_mark(c) => {
            let opening = match mark(c) {
                Some((_, true)) => Some(k),
                _ => partner[k],
            };
            match opening.and_then(|o| chosen[o]) {
                Some(d) => Side::Char(d.chars().next()),
                None => Side::LaterMark,
            }
        }
        Some(&c) => Side::Char(Some(c)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Punct,
    Other,
}

fn class(side: Side) -> Class {
    match side {
        Side::Char(None) => Class::Space,
        Side::LaterMark => Class::Punct,
        // The writer's stand-in for a kept no-break space is white space.
        Side::Char(Some(c)) if c.is_whitespace() || c == super::KEPT_NBSP_CHAR => Class::Space,
        Side::Char(Some(c)) if c.is_ascii_punctuation() => Class::Punct,
        Side::Char(Some(c)) if c.is_ascii() || c.is_alphanumeric() || not_punctuation(c) => {
            Class::Other
        }
        Side::Char(Some(_)) => Class::Punct,
    }
}

/// Characters outside ASCII that are neither letters nor digits, nor punctuation or
/// symbols to CommonMark: format characters (the soft hyphen `&shy;`, zero-width
/// spaces and joiners, the byte-order mark) and combining marks.
fn not_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{300}'..='\u{36F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

/// Whether a delimiter run between `before` and `after` is left-flanking and whether
/// it is right-flanking (CommonMark 0.31, 6.2).
fn flanking(before: Class, after: Class) -> (bool, bool) {
    let left = after != Class::Space && (after != Class::Punct || before != Class::Other);
    let right = before != Class::Space && (before != Class::Punct || after != Class::Other);
    (left, right)
}

/// Whether characters that a span's marks separated would, brought together, read as
/// something else: two code spans as one (`` `a``b` ``), a `!` and a link as an image.
fn would_join(before: Option<char>, after: Option<char>) -> bool {
    matches!(
        (before, after),
        (Some('`'), Some('`')) | (Some('!'), Some('['))
    )
}

/// Whether delimiter `d` opens between `prev` and `first` and closes between `last`
/// and `next`, without touching the same character (which would make one longer run).
fn fits(d: &str, prev: Side, first: Side, last: Side, next: Side) -> bool {
    let c = d.chars().next().unwrap_or('*');
    let touches = |s: Side| matches!(s, Side::Char(Some(x)) if x == c);
    if touches(prev) || touches(first) || touches(last) || touches(next) {
        return false;
    }
    let (p, f, l, n) = (class(prev), class(first), class(last), class(next));
    let (left_open, right_open) = flanking(p, f);
    let (left_close, right_close) = flanking(l, n);
    if c == '_' {
        left_open
            && (!right_open || p == Class::Punct)
            && right_close
            && (!left_close || n == Class::Punct)
    } else {
        left_open && right_close
    }
}

/// Whether opening delimiter `d` could also close, and would close a span around it
/// that uses its character instead of opening its own: CommonMark tries a delimiter
/// run that can do both as a closer first (`*a*b*c*` is two spans, not one inside
/// another), unless the two runs' lengths add up to a multiple of three.
fn closes_enclosing<'a>(
    d: &str,
    prev: Side,
    first: Side,
    mut enclosing: impl Iterator<Item = &'a str>,
) -> bool {
    let c = d.chars().next().unwrap_or('*');
    let (p, f) = (class(prev), class(first));
    let (left, right) = flanking(p, f);
    let can_close = if c == '_' {
        right && (!left || f == Class::Punct)
    } else {
        right
    };
    can_close && enclosing.any(|e| e.starts_with(c) && !(e.len() + d.len()).is_multiple_of(3))
}

/// Drops marks without a partner (a span never closed is written without
/// delimiters).
fn drop_unpaired(chars: Vec<char>, flatten: bool) -> Vec<char> {
    // Open spans: kind, and where their mark stands in `out` (`None`: flattened).
    let mut stack: Vec<(Span, Option<usize>)> = Vec::new();
    let mut out = Vec::with_capacity(chars.len());
    let partner = if flatten {
        partners(&chars)
    } else {
        Vec::new()
    };
    // Left out, a span's marks must not bring together what they kept apart.
    let joins = |k: usize| {
        let before = k.checked_sub(1).and_then(|b| chars.get(b)).copied();
        would_join(before, chars.get(k + 1).copied())
    };
    for (i, &c) in chars.iter().enumerate() {
        match mark(c) {
            None => out.push(c),
            Some((span, true)) => {
                let inside_own = flatten
                    && stack.iter().any(|(open, _)| *open == span)
                    && partner[i].is_some_and(|j| !joins(i) && !joins(j));
                stack.push((span, (!inside_own).then_some(out.len())));
                if !inside_own {
                    out.push(c);
                }
            }
            Some((span, false)) => {
                if let Some(&(open, at)) = stack.last() {
                    if open == span {
                        stack.pop();
                        if at.is_some() {
                            out.push(c);
                        }
                    }
                }
            }
        }
    }
    for at in stack.iter().rev().filter_map(|(_, at)| *at) {
        out.remove(at);
    }
    out
}

/// Joins spans of one kind that touch (`*A**B*` is not `AB` emphasized) and drops
/// empty ones.
fn merge_touching(mut chars: Vec<char>) -> Vec<char> {
    loop {
        let hit = (0..chars.len().saturating_sub(1)).find(|&i| {
            match (mark(chars[i]), mark(chars[i + 1])) {
                // Where joining would bring together what the marks kept apart, the
                // spans stay two, told apart by their delimiters.
                (Some((a, false)), Some((b, true))) => {
                    let before = i.checked_sub(1).map(|b| chars[b]);
                    a == b && !would_join(before, chars.get(i + 2).copied())
                }
                (Some((a, true)), Some((b, false))) => a == b,
                _ => false,
            }
        });
        match hit {
            Some(i) => {
                chars.drain(i..i + 2);
            }
            None => return chars,
        }
    }
}

/// Each mark's partner (opening ↔ closing), `None` for a mark left unpaired.
fn partners(chars: &[char]) -> Vec<Option<usize>> {
    let mut partner = vec![None; chars.len()];
    let mut stack: Vec<(usize, Span)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match mark(c) {
            Some((span, true)) => stack.push((i, span)),
            Some((span, false)) => {
                if let Some(&(o, s)) = stack.last() {
                    if s == span {
                        stack.pop();
                        partner[o] = Some(i);
                        partner[i] = Some(o);
                    }
                }
            }
            None => {}
        }
    }
    partner
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        resolve(s, false).0.into_owned()
    }

    fn em(s: &str) -> String {
        format!("{}{s}{}", Span::Em.open(), Span::Em.close())
    }

    fn strong(s: &str) -> String {
        format!("{}{s}{}", Span::Strong.open(), Span::Strong.close())
    }

    fn del(s: &str) -> String {
        format!("{}{s}{}", Span::Del.open(), Span::Del.close())
    }

    #[test]
    fn touching_spans_of_one_kind_are_one() {
        assert_eq!(text(&format!("{}{}", em("A"), em("B"))), "*AB*");
        assert_eq!(text(&format!("{}{}", strong("x"), strong("y"))), "**xy**");
        assert_eq!(text(&format!("{}{}", del("A"), del("B"))), "~~AB~~");
    }

    #[test]
    fn nested_spans_take_different_delimiters() {
        assert_eq!(text(&del(&strong(&em("x")))), "~~**_x_**~~");
        assert_eq!(text(&em(&strong("x"))), "*__x__*");
        assert_eq!(text(&format!("{}{}", em("a"), strong("b"))), "*a*__b__");
        assert_eq!(text(&em(&format!("a {}", em("b")))), "*a _b_*");
        assert_eq!(text(&em(&em("x"))), "*_x_*");
        assert_eq!(resolve(&strong(&strong(&strong("x"))), true).0, "**x**");
        assert_eq!(
            text(&em(&format!("a{}c", em("b")))),
            "*a_b_c*".replace("_b_", "<em>b</em>")
        );
    }

    #[test]
    fn intraword_and_punctuation_follow_the_flanking_rules() {
        assert_eq!(
            text(&format!("before{}after", strong("middle"))),
            "before**middle**after"
        );
        assert_eq!(
            text(&format!("before{}after", strong(".middle"))),
            "before<strong>.middle</strong>after"
        );
        assert_eq!(text(&format!("snake{}", em("case"))), "snake*case*");
        assert_eq!(text(&format!("\\*{}", em("x"))), "\\*_x_");
    }
}
