//! How many page warnings `convert` prints: the first N of the run one by one (errors
//! always), the rest summarized at the end by kind and, for dropped links, by rule
//! (`--warnings all` prints each one).

use std::collections::BTreeMap;
use std::sync::Mutex;

use pagemill::page::Severity;
use pagemill::pipeline::PageOutcome;
use pagemill::report;

/// `--warnings N|all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningLimit {
    All,
    First(usize),
}

impl std::str::FromStr for WarningLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "all" {
            return Ok(WarningLimit::All);
        }
        s.parse()
            .map(WarningLimit::First)
            .map_err(|_| format!("`{s}` is not a number or `all`"))
    }
}

/// The warnings a run has printed and held back.
pub struct Printer {
    limit: WarningLimit,
    state: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    shown: usize,
    /// Held-back warnings by kind, and dropped links among them by rule.
    kinds: BTreeMap<&'static str, usize>,
    rules: BTreeMap<&'static str, usize>,
}

impl Printer {
    pub fn new(limit: WarningLimit) -> Printer {
        Printer {
            limit,
            state: Mutex::new(Held::default()),
        }
    }

    /// The lines to print for a page (errors always; warnings while the limit lasts).
    pub fn lines(&self, page: &PageOutcome, warnings: bool) -> Vec<String> {
        let name = page.source.display().to_string();
        let mut held = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        // A page's link warnings are its dropped links, in order.
        let mut dropped = page.links.iter().filter(|l| l.link.url.is_none());
        for d in &page.diagnostics {
            let link = (d.code == "link").then(|| dropped.next()).flatten();
            let show = match (d.severity, self.limit) {
                (Severity::Error, _) => true,
                _ if !warnings => false,
                (_, WarningLimit::All) => true,
                (_, WarningLimit::First(n)) => held.shown < n,
            };
            if show {
                if d.severity == Severity::Warning {
                    held.shown += 1;
                }
                out.push(report::diagnostic_line(&name, d));
            } else if warnings {
                *held.kinds.entry(d.code).or_default() += 1;
                if let Some(rule) = link.and_then(|l| l.link.rules.last()) {
                    *held.rules.entry(rule).or_default() += 1;
                }
            }
        }
        out
    }

    /// The line summarizing what was held back, if anything was.
    pub fn summary(&self) -> Option<String> {
        let held = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = held.kinds.values().sum();
        if total == 0 {
            return None;
        }
        let kinds: Vec<String> = held
            .kinds
            .iter()
            .map(|(kind, n)| {
                if *kind == "link" && !held.rules.is_empty() {
                    let rules: Vec<String> =
                        held.rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
                    format!("{kind} {n}: {}", rules.join(", "))
                } else {
                    format!("{kind} {n}")
                }
            })
            .collect();
        let noun = if total == 1 { "warning" } else { "warnings" };
        Some(format!(
            "pagemill: {total} more {noun} not shown ({}); --warnings all prints each one",
            kinds.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_from_numbers_and_all() {
        assert_eq!("all".parse::<WarningLimit>(), Ok(WarningLimit::All));
        assert_eq!("3".parse::<WarningLimit>(), Ok(WarningLimit::First(3)));
        assert!("many".parse::<WarningLimit>().is_err());
    }
}
