//! The Liquid tags of a page's body as the site target needs them: restored as written
//! (plain Markdown, a team's own `_includes`), restored with the includes that have no
//! file left out as errors (Jekyll, which would stop at them), or all left out (Hugo,
//! which has no Liquid).

use std::path::Path;

use super::{Diagnostic, Parsed, Severity};
use crate::config::Settings;
use crate::source::liquid;

/// The warning for a Liquid tag left out because the target has no Liquid.
pub(super) fn left_out(tag: &str, target: crate::target::TargetKind) -> Diagnostic {
    Diagnostic::warning(
        "liquid",
        format!(
            "{} left out: the {target:?} target has no Liquid",
            tag.trim()
        ),
    )
}

/// The body with its Liquid placeholders replaced as the target's include policy says.
pub(super) fn restore(
    settings: &Settings,
    includes: Option<&Path>,
    parsed: &Parsed,
    markdown: &str,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let folder = includes;
    let policy = settings.include_policy();
    if policy == crate::target::Includes::Drop {
        // The generator has no Liquid: no tag may reach it, not even as text.
        for tag in &parsed.protected.tags {
            warnings.push(left_out(&tag.raw, settings.config.target));
        }
        liquid::remove_all_placeholders(markdown)
    } else if policy == crate::target::Includes::Copy {
        // Jekyll renders the includes left in the body from the site's `_includes`
        // (pagemill copies the includes folder there); one whose file does not exist
        // would stop the build: it is left out, as an error naming it.
        let mut missing = Vec::new();
        for (i, tag) in parsed.protected.tags.iter().enumerate() {
            let Some(include) = &tag.include else {
                continue;
            };
            let exists = folder.is_some_and(|f| f.join(&include.name).is_file());
            if exists || include.name.contains(['{', '}']) {
                continue;
            }
            let at = parsed.protected.text.find(&liquid::placeholder(i));
            let line = at
                .map(|at| parsed.file_line(parsed.protected.text[..at].matches('\n').count() + 1));
            warnings.push(Diagnostic {
                severity: Severity::Error,
                code: "include",
                message: format!(
                    "{} left out: no include `{}` in the includes folder, which Jekyll would stop at",
                    tag.raw.trim(),
                    include.name
                ),
                line,
            });
            missing.push(i);
        }
        let kept = liquid::remove_placeholders(markdown, &missing);
        liquid::restore(&kept, &parsed.protected.tags)
    } else {
        liquid::restore(markdown, &parsed.protected.tags)
    }
}
