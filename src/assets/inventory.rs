//! The asset inventory (`--assets FILE.csv`): every file pages reference, copied or
//! not — its absolute old URL, its new URL (or `kept` when it stays on the old site),
//! size, content hash and the pages using it. The list a team hands to whoever moves
//! the media library.

use std::collections::BTreeMap;

use crate::links::redirects::csv_field;
use crate::manifest::AssetEntry;

/// The inventory as CSV, sorted by old URL: `copied` are the manifest's asset entries,
/// `kept` the references to files not in the input tree (old URL → pages, sorted).
pub fn render(
    copied: &BTreeMap<String, AssetEntry>,
    kept: &BTreeMap<String, Vec<String>>,
) -> String {
    let mut rows: BTreeMap<&str, String> = BTreeMap::new();
    for entry in copied.values().filter(|e| !e.pages.is_empty()) {
        for old in &entry.old_urls {
            let row = [
                csv_field(old),
                csv_field(&entry.url),
                entry.size.to_string(),
                entry.source_hash.clone(),
                csv_field(&entry.pages.join(" ")),
            ]
            .join(",");
            rows.insert(old, row);
        }
    }
    for (old, pages) in kept {
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let row = [
            csv_field(old),
            "kept".to_string(),
            String::new(),
            String::new(),
            csv_field(&pages.join(" ")),
        ]
        .join(",");
        rows.entry(old).or_insert(row);
    }
    let mut out = String::from("old_url,new_url,size,hash,pages\n");
    for row in rows.values() {
        out.push_str(row);
        out.push('\n');
    }
    out
}
