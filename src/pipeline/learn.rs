//! The batch's boilerplate learned from its sample while those pages are converted:
//! each sampled page is prepared once (converted but for the cut, `page::prepare`) and
//! its fingerprints counted; pass 2 then assembles those pages from what was prepared
//! instead of parsing them a second time.

use std::sync::Mutex;

use rayon::prelude::*;

use super::pass1::{FirstPass, Planned};
use super::run::linker_for;
use crate::config::Settings;
use crate::extract::boilerplate::Learner;
use crate::page::{self, Prepared};

/// The sampled pages prepared, by their place in the batch, until pass 2 takes them.
#[derive(Default)]
pub(crate) struct PreparedPages(Vec<(usize, Mutex<Option<Prepared>>)>);

impl PreparedPages {
    /// Page `i`'s preparation, once.
    pub fn take(&self, i: usize) -> Option<Prepared> {
        let at = self.0.binary_search_by_key(&i, |(j, _)| *j).ok()?;
        self.0[at].1.lock().ok()?.take()
    }
}

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
    let batch: &FirstPass = first;
    let mut prepared: Vec<(usize, Option<Prepared>)> = sample
        .pages
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let (p, source) = (&planned[i], &batch.sources[i]);
            let Ok(bytes) = std::fs::read(&p.found.path) else {
                return (i, None);
            };
            let linker = linker_for(settings, batch, assets, p, source);
            let mut context = p.context(None);
            context.review = review;
            (i, page::prepare(&bytes, context, settings, &linker).ok())
        })
        .collect();
    let mut learner = Learner::default();
    for prints in prepared
        .iter_mut()
        .filter_map(|(_, p)| p.as_mut()?.learn.take())
    {
        learner.add_page(prints);
    }
    first.learned(sample, learner, &settings.config.boilerplate);
    PreparedPages(
        prepared
            .into_iter()
            .filter_map(|(i, p)| Some((i, Mutex::new(Some(p?)))))
            .collect(),
    )
}
