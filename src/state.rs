//! The output folder's run state (`.pagemill/state.redb`, machine-local, ignored by git):
//! every page's last result — its manifest entry, the settings and batch it was made
//! with, and its outcome (warnings, losses, changed links) — recorded as pages finish, in
//! group commits made durable only after the pages they vouch for. A rerun skips every
//! page completely written before, even when the run that wrote it was killed before its
//! manifest, and replays the outcome of a page it skips, so findings and exit codes do
//! not depend on what this run happened to convert.
//!
//! redb, not SQLite: pure Rust (nothing to compile from C on every CI machine), one
//! file, transactions with a chosen durability, and readers that never block the writer.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use redb::{ReadableDatabase, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::links::{FoundLink, Link, LinkKind};
use crate::manifest::Entry;
use crate::page::{Diagnostic, Encoding, Severity};
use crate::source::decode::EncodingSource;

const PAGES: TableDefinition<&str, &[u8]> = TableDefinition::new("pages");

/// Pages recorded per transaction at most, and the longest a finished page waits.
const GROUP: usize = 256;
const GROUP_WAIT: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: another pagemill run is writing this output folder", .0.display())]
    Busy(PathBuf),
    #[error("{}: {message}", .path.display())]
    Io { path: PathBuf, message: String },
}

/// One page's last result, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The settings fingerprint and batch hash it was converted with.
    pub settings: String,
    pub batch: String,
    pub entry: Entry,
    pub outcome: StoredOutcome,
}

/// The findings of a page's conversion, as a rerun replays them: its diagnostics, and
/// of each changed link the rules that changed it and whether it was dropped (for the
/// tally and the warning summary). Reports show more (fields, losses, URLs) and read
/// the page again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredOutcome {
    pub profile: Option<String>,
    pub encoding: Option<(String, EncodingSource)>,
    pub diagnostics: Vec<(Severity, String, String, Option<usize>)>,
    /// The changed links in order, as runs of links alike: their rules (`rule_code`),
    /// whether they were dropped, their kind, and how many in a row.
    pub links: Vec<(String, bool, LinkKind, u32)>,
    /// With a site target: the legacy layout `layouts:` does not map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmapped_layout: Option<String>,
    /// The absolute old URLs of the own-site files the page references that are not in
    /// the input tree (kept on the old site), for the asset inventory of a rerun that
    /// replays the page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_assets: Vec<String>,
}

impl StoredOutcome {
    pub fn new(
        profile: Option<&str>,
        encoding: Option<Encoding>,
        diagnostics: &[Diagnostic],
        links: &[FoundLink],
    ) -> StoredOutcome {
        StoredOutcome {
            profile: profile.map(str::to_string),
            encoding: encoding.map(|e| (e.name.to_string(), e.source)),
            diagnostics: diagnostics
                .iter()
                .map(|d| (d.severity, d.code.to_string(), d.message.clone(), d.line))
                .collect(),
            links: runs(links),
            unmapped_layout: None,
            kept_assets: Vec::new(),
        }
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .map(|(severity, code, message, line)| Diagnostic {
                severity: *severity,
                code: intern(code),
                message: message.clone(),
                line: *line,
            })
            .collect()
    }

    /// The changed links as far as they are kept: rules, dropped or not, kind (no URLs).
    pub fn links(&self) -> Vec<FoundLink> {
        self.links
            .iter()
            .flat_map(|(rules, dropped, kind, n)| {
                let link = FoundLink {
                    link: Link {
                        original: String::new(),
                        url: (!dropped).then(String::new),
                        rules: rules_of(rules),
                        kind: *kind,
                    },
                    element: std::borrow::Cow::Borrowed(""),
                    attribute: std::borrow::Cow::Borrowed(""),
                    line: None,
                };
                std::iter::repeat_n(link, *n as usize)
            })
            .collect()
    }

    pub fn encoding(&self) -> Option<Encoding> {
        let (name, source) = self.encoding.as_ref()?;
        let found = encoding_rs::Encoding::for_label(name.as_bytes())?;
        Some(Encoding {
            name: found.name(),
            source: *source,
        })
    }
}

