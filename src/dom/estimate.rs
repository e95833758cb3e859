//! The markup's shape read before it is parsed, in one linear pass: how many elements
//! and how deep they nest, so a hostile page is refused before html5ever builds it.

/// What the raw markup shows of a page's tree before it is parsed, in one linear pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkupEstimate {
    /// The number of elements: every `<` followed by a letter starts a tag.
    pub elements: usize,
    /// An upper estimate of element nesting: start tags of elements that only an end
    /// tag closes count up, end tags count down. html5ever parses deeply nested
    /// `<div>`s in quadratic time, so a page can be refused before it is parsed.
    pub depth: usize,
}

/// The markup's element count and nesting, estimated (see `MarkupEstimate`).
pub fn estimate_markup(html: &str) -> MarkupEstimate {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut elements) = (0usize, 0usize, 0usize);
    each_at(bytes, b'<', |at| {
        let closing = bytes.get(at + 1) == Some(&b'/');
        let start = if closing { at + 2 } else { at + 1 };
        let Some(&first) = bytes.get(start) else {
            return;
        };
        if !closing && first.is_ascii_alphabetic() {
            elements += 1;
        }
        if !first.is_ascii_alphanumeric() {
            return;
        }
        if closed_only_by_end_tag(tag_key(&bytes[start..])) {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    });
    MarkupEstimate {
        elements,
        depth: deepest,
    }
}

/// Calls `f` with each place of `byte` in `bytes`, in order. Eight bytes are tested at
/// once, which on markup, where a `<` comes every twenty-odd bytes, costs less than
/// starting a vector search at each.
fn each_at(bytes: &[u8], byte: u8, mut f: impl FnMut(usize)) {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let spread = ONES * u64::from(byte);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ spread;
        // A high bit for each zero byte of `word`, and perhaps for a byte above one.
        let mut zeros = word.wrapping_sub(ONES) & !word & HIGHS;
        while zeros != 0 {
            let at = base + (zeros.trailing_zeros() / 8) as usize;
            if bytes[at] == byte {
                f(at);
            }
            zeros &= zeros - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == byte {
            f(base + i);
        }
    }
}

/// The tag name `markup` starts with (its ASCII letters and digits), lower-cased and
/// packed into one number, one byte each; 0 for a name longer than 10 bytes.
fn tag_key(markup: &[u8]) -> u128 {
    let mut key = 0u128;
    for (i, &b) in markup.iter().take(11).enumerate() {
        if !b.is_ascii_alphanumeric() {
            return key;
        }
        if i == 10 {
            return 0;
        }
        key = key << 8 | u128::from(b.to_ascii_lowercase());
    }
    key
}

/// `tag_key` of a lower-case name.
const fn packed(name: &[u8]) -> u128 {
    let mut key = 0u128;
    let mut i = 0;
    while i < name.len() {
        key = key << 8 | name[i] as u128;
        i += 1;
    }
    key
}

/// Whether a tag name (`tag_key`) names an element that nests until its end tag.
fn closed_only_by_end_tag(key: u128) -> bool {
    const DIV: u128 = packed(b"div");
    const SECTION: u128 = packed(b"section");
    const ARTICLE: u128 = packed(b"article");
    const ASIDE: u128 = packed(b"aside");
    const NAV: u128 = packed(b"nav");
    const MAIN: u128 = packed(b"main");
    const HEADER: u128 = packed(b"header");
    const FOOTER: u128 = packed(b"footer");
    const BLOCKQUOTE: u128 = packed(b"blockquote");
    const SPAN: u128 = packed(b"span");
    const B: u128 = packed(b"b");
    const I: u128 = packed(b"i");
    const EM: u128 = packed(b"em");
    const STRONG: u128 = packed(b"strong");
    const FONT: u128 = packed(b"font");
    const TABLE: u128 = packed(b"table");
    const UL: u128 = packed(b"ul");
    const OL: u128 = packed(b"ol");
    const FORM: u128 = packed(b"form");
    const A: u128 = packed(b"a");
    // A `match` on constants compiles to a search tree, not one test per name.
    matches!(
        key,
        DIV | SECTION
            | ARTICLE
            | ASIDE
            | NAV
            | MAIN
            | HEADER
            | FOOTER
            | BLOCKQUOTE
            | SPAN
            | B
            | I
            | EM
            | STRONG
            | FONT
            | TABLE
            | UL
            | OL
            | FORM
            | A
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimated_depth(html: &str) -> usize {
        estimate_markup(html).depth
    }

    #[test]
    fn estimates_nesting_without_parsing() {
        assert_eq!(estimated_depth("<div><p>a<div>b</div></div><div></div>"), 2);
        assert_eq!(estimated_depth("<DIV><Section><divx></DIV>"), 2);
        assert_eq!(estimated_depth(&"<div>".repeat(100_000)), 100_000);
        // Implicitly closed elements do not count.
        assert_eq!(estimated_depth(&"<p>x<li>y".repeat(5_000)), 0);
        assert_eq!(
            estimated_depth("<BlockQuote><blockquote><blockquot><abbr>"),
            2
        );
        assert_eq!(estimated_depth("<a><A><abbr><strongest><DIV2>"), 2);
        // Names are read to their end: eleven letters are no name of ten.
        assert_eq!(estimated_depth("<blockquotes><blockquote1><blockquote"), 1);
        assert_eq!(estimated_depth("<blockquoteblockquote><div\n><span/>"), 2);
        assert_eq!(estimated_depth("<div><span></span></div></div>"), 2);
    }

    #[test]
    fn counts_start_tags_as_elements() {
        let html = "<p>a</p><br/><!-- <x> --><1><?php ?><IMG src=x>";
        // `<p>`, `<br/>`, the commented `<x>` (an over-estimate), `<IMG>`.
        assert_eq!(estimate_markup(html).elements, 4);
    }

    #[test]
    fn every_place_of_a_byte_is_found_in_order() {
        // Bytes just above the one sought (0x3d after 0x3c) are where a word test can
        // report a place that is not one.
        for text in [
            "",
            "<",
            "a<b",
            "<<<<<<<<<",
            "x=<=<=<=<=<=<=<=<==",
            "é<ü<\u{3c}<<a",
        ] {
            for start in 0..text.len().min(9) {
                let bytes = &text.as_bytes()[start..];
                let mut found = Vec::new();
                each_at(bytes, b'<', |at| found.push(at));
                let expected: Vec<usize> = memchr::memchr_iter(b'<', bytes).collect();
                assert_eq!(found, expected, "{text:?} from {start}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn each_at_finds_what_memchr_finds(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![0u8, 1, 0x3b, b'<', 0x3d, 0x7f, 0x80, 0xbc, 0xff]),
                0..64,
            )
        ) {
            let mut found = Vec::new();
            each_at(&bytes, b'<', |at| found.push(at));
            let expected: Vec<usize> = memchr::memchr_iter(b'<', &bytes).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
