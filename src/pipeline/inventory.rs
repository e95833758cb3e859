//! `pagemill links`: every link of every page of the inputs, with the URL map of the
//! batch, read in parallel.

use std::path::PathBuf;

use rayon::prelude::*;

use super::{survey, BatchError};
use crate::config::Settings;
use crate::links::scan::LinkRecord;
use crate::links::Linker;
use crate::page::{self, PageError};

/// The result of `inventory`.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every link, by file then position.
    pub records: Vec<LinkRecord>,
    /// Pages that could not be read, with the reason.
    pub failures: Vec<(PathBuf, String)>,
}

/// Every link of every page under `inputs`, for `pagemill links`.
pub fn inventory(
    settings: &Settings,
    inputs: &[PathBuf],
    jobs: Option<usize>,
) -> Result<Inventory, BatchError> {
    let (planned, pool, first, unreadable, files) = survey(settings, inputs, jobs, false)?;
    let url_map = &first.url_map;
    let index = (settings.config.assets == crate::assets::AssetMode::Copy).then(|| {
        crate::assets::AssetIndex::new(
            files,
            settings.target().asset_dir(),
            &settings.policy.config().new_base,
        )
    });
    let results: Vec<Result<Vec<LinkRecord>, (PathBuf, String)>> = pool.install(|| {
        planned
            .par_iter()
            .enumerate()
            .with_max_len(1)
            .map(|(i, p)| {
                let file = p.found.path.display().to_string();
                let bytes = std::fs::read(&p.found.path)
                    .map_err(|e| (p.found.path.clone(), format!("cannot read: {e}")))?;
                let source = crate::links::PageSource {
                    root: &p.found.root,
                    rel_path: &p.found.rel_path,
                    base_href: first.sources[i].hints.base.as_deref(),
                };
                let linker = Linker::for_page(&settings.policy, url_map, &p.output_rel)
                    .with_source(source, settings.config.assets, index.as_ref());
                match page::links(&bytes, p.context(None), &file, settings, &linker) {
                    Ok(records) => Ok(records),
                    Err(PageError::NotHtml) => Ok(Vec::new()),
                    Err(e) => Err((p.found.path.clone(), e.to_string())),
                }
            })
            .collect()
    });
    let mut inventory = Inventory::default();
    for u in unreadable {
        inventory
            .failures
            .push((u.path, format!("cannot read: {}", u.message)));
    }
    for r in results {
        match r {
            Ok(mut page) => inventory.records.append(&mut page),
            Err(f) => inventory.failures.push(f),
        }
    }
    Ok(inventory)
}