/// Links as runs of links alike (rules, dropped, kind), in order.
fn runs(links: &[FoundLink]) -> Vec<(String, bool, LinkKind, u32)> {
    let mut out: Vec<(String, bool, LinkKind, u32)> = Vec::new();
    // The code of each list of rules met, written once (a page has a few such lists).
    let mut codes: Vec<(&[&'static str], String)> = Vec::new();
    for l in links {
        let dropped = l.link.url.is_none();
        let rules = l.link.rules.as_slice();
        let k = match codes.iter().position(|(r, _)| *r == rules) {
            Some(k) => k,
            None => {
                codes.push((rules, rule_code(rules)));
                codes.len() - 1
            }
        };
        let code = &codes[k].1;
        match out.last_mut() {
            Some((rules, d, kind, n)) if *d == dropped && *kind == l.link.kind && rules == code => {
                *n += 1
            }
            _ => out.push((code.clone(), dropped, l.link.kind, 1)),
        }
    }
    out
}

/// Rule ids written short: their places in `rule::ALL`, `.`-separated (a name this
/// version does not know is written as it is).
fn rule_code(rules: &[&'static str]) -> String {
    let all = crate::links::rule::ALL;
    let mut code = String::new();
    for (k, r) in rules.iter().enumerate() {
        if k > 0 {
            code.push('.');
        }
        match all.iter().position(|a| std::ptr::eq(*a, *r) || a == r) {
            Some(i) => code.push_str(itoa::Buffer::new().format(i)),
            None => code.push_str(r),
        }
    }
    code
}

fn rules_of(code: &str) -> crate::links::Rules {
    let all = crate::links::rule::ALL;
    code.split('.')
        .filter(|p| !p.is_empty())
        .map(|p| match p.parse::<usize>().ok().and_then(|i| all.get(i)) {
            Some(rule) => *rule,
            None => intern(p),
        })
        .collect()
}

/// Diagnostic codes and rule ids are a small fixed set of names; a replayed one is
/// given the program's own copy (or, for a name this version does not have, one kept
/// for the rest of the process).
pub(crate) fn intern(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    if let Some(rule) = crate::links::rule::ALL.iter().find(|r| **r == name) {
        return rule;
    }
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// The state store of an output folder.
pub struct State {
    path: PathBuf,
    db: Db,
}

enum Db {
    Write(redb::Database),
    Read(redb::ReadOnlyDatabase),
}

impl State {
    /// The store's file in `output` (`name`: one per shard).
    pub fn path(output: &Path, name: &str) -> PathBuf {
        output.join(crate::manifest::DIR).join(name)
    }

    /// Opens (or creates) the store for a run that writes. A store that cannot be read
    /// is replaced (the returned warning says so): it only spares work.
    pub fn open(path: &Path) -> Result<(State, Option<String>), StateError> {
        let io = |e: &dyn std::fmt::Display| StateError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(&e))?;
        }
        let mut warning = None;
        // A small page cache: the state is read once per page and written in groups.
        let create = |path: &Path| redb::Builder::new().set_cache_size(4 << 20).create(path);
        let db = match create(path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StateError::Busy(path.to_path_buf()))
            }
            Err(e) => {
                warning = Some(format!(
                    "{}: unreadable run state ({e}); it is started anew",
                    path.display()
                ));
                std::fs::remove_file(path).map_err(|e| io(&e))?;
                create(path).map_err(|e| io(&e))?
            }
        };
        let state = State {
            path: path.to_path_buf(),
            db: Db::Write(db),
        };
        Ok((state, warning))
    }

    /// Opens the store for reading only (a dry run); `None` when there is none or it
    /// cannot be read.
    pub fn open_read_only(path: &Path) -> Option<State> {
        if !path.is_file() {
            return None;
        }
        let db = redb::Builder::new()
            .set_cache_size(4 << 20)
            .open_read_only(path)
            .ok()?;
        Some(State {
            path: path.to_path_buf(),
            db: Db::Read(db),
        })
    }

    /// The last result recorded for the page with this output path.
    pub fn get(&self, output_rel: &str) -> Option<Recorded> {
        let txn = match &self.db {
            Db::Write(db) => db.begin_read(),
            Db::Read(db) => db.begin_read(),
        }
        .ok()?;
        let table = txn.open_table(PAGES).ok()?;
        let value = table.get(output_rel).ok()??;
        decode(value.value())
    }

    /// Records pages in one transaction, durable when it returns.
    pub fn put(&self, pages: &[(String, Vec<u8>)], removed: &[String]) -> Result<(), StateError> {
        let Db::Write(db) = &self.db else {
            return Ok(());
        };
        let io = |e: &dyn std::fmt::Display| StateError::Io {
            path: self.path.clone(),
            message: e.to_string(),
        };
        let txn = db.begin_write().map_err(|e| io(&e))?;
        {
            let mut table = txn.open_table(PAGES).map_err(|e| io(&e))?;
            for (key, value) in pages {
                table
                    .insert(key.as_str(), value.as_slice())
                    .map_err(|e| io(&e))?;
            }
            for key in removed {
                table.remove(key.as_str()).map_err(|e| io(&e))?;
            }
        }
        txn.commit().map_err(|e| io(&e))
    }
}

