//! One HTML page converted: parsed, extracted, its boilerplate cut, rendered, its record
//! finished. `convert` does it at once; `prepare` and `assemble` do it in two steps for
//! the pages boilerplate is learned from — everything but the cut while the page's tree
//! is at hand, the cut from the rendered pieces once the batch's boilerplate is known —
//! so that those pages are parsed once.

use serde_yaml::Mapping;

use super::liquid_body::LiquidPlan;
use super::{markdown_source, parse, Context, Converted, Diagnostic, Encoding, PageError, Parsed};
use crate::config::{Compiled, Settings};
use crate::dom::DomIndex;
use crate::extract::boilerplate::{self, Boilerplate, Candidates, Fingerprint};
use crate::extract::{self, PageInput, Removal};
use crate::links::{FoundLink, LinkStatus, Linker};
use crate::markdown;

/// Converts one source page.
/// `linker` points links at their new homes (the batch's URL map), or applies the
/// policy alone.
pub fn convert(
    bytes: &[u8],
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> Result<Converted, PageError> {
    let mut parsed = match parse(bytes, ctx, settings) {
        // A Markdown source is a page too: carried over with its links rewritten.
        Err(PageError::NotHtml) => return markdown_source::convert(bytes, ctx, settings, linker),
        other => other?,
    };
    let chosen = choose(&parsed, ctx, settings);
    let (mut staged, content_root, _) = stage(&mut parsed, chosen, ctx, settings, linker);
    let compiled = &settings.profiles[staged.profile];
    if let (true, Some(bp)) = (compiled.profile.boilerplate, ctx.boilerplate) {
        let blocks = bp.find(&content_root);
        let cut = extract::root::remove_all(&parsed.doc, &content_root, blocks);
        staged
            .losses
            .extend(cut.into_iter().map(|r| file_lined(r, &parsed)));
    }
    let mut rendered = markdown::render(&parsed.doc, &content_root, linker, options(settings));
    map_lines(&mut rendered, &parsed);
    finish(staged, Vec::new(), rendered, ctx, settings, linker)
}

/// A page converted but for its boilerplate cut, kept while the batch's boilerplate is
/// learned; and the page's own fingerprints to learn it from.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Prepared {
    staged: Staged,
    /// The content root rendered in pieces.
    pieces: markdown::Pieces,
    /// Its candidate blocks (none when the profile cuts no boilerplate).
    cuttable: Cuttable,
    /// The fingerprints of every block of the page before extraction, as the batch
    /// learns boilerplate from them (`None`: the profile cuts no boilerplate).
    pub learn: Option<Vec<Fingerprint>>,
    /// What the page's links met: a guessed base, the files referenced (with the part
    /// of the page that referenced each).
    guessed_base: bool,
    assets: Vec<(crate::assets::AssetRef, u32)>,
}

/// The candidate blocks of a content root as the cut needs them: fingerprints, nearest
/// candidate ancestors, and for the loss report each one's element, file line and text.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Cuttable {
    prints: Vec<Fingerprint>,
    parents: Vec<Option<u32>>,
    elements: Vec<String>,
    lines: Vec<Option<usize>>,
    texts: boilerplate::Texts,
}

