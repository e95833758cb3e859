//! The batch's boilerplate learned from its sample while those pages are converted:
//! each sampled page is prepared once (converted but for the cut, `page::prepare`), its
//! fingerprints counted and its preparation spooled to a temporary file (postcard); pass 2 then
//! assembles those pages from the spool instead of parsing them a second time. The
//! spool keeps the run's memory what it is without a sample, at any page size.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use rayon::prelude::*;

use super::pass1::{FirstPass, Planned};
use super::run::linker_for;
use crate::config::Settings;
use crate::extract::boilerplate::{Fingerprint, Learner};
use crate::page::{self, Prepared};

/// The sampled pages prepared: where each page's preparation lies in the spool, by its
/// place in the batch, until pass 2 takes it.
#[derive(Default)]
pub(crate) struct PreparedPages {
    spool: Option<Mutex<File>>,
    at: Vec<(usize, u64, usize)>,
}

impl PreparedPages {
    /// Page `i`'s preparation, read back (none when it was not spooled, or cannot be
    /// read: the page is then converted from its source).
    pub fn take(&self, i: usize) -> Option<Prepared> {
        let spool = self.spool.as_ref()?;
        let k = self.at.binary_search_by_key(&i, |(j, _, _)| *j).ok()?;
        let (_, offset, len) = self.at[k];
        let mut bytes = vec![0; len];
        {
            let mut file = spool.lock().ok()?;
            file.seek(SeekFrom::Start(offset)).ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        postcard::from_bytes(&bytes).ok()
    }
}

/// A sampled page: its place in the batch, its fingerprints, where its preparation
/// lies in the spool.
type Sampled = (usize, Option<Vec<Fingerprint>>, Option<(u64, usize)>);

/// Learns the boilerplate from the sample pass 1 left (none when it knew it already),
/// preparing each sampled page; `review` as pass 2 converts pages.
pub(crate) fn learn(
    settings: &Settings,
    planned: &[Planned],
    first: &mut FirstPass,
    assets: Option<&crate::assets::AssetIndex>,
    review: bool,
) -> PreparedPages {
    let Some(sample) = first.sample.take() else {
        return PreparedPages::default();
    };
    // Without a spool the sample is only learned from, as pass 2 parses it anyway.
    let spool = tempfile::tempfile()
        .ok()
        .map(|f| Mutex::new((f, 0u64, true)));
    let batch: &FirstPass = first;
    let mut found: Vec<Sampled> = sample
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
            let stored = spool.as_ref().and_then(|spool| {
                let encoded = postcard::to_stdvec(&prepared).ok()?;
                let mut spool = spool.lock().ok()?;
                let (file, end, ok) = &mut *spool;
                *ok = *ok && file.write_all(&encoded).is_ok();
                let at = (*end, encoded.len());
                *end += encoded.len() as u64;
                ok.then_some(at)
            });
            (i, prints, stored)
        })
        .collect();
    let mut learner = Learner::default();
    for prints in found.iter_mut().filter_map(|(_, prints, _)| prints.take()) {
        learner.add_page(prints);
    }
    first.learned(sample, learner, &settings.config.boilerplate);
    let Some((file, _, true)) = spool.and_then(|s| s.into_inner().ok()) else {
        return PreparedPages::default();
    };
    PreparedPages {
        spool: Some(Mutex::new(file)),
        at: found
            .into_iter()
            .filter_map(|(i, _, at)| at.map(|(offset, len)| (i, offset, len)))
            .collect(),
    }
}