/// Records finished pages from any thread, in group commits on a thread of its own;
/// `before_commit` runs before each commit (the batch makes the pages durable there).
pub struct Journal {
    sender: Option<mpsc::Sender<(String, Vec<u8>)>>,
    thread: Option<std::thread::JoinHandle<Result<usize, StateError>>>,
}

impl Journal {
    pub fn start(
        state: std::sync::Arc<State>,
        before_commit: impl Fn() + Send + 'static,
    ) -> Journal {
        let (sender, receiver) = mpsc::channel::<(String, Vec<u8>)>();
        let thread = std::thread::spawn(move || {
            let mut pending = Vec::new();
            let mut since: Option<Instant> = None;
            let mut recorded = 0;
            let mut flush = |pending: &mut Vec<(String, Vec<u8>)>| {
                if pending.is_empty() {
                    return Ok(());
                }
                before_commit();
                state.put(pending, &[])?;
                recorded += pending.len();
                pending.clear();
                Ok::<(), StateError>(())
            };
            loop {
                let wait = since.map_or(GROUP_WAIT, |t| GROUP_WAIT.saturating_sub(t.elapsed()));
                match receiver.recv_timeout(wait) {
                    Ok(item) => {
                        since.get_or_insert_with(Instant::now);
                        pending.push(item);
                        if pending.len() >= GROUP {
                            flush(&mut pending)?;
                            since = None;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        flush(&mut pending)?;
                        since = None;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            flush(&mut pending)?;
            Ok(recorded)
        });
        Journal {
            sender: Some(sender),
            thread: Some(thread),
        }
    }

    /// A page finished: record it.
    pub fn record(&self, output_rel: &str, recorded: &Recorded) {
        if let Some(sender) = &self.sender {
            let _ = sender.send((output_rel.to_string(), encode(recorded)));
        }
    }

    /// Waits until every page handed over is recorded.
    pub fn finish(mut self) -> Result<usize, StateError> {
        self.sender = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Ok(0),
            None => Ok(0),
        }
    }
}

/// A record as stored: MessagePack with field names (as self-describing as JSON, and
/// several times cheaper to write), compressed (a page's warnings and links repeat
/// themselves a lot).
fn encode(recorded: &Recorded) -> Vec<u8> {
    let packed = rmp_serde::to_vec_named(recorded).expect("a record serializes");
    lz4_flex::compress_prepend_size(&packed)
}

/// A stored record; one an earlier version stored as JSON (an object: `{`, which no
/// MessagePack map starts with) is read as JSON.
fn decode(stored: &[u8]) -> Option<Recorded> {
    let bytes = lz4_flex::decompress_size_prepended(stored).ok()?;
    match bytes.first() {
        Some(b'{') => serde_json::from_slice(&bytes).ok(),
        _ => rmp_serde::from_slice(&bytes).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::map::UrlHints;

    fn recorded(n: usize) -> Recorded {
        Recorded {
            settings: "s".into(),
            batch: "b".into(),
            entry: Entry {
                source: format!("../in/{n}.html"),
                source_hash: "h".into(),
                hints: UrlHints::default(),
                includes: None,
                output_hash: "o".into(),
            },
            outcome: StoredOutcome {
                diagnostics: vec![(Severity::Warning, "link".into(), "m".into(), Some(3))],
                ..StoredOutcome::default()
            },
        }
    }

    #[test]
    fn pages_recorded_through_the_journal_read_back_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = State::path(dir.path(), "state.redb");
        {
            let (state, warning) = State::open(&path).unwrap();
            assert!(warning.is_none());
            let state = std::sync::Arc::new(state);
            let journal = Journal::start(state.clone(), || {});
            for n in 0..600 {
                journal.record(&format!("{n}.md"), &recorded(n));
            }
            assert_eq!(journal.finish().unwrap(), 600);
        }
        let state = State::open_read_only(&path).unwrap();
        assert_eq!(state.get("599.md"), Some(recorded(599)));
        assert_eq!(state.get("nope.md"), None);
        let replayed = state.get("1.md").unwrap().outcome.diagnostics();
        assert_eq!(replayed[0].code, "link");
    }

    /// A record with every optional part present (`full`) or absent.
    fn varied(full: bool) -> Recorded {
        let mut r = recorded(7);
        if full {
            r.entry.includes = Some("inc".into());
            r.entry.hints = UrlHints {
                permalink: Some("/a/".into()),
                canonical: Some("https://x.gov/a".into()),
                og_url: None,
                base: Some("https://x.gov/".into()),
                redirect: Some("/b".into()),
            };
            r.outcome.profile = Some("generic".into());
            r.outcome.encoding = Some(("windows-1252".into(), EncodingSource::Meta));
            r.outcome.links = vec![("12.3".into(), false, LinkKind::Internal, 4)];
            r.outcome.unmapped_layout = Some("legacy".into());
            r.outcome.kept_assets = vec!["https://x.gov/f.pdf".into()];
        }
        r
    }

    #[test]
    fn records_read_back_with_their_optional_parts_present_or_absent() {
        for full in [true, false] {
            let r = varied(full);
            assert_eq!(decode(&encode(&r)), Some(r));
        }
    }

    #[test]
    fn records_an_earlier_version_stored_as_json_still_read_back() {
        for full in [true, false] {
            let r = varied(full);
            let json = serde_json::to_vec(&r).unwrap();
            assert_eq!(decode(&lz4_flex::compress_prepend_size(&json)), Some(r));
        }
        assert_eq!(decode(b"not a record"), None);
    }

    #[test]
    fn links_replay_with_their_rules_in_order() {
        use crate::links::rule;
        let link = |rules: Vec<&'static str>, dropped: bool| FoundLink {
            link: Link {
                original: "x".into(),
                url: (!dropped).then(|| "y".to_string()),
                rules: rules.into(),
                kind: LinkKind::OwnSite,
            },
            element: "a".into(),
            attribute: "href".into(),
            line: Some(1),
        };
        let links = [
            link(vec![rule::OWN_SITE], false),
            link(vec![rule::OWN_SITE], false),
            link(vec![rule::PLACEHOLDER], true),
            // The same rules, not dropped: a run of its own.
            link(vec![rule::PLACEHOLDER], false),
            link(
                vec![rule::HTTPS_UPGRADE, rule::OWN_SITE, rule::INTERNAL],
                false,
            ),
            link(
                vec![rule::HTTPS_UPGRADE, rule::OWN_SITE, rule::INTERNAL],
                false,
            ),
            // A rule this version does not number is kept by its name.
            link(vec!["site-rule"], false),
        ];
        let stored = StoredOutcome::new(None, None, &[], &links);
        assert_eq!(stored.links.len(), 5, "{:?}", stored.links);
        let back = stored.links();
        let got: Vec<(Vec<&str>, bool)> = back
            .iter()
            .map(|l| (l.link.rules.to_vec(), l.link.url.is_none()))
            .collect();
        let want: Vec<(Vec<&str>, bool)> = links
            .iter()
            .map(|l| (l.link.rules.to_vec(), l.link.url.is_none()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn rule_codes_are_places_in_the_rule_list() {
        let all = crate::links::rule::ALL;
        assert_eq!(rule_code(&[all[12], all[3], all[0]]), "12.3.0");
        assert_eq!(rule_code(&[all[1], "site-rule"]), "1.site-rule");
        assert_eq!(rules_of("12.3.0").as_slice(), [all[12], all[3], all[0]]);
    }

    #[test]
    fn a_second_writer_is_refused_and_a_broken_store_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = State::path(dir.path(), "state.redb");
        let (_first, _) = State::open(&path).unwrap();
        assert!(matches!(State::open(&path), Err(StateError::Busy(_))));
        drop(_first);
        std::fs::write(&path, b"not a database").unwrap();
        let (state, warning) = State::open(&path).unwrap();
        assert!(warning.unwrap().contains("started anew"));
        assert_eq!(state.get("a.md"), None);
    }
}
