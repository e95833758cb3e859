//! Encodings of the real corpus (`../shared/corpus/real`; skipped, saying so, when
//! absent): every page decodes without replacement characters, pages that declare a
//! single-byte encoding but are valid UTF-8 with multibyte characters are read as UTF-8,
//! and the others as what they declare or what sniffing finds. Prints the counts.

mod common;

use pagemill::source::decode::{decode, EncodingSource};

#[test]
fn every_corpus_page_decodes_cleanly() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut by_source = std::collections::BTreeMap::new();
    let mut overruled = Vec::new();
    for f in common::files(&corpus) {
        if !f.ends_with(".html")
            && !f.ends_with(".htm")
            && !f.ends_with(".md")
            && !f.ends_with(".shtml")
        {
            continue;
        }
        let bytes = std::fs::read(corpus.join(&f)).unwrap();
        let d = decode(&bytes);
        assert!(
            !d.text.contains('\u{FFFD}') || bytes.windows(3).any(|w| w == "\u{FFFD}".as_bytes()),
            "{f}: replacement characters from {} ({:?})",
            d.encoding,
            d.source
        );
        if std::str::from_utf8(&bytes).is_ok() && !bytes.is_ascii() {
            assert_eq!(
                d.encoding, "UTF-8",
                "{f}: valid UTF-8 read as {}",
                d.encoding
            );
        }
        if d.source == EncodingSource::Utf8OverDeclared {
            overruled.push(format!("{f} (declared {})", d.declared.unwrap_or("?")));
        }
        *by_source
            .entry(format!("{} by {}", d.encoding, d.source.as_str()))
            .or_insert(0) += 1;
    }
    // INVENTORY.tsv names each page's declared charsets (column 3).
    let inventory = std::fs::read_to_string(corpus.join("INVENTORY.tsv")).unwrap();
    let mut single_byte_but_utf8 = 0;
    for row in inventory.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let declared = cols.get(2).copied().unwrap_or("none").to_ascii_lowercase();
        if !["windows-1252", "iso-8859-1", "us-ascii"]
            .iter()
            .any(|l| declared.contains(l))
        {
            continue;
        }
        let bytes = std::fs::read(corpus.join(cols[0])).unwrap();
        if std::str::from_utf8(&bytes).is_ok() && !bytes.is_ascii() {
            single_byte_but_utf8 += 1;
            assert_eq!(decode(&bytes).encoding, "UTF-8", "{}", cols[0]);
        }
    }
    eprintln!("encodings: {by_source:?}");
    eprintln!("declared single-byte but valid UTF-8 with multibyte characters, read as UTF-8: {single_byte_but_utf8}");
    eprintln!("of them overruling a declaration within the prescan: {overruled:#?}");
    assert!(single_byte_but_utf8 > 0);
}
