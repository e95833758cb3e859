//! The URL map's storage, sized for sites of tens of thousands of pages: every page's
//! output path, new URL and old URLs live end to end in one string, and old URLs are
//! found through a table of their hashes (the URL itself is compared on lookup), so a
//! page costs its text plus a few dozen bytes.

use std::collections::HashMap;

/// A stretch of the text buffer.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy)]
struct Spans {
    output_rel: Span,
    new_url: Span,
    /// The page's old URLs: `olds[first..first + count]`.
    first_old: u32,
    old_count: u32,
}

/// Every page of a batch: where it goes, and the URLs it had.
#[derive(Debug, Default)]
pub(crate) struct PageTable {
    text: String,
    pages: Vec<Spans>,
    olds: Vec<Span>,
    /// Old URL hash → page. A URL whose hash another URL holds already (practically
    /// never) is kept by its text in `collided`.
    by_old: rustc_hash::FxHashMap<u64, u32>,
    collided: HashMap<String, u32>,
    /// Page numbers sorted by output path.
    by_output: Vec<u32>,
}

fn hash(url: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(url.as_bytes())
}

impl PageTable {
    fn span(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span {
            start,
            end: self.text.len() as u32,
        }
    }

    fn str(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }

    /// Adds a page; returns the old URLs another page already holds, with that page.
    pub fn push(
        &mut self,
        output_rel: &str,
        new_url: &str,
        old_urls: &[String],
    ) -> Vec<(usize, usize)> {
        let index = self.pages.len() as u32;
        let output_rel = self.span(output_rel);
        let new_url = self.span(new_url);
        let first_old = self.olds.len() as u32;
        let mut taken = Vec::new();
        for (n, old) in old_urls.iter().enumerate() {
            let span = self.span(old);
            self.olds.push(span);
            match self.find(old) {
                Some(other) => taken.push((n, other)),
                None => match self.by_old.entry(hash(old)) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(index);
                    }
                    std::collections::hash_map::Entry::Occupied(_) => {
                        self.collided.insert(old.clone(), index);
                    }
                },
            }
        }
        self.pages.push(Spans {
            output_rel,
            new_url,
            first_old,
            old_count: old_urls.len() as u32,
        });
        taken
    }

    /// Sorts the output index; call once all pages are in.
    pub fn finish(&mut self) {
        let mut order: Vec<u32> = (0..self.pages.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.output_rel(a as usize).cmp(self.output_rel(b as usize))
        });
        self.by_output = order;
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn output_rel(&self, page: usize) -> &str {
        self.str(self.pages[page].output_rel)
    }

    pub fn new_url(&self, page: usize) -> &str {
        self.str(self.pages[page].new_url)
    }

    pub fn old_urls(&self, page: usize) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        let p = self.pages[page];
        let olds = &self.olds[p.first_old as usize..(p.first_old + p.old_count) as usize];
        olds.iter().map(|s| self.str(*s))
    }

    /// The page that holds the old URL `url`.
    pub fn find(&self, url: &str) -> Option<usize> {
        let &page = self.by_old.get(&hash(url))?;
        if self.old_urls(page as usize).any(|u| u == url) {
            return Some(page as usize);
        }
        self.collided.get(url).map(|&p| p as usize)
    }

    /// The page whose output path is `output_rel`.
    pub fn by_output(&self, output_rel: &str) -> Option<usize> {
        let i = self
            .by_output
            .binary_search_by(|&p| self.output_rel(p as usize).cmp(output_rel))
            .ok()?;
        Some(self.by_output[i] as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_found_by_old_url_and_output_and_first_claims_win() {
        let mut t = PageTable::default();
        let olds = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(t.push("b.md", "/b/", &olds(&["/b.html", "/b/"])).is_empty());
        assert_eq!(t.push("a.md", "/a/", &olds(&["/a.html", "/b/"])), [(1, 0)]);
        t.finish();
        assert_eq!(t.find("/b/"), Some(0));
        assert_eq!(t.find("/a.html"), Some(1));
        assert_eq!(t.find("/c.html"), None);
        assert_eq!(t.by_output("a.md"), Some(1));
        assert_eq!(t.by_output("b.md"), Some(0));
        assert_eq!(t.by_output("c.md"), None);
        assert_eq!(t.old_urls(1).collect::<Vec<_>>(), ["/a.html", "/b/"]);
        assert_eq!(t.new_url(1), "/a/");
    }

    #[test]
    fn a_url_whose_hash_is_taken_is_still_found_by_its_text() {
        let mut t = PageTable::default();
        t.push("a.md", "/a/", &["/a.html".to_string()]);
        // As if "/z.html" hashed like "/a.html": its slot belongs to page 0.
        t.by_old.insert(hash("/z.html"), 0);
        assert_eq!(t.find("/z.html"), None);
        assert!(t.push("z.md", "/z/", &["/z.html".to_string()]).is_empty());
        assert_eq!(t.find("/z.html"), Some(1));
        assert_eq!(t.find("/a.html"), Some(0));
    }
}
