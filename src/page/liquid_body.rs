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

/// What a body's Liquid placeholders become, decided from the parsed page before its
/// Markdown is known: the warnings, and the tags to restore or leave out.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct LiquidPlan {
    pub warnings: Vec<Diagnostic>,
    tags: Vec<liquid::Tag>,
    /// Every tag left out (no Liquid), or these (includes without a file).
    drop_all: bool,
    missing: Vec<usize>,
}

impl LiquidPlan {
    /// The target's include policy applied to the page's tags.
    pub fn of(settings: &Settings, includes: Option<&Path>, parsed: &Parsed) -> LiquidPlan {
        let mut plan = LiquidPlan {
            tags: parsed.protected.tags.clone(),
            ..LiquidPlan::default()
        };
        let policy = settings.include_policy();
        if policy == crate::target::Includes::Drop {
            // The generator has no Liquid: no tag may reach it, not even as text.
            for tag in &parsed.protected.tags {
                plan.warnings
                    .push(left_out(&tag.raw, settings.config.target));
            }
            plan.drop_all = true;
        } else if policy == crate::target::Includes::Copy {
            // Jekyll renders the includes left in the body from the site's `_includes`
            // (pagemill copies the includes folder there); one whose file does not exist
            // would stop the build: it is left out, as an error naming it.
            for (i, tag) in parsed.protected.tags.iter().enumerate() {
                let Some(include) = &tag.include else {
                    continue;
                };
                let exists = includes.is_some_and(|f| f.join(&include.name).is_file());
                if exists || include.name.contains(['{', '}']) {
                    continue;
                }
                let at = parsed.protected.text.find(&liquid::placeholder(i));
                let line = at.map(|at| {
                    parsed.file_line(parsed.protected.text[..at].matches('\n').count() + 1)
                });
                plan.warnings.push(Diagnostic {
                    severity: Severity::Error,
                    code: "include",
                    message: format!(
                        "{} left out: no include `{}` in the includes folder, which Jekyll would stop at",
                        tag.raw.trim(),
                        include.name
                    ),
                    line,
                });
                plan.missing.push(i);
            }
        }
        plan
    }

    /// The body with its placeholders replaced as planned.
    pub fn apply(&self, markdown: String) -> String {
        if !markdown.contains(liquid::OPEN) {
            // No placeholder: nothing to replace.
            markdown
        } else if self.drop_all {
            liquid::remove_all_placeholders(&markdown)
        } else if self.missing.is_empty() {
            liquid::restore(&markdown, &self.tags)
        } else {
            let kept = liquid::remove_placeholders(&markdown, &self.missing);
            liquid::restore(&kept, &self.tags)
        }
    }
}