/// `convert`'s first step for an HTML page (`Err(NotHtml)` for a Markdown one): all but
/// the cut of the batch's boilerplate.
pub fn prepare(
    bytes: &[u8],
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> Result<Prepared, PageError> {
    let mut parsed = parse(bytes, ctx, settings)?;
    let chosen = choose(&parsed, ctx, settings);
    let learns = chosen.1.profile.boilerplate;
    // One walk gives the fingerprints to learn from and, unless extraction changes the
    // content root, its candidate blocks.
    let blocks = learns.then(|| boilerplate::PageBlocks::of(&parsed.doc.root()));
    let learn = blocks.as_ref().map(|b| b.prints());
    linker.track_owners();
    let (staged, content_root, changed) = stage(&mut parsed, chosen, ctx, settings, linker);
    let options = options(settings);
    let candidates = match (blocks, changed) {
        (Some(blocks), Some(detached_from)) => blocks.under(&content_root, &detached_from),
        (Some(_), None) => Candidates::of(&content_root),
        (None, _) => Candidates::default(),
    };
    let mut pieces =
        markdown::render_pieces(&parsed.doc, &content_root, linker, options, &candidates);
    pieces.map_lines(|l| parsed.file_line(l));
    let cuttable = Cuttable {
        elements: candidates
            .nodes
            .iter()
            .map(extract::root::describe)
            .collect(),
        lines: candidates
            .nodes
            .iter()
            .map(|n| parsed.doc.line_of(n).map(|l| parsed.file_line(l)))
            .collect(),
        prints: candidates.prints,
        parents: candidates.parents,
        texts: candidates.texts,
    };
    Ok(Prepared {
        staged,
        pieces,
        cuttable,
        learn,
        guessed_base: linker.guessed_base(),
        assets: linker.take_owned_assets(),
    })
}

/// `convert`'s second step: the page without the blocks `boilerplate` knows, finished as
/// `convert` finishes it. `None` when the pieces cannot show the page without them: it
/// is converted again from its source. `linker` (made for the page as `prepare`'s was)
/// is left holding what the page's links met.
pub fn assemble(
    prepared: Prepared,
    boilerplate: &Boilerplate,
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> Option<Result<Converted, PageError>> {
    let c = &prepared.cuttable;
    let hit: Vec<Option<usize>> = c.prints.iter().map(|p| boilerplate.count(p)).collect();
    // The outermost blocks known: none of their candidate ancestors is one.
    let outermost: Vec<bool> = (0..hit.len())
        .map(|i| {
            hit[i].is_some()
                && std::iter::successors(c.parents[i], |&p| c.parents[p as usize])
                    .all(|p| hit[p as usize].is_none())
        })
        .collect();
    let (rendered, gone) = prepared.pieces.without(&outermost)?;
    let mut removals = Vec::new();
    for (i, count) in hit.iter().enumerate() {
        let (true, Some(count)) = (outermost[i], count) else {
            continue;
        };
        let text = c.texts.get(i);
        if !text.is_empty() {
            removals.push(Removal {
                element: c.elements[i].clone(),
                line: c.lines[i],
                reason: boilerplate.reason(*count),
                text,
            });
        }
    }
    let mut assets: Vec<crate::assets::AssetRef> = Vec::new();
    for (asset, owner) in prepared.assets {
        if !gone[owner as usize] && !assets.contains(&asset) {
            assets.push(asset);
        }
    }
    linker.record_seen(prepared.guessed_base, assets);
    Some(finish(
        prepared.staged,
        removals,
        rendered,
        ctx,
        settings,
        linker,
    ))
}

/// What a page's conversion keeps from its parsed source for the steps after rendering.
#[derive(serde::Serialize, serde::Deserialize)]
struct Staged {
    /// Which of the settings' profiles converts the page.
    profile: usize,
    warnings: Vec<Diagnostic>,
    /// Blocks the profile cut (file lines).
    losses: Vec<Removal>,
    /// Links of the fields that the policy changed or dropped (file lines).
    links: Vec<FoundLink>,
    #[serde(with = "super::stored::yaml")]
    record: Mapping,
    encoding: Encoding,
    /// The source's front matter, when the profile keeps its keys.
    #[serde(with = "super::stored::yaml_opt")]
    source_keys: Option<Mapping>,
    /// The content root's source HTML, for a review.
    source_html: Option<String>,
    /// The content root, described for a page with no content.
    root: String,
    liquid: LiquidPlan,
}

/// The page's profile, by its elements' index.
pub(super) fn choose<'s>(
    parsed: &Parsed,
    ctx: Context,
    settings: &'s Settings,
) -> (DomIndex, &'s Compiled) {
    let front_matter = parsed.front_matter.as_ref().map(|f| &f.fields);
    let index = DomIndex::for_selectors(&parsed.doc, &settings.key_slots);
    let compiled = settings.choose(ctx.rel_path, front_matter, &index);
    (index, compiled)
}

/// The page's fields extracted with the profile chosen.
pub(super) fn extract(
    parsed: &Parsed,
    (index, compiled): (DomIndex, &Compiled),
    ctx: Context,
    linker: &Linker,
) -> extract::Extracted {
    extract::extract_indexed(
        &compiled.profile,
        linker,
        &PageInput {
            doc: &parsed.doc,
            front_matter: parsed.front_matter.as_ref().map(|f| &f.fields),
            tags: &parsed.protected.tags,
            rendered: &parsed.rendered,
            rel_path: ctx.rel_path,
        },
        index,
    )
}

/// The page's fields extracted with its profile; the content root returned, and the
/// elements extraction detached nodes from (none when it also changed text).
fn stage(
    parsed: &mut Parsed,
    (index, compiled): (DomIndex, &Compiled),
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> (
    Staged,
    markup5ever_rcdom::Handle,
    Option<Vec<markup5ever_rcdom::Handle>>,
) {
    let mut warnings = std::mem::take(&mut parsed.warnings);
    let source_html = ctx.review.then(|| {
        let root = extract::root::choose(&compiled.profile, &index, &parsed.doc);
        crate::source::liquid::restore(&crate::dom::outer_html(&root), &parsed.protected.tags)
    });
    let extracted = extract(parsed, (index, compiled), ctx, linker);
    warnings.extend(
        extracted
            .warnings
            .iter()
            .map(|w| Diagnostic::warning("front-matter", w.clone())),
    );
    let losses = extracted
        .removed
        .into_iter()
        .map(|r| file_lined(r, parsed))
        .collect();
    let mut links = extracted.links;
    links.retain(|l| l.link.status() != LinkStatus::Kept);
    for l in &mut links {
        l.line = l.line.map(|l| parsed.file_line(l));
    }
    let source_keys = (compiled.profile.front_matter
        == crate::extract::profile::FrontMatterPolicy::Keep)
        .then(|| parsed.front_matter.as_ref().map(|f| f.fields.clone()))
        .flatten();
    let profile = settings
        .profiles
        .iter()
        .position(|c| std::ptr::eq(c, compiled))
        .expect("the profile chosen is one of the settings'");
    let staged = Staged {
        profile,
        warnings,
        losses,
        links,
        record: extracted.record,
        encoding: parsed.encoding,
        source_keys,
        source_html,
        root: extract::root::describe(&extracted.content_root),
        liquid: LiquidPlan::of(settings, ctx.includes.map(|d| d.path()), parsed),
    };
    let changed = (!extracted.text_changed).then_some(extracted.detached_from);
    (staged, extracted.content_root, changed)
}

fn file_lined(mut r: Removal, parsed: &Parsed) -> Removal {
    r.line = r.line.map(|l| parsed.file_line(l));
    r
}

fn map_lines(rendered: &mut markdown::Rendered, parsed: &Parsed) {
    for l in &mut rendered.losses {
        l.line = l.line.map(|l| parsed.file_line(l));
    }
    for l in &mut rendered.links {
        l.line = l.line.map(|l| parsed.file_line(l));
    }
}

fn options(settings: &Settings) -> markdown::Options {
    markdown::Options {
        heading_ids: settings.target().heading_ids(),
        table_header: settings.config.markdown.table_header,
        ..markdown::Options::default()
    }
}

/// The page finished from its rendered content root (file lines): losses and warnings
/// gathered, the body's Liquid restored, the title made where there is none, the
/// record checked and written with the body.
fn finish(
    staged: Staged,
    cut: Vec<Removal>,
    rendered: markdown::Rendered,
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> Result<Converted, PageError> {
    let Staged {
        mut warnings,
        mut losses,
        mut links,
        mut record,
        ..
    } = staged;
    losses.extend(cut);
    warnings.extend(rendered.losses.iter().map(|l| Diagnostic {
        line: l.line,
        ..Diagnostic::warning("loss", format!("<{}>: {}", l.element, l.reason))
    }));
    losses.extend(rendered.losses.into_iter().map(|l| Removal {
        element: l.element,
        line: l.line,
        reason: l.reason,
        text: l.text,
    }));
    if rendered.markdown.trim().is_empty() {
        return Err(PageError::NoContent { root: staged.root });
    }
    let body = staged.liquid.apply(rendered.markdown);
    warnings.extend(staged.liquid.warnings);
    links.extend(rendered.links);
    warnings.extend(dropped_link_warnings(&links));
    let untitled = record
        .get("title")
        .is_none_or(|t| t.as_str().is_some_and(|t| t.trim().is_empty()));
    if untitled {
        // Accounts tables, photo pages: no <title>, <h1> or heading. The file name
        // made readable stands in, said so, as the title's first key.
        let title = markdown_source::title_from_file_name(ctx.rel_path);
        warnings.push(Diagnostic::warning(
            "title",
            format!("no <title>, <h1> or heading: the title `{title}` is made from the file name"),
        ));
        let mut titled = Mapping::new();
        titled.insert("title".into(), title.into());
        record.remove("title");
        titled.extend(std::mem::take(&mut record));
        record = titled;
    }
    let compiled = &settings.profiles[staged.profile];
    let (text, unmapped_layout) = finish_record(
        settings,
        compiled,
        linker,
        &mut record,
        staged.source_keys.as_ref(),
        &body,
    )?;
    Ok(Converted {
        record,
        text,
        links,
        warnings,
        encoding: staged.encoding,
        profile: compiled.profile.name.clone(),
        review: staged.source_html.map(|html| (html, body)),
        losses,
        unmapped_layout,
    })
}

/// The warning for each link the policy dropped.
pub(super) fn dropped_link_warnings(links: &[FoundLink]) -> impl Iterator<Item = Diagnostic> + '_ {
    links
        .iter()
        .filter(|l| l.link.url.is_none())
        .map(|found| Diagnostic {
            line: found.line,
            ..Diagnostic::warning(
                "link",
                format!(
                    "link {:?} removed ({}); its text is kept",
                    found.link.original,
                    found.link.rules.join(", ")
                ),
            )
        })
}

/// A page's record made final and written with its body: the target's keys and mapped
/// layout, the source keys no field read carried (`source.kept`), the schema checked
/// on the rest. Returns the file text and the legacy layout left unmapped.
pub(super) fn finish_record(
    settings: &Settings,
    compiled: &Compiled,
    linker: &Linker,
    record: &mut Mapping,
    source_keys: Option<&Mapping>,
    body: &str,
) -> Result<(String, Option<String>), PageError> {
    let unmapped = crate::target::decorate(
        &*settings.target(),
        &settings.config.layouts,
        record,
        linker.page_urls(),
    );
    if let Some(fields) = source_keys {
        super::keep_source_keys(record, fields);
    }
    let violations = compiled
        .validator
        .check(&serde_yaml::Value::Mapping(super::checked_part(record)));
    if !violations.is_empty() {
        return Err(PageError::Schema(violations));
    }
    Ok((super::document_text(record, body)?, unmapped))
}
