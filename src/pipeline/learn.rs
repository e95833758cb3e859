//! The batch's boilerplate learned from its sample while those pages are converted:
//! each sampled page is prepared once (converted but for the cut, `page::prepare`) and
//! its fingerprints counted; pass 2 then assembles those pages from their preparations
//! instead of parsing them a second time. Preparations are held in memory up to a
//! budget of source bytes and spooled to a temporary file (postcard) past it, so a
//! large sample or large pages cost disk, not memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use rayon::prelude::*;

use super::pass1::{FirstPass, Planned};
use super::run::linker_for;
use crate::config::Settings;
use crate::extract::boilerplate::{Fingerprint, Learner};
use crate::page::{self, Prepared};

/// How many bytes of sampled sources have their preparations held in memory (a page's
/// preparation takes about as much memory as its source).
const MEMORY_BUDGET: usize = 8 << 20;

/// Where a sampled page's preparation is kept until pass 2 takes it.
enum Held {
    Memory(Mutex<Option<Box<Prepared>>>),
    /// Offset and length in the spool.
    Spooled(u64, usize),
}

/// The sampled pages prepared, by their place in the batch, until pass 2 takes them.
pub(crate) struct PreparedPages {
    at: Vec<(usize, Held)>,
    spool: Mutex<Spool>,
    /// Source bytes whose preparations may still be held in memory.
    budget: Mutex<usize>,
}

#[derive(Default)]
struct Spool {
    file: Option<File>,
    end: u64,
    /// A write failed: what was spooled after it is not read back.
    failed: bool,
}

impl Default for PreparedPages {
    fn default() -> Self {
        PreparedPages::with_budget(MEMORY_BUDGET)
    }
}

impl PreparedPages {
    fn with_budget(budget: usize) -> PreparedPages {
        PreparedPages {
            at: Vec::new(),
            spool: Mutex::new(Spool::default()),
            budget: Mutex::new(budget),
        }
    }

    /// Keeps a preparation made from `source_len` bytes: in memory while the budget
    /// lasts, else in the spool (none when that cannot be written: the page is then
    /// converted from its source).
    fn hold(&self, prepared: Prepared, source_len: usize) -> Option<Held> {
        {
            let mut budget = self.budget.lock().ok()?;
            if source_len <= *budget {
                *budget -= source_len;
                return Some(Held::Memory(Mutex::new(Some(Box::new(prepared)))));
            }
        }
        let encoded = postcard::to_stdvec(&prepared).ok()?;
        let mut spool = self.spool.lock().ok()?;
        if spool.file.is_none() && !spool.failed {
            spool.file = tempfile::tempfile().ok();
            spool.failed = spool.file.is_none();
        }
        let Spool { file, end, failed } = &mut *spool;
        let file = file.as_mut().filter(|_| !*failed)?;
        if file.write_all(&encoded).is_err() {
            *failed = true;
            return None;
        }
        let at = Held::Spooled(*end, encoded.len());
        *end += encoded.len() as u64;
        Some(at)
    }

    /// The places in the batch of the pages kept, in order.
    pub fn pages(&self) -> Vec<usize> {
        self.at.iter().map(|(i, _)| *i).collect()
    }

    /// Page `i`'s preparation (none when it was not kept, was taken already, or cannot
    /// be read back: the page is then converted from its source).
    pub fn take(&self, i: usize) -> Option<Prepared> {
        let k = self.at.binary_search_by_key(&i, |(j, _)| *j).ok()?;
        match &self.at[k].1 {
            Held::Memory(slot) => slot.lock().ok()?.take().map(|p| *p),
            &Held::Spooled(offset, len) => {
                let mut spool = self.spool.lock().ok()?;
                let Spool { file, failed, .. } = &mut *spool;
                let file = file.as_mut().filter(|_| !*failed)?;
                let mut bytes = Vec::with_capacity(len);
                file.seek(SeekFrom::Start(offset)).ok()?;
                Read::take(&mut *file, len as u64)
                    .read_to_end(&mut bytes)
                    .ok()?;
                drop(spool);
                (bytes.len() == len)
                    .then(|| postcard::from_bytes(&bytes).ok())
                    .flatten()
            }
        }
    }
}

/// A sampled page: its place in the batch, its fingerprints, where its preparation
/// is kept.
type Sampled = (usize, Option<Vec<Fingerprint>>, Option<Held>);

/// Learns the boilerplate from the sample pass 1 left (none when it knew it already),
/// preparing each sampled page; `review` as pass 2 converts pages.
pub(crate) fn learn(
    settings: &Settings,
    planned: &[Planned],
    first: &mut FirstPass,
    assets: Option<&crate::assets::AssetIndex>,
    review: bool,
) -> PreparedPages {
    let mut kept = PreparedPages::default();
    let Some(sample) = first.sample.take() else {
        return kept;
    };
    let batch: &FirstPass = first;
    let found: Vec<Sampled> = sample
        .pages
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let (p, source) = (&planned[i], &batch.sources[i]);
            let Ok(bytes) = std::fs::read(&p.found.path) else {
                return (i, None, None);
            };
            let linker = linker_for(settings, batch, assets, p, source);
            let mut context = p.context(None);
            context.review = review;
            let Ok(mut prepared) = page::prepare(&bytes, context, settings, &linker) else {
                return (i, None, None);
            };
            let prints = prepared.learn.take();
            (i, prints, kept.hold(prepared, bytes.len()))
        })
        .collect();
    let mut learner = Learner::default();
    for (i, prints, held) in found {
        if let Some(prints) = prints {
            learner.add_page(prints);
        }
        if let Some(held) = held {
            kept.at.push((i, held));
        }
    }
    first.learned(sample, learner, &settings.config.boilerplate);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::Linker;

    #[test]
    fn preparations_past_the_budget_are_spooled_and_read_back_the_same() {
        let yaml = crate::config::DEFAULT_CONFIG;
        let settings = Settings::from_yaml(yaml, "test", std::path::Path::new("."), None).unwrap();
        let prepare = |n: usize| {
            let html = format!(
                "<html><body><nav><ul><li><a href=/a>Residents and visitors</a></li></ul></nav>\
                 <main><h1>Page {n}</h1><p>Text of page {n}, long enough to be a block.</p></main></body></html>"
            );
            let linker = Linker::plain(&settings.policy);
            page::prepare(
                html.as_bytes(),
                page::Context::path("p.html"),
                &settings,
                &linker,
            )
            .unwrap()
        };
        let encoded = |p: &Prepared| postcard::to_stdvec(p).unwrap();
        // A budget for the first page only: the other two go to the spool.
        let mut kept = PreparedPages::with_budget(100);
        for n in 0..3 {
            let held = kept.hold(prepare(n), 100).unwrap();
            assert_eq!(matches!(held, Held::Memory(_)), n == 0, "page {n}");
            kept.at.push((n * 2, held));
        }
        for n in [2, 0, 1] {
            let got = kept.take(n * 2).expect("kept");
            assert_eq!(encoded(&got), encoded(&prepare(n)), "page {n}");
            if n == 0 {
                assert!(kept.take(0).is_none(), "taken once from memory");
            }
        }
        assert!(kept.take(1).is_none(), "a page never kept");
    }
}
