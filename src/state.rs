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

use crate::extract::Removal;
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

/// The findings of a page's conversion, as a rerun replays them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredOutcome {
    pub profile: Option<String>,
    pub encoding: Option<(String, EncodingSource)>,
    pub diagnostics: Vec<(Severity, String, String, Option<usize>)>,
    pub links: Vec<StoredLink>,
    /// Element, line, reason and removed text.
    pub losses: Vec<(String, Option<usize>, String, String)>,
    /// The front matter record, as YAML.
    pub record: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLink {
    pub original: String,
    pub url: Option<String>,
    pub rules: Vec<String>,
    pub kind: LinkKind,
    pub element: String,
    pub attribute: String,
    pub line: Option<usize>,
}

impl StoredOutcome {
    pub fn new(
        profile: Option<&str>,
        encoding: Option<Encoding>,
        diagnostics: &[Diagnostic],
        links: &[FoundLink],
        losses: &[Removal],
        record: Option<&serde_yaml::Mapping>,
    ) -> StoredOutcome {
        StoredOutcome {
            profile: profile.map(str::to_string),
            encoding: encoding.map(|e| (e.name.to_string(), e.source)),
            diagnostics: diagnostics
                .iter()
                .map(|d| (d.severity, d.code.to_string(), d.message.clone(), d.line))
                .collect(),
            links: links
                .iter()
                .map(|l| StoredLink {
                    original: l.link.original.clone(),
                    url: l.link.url.clone(),
                    rules: l.link.rules.iter().map(|r| r.to_string()).collect(),
                    kind: l.link.kind,
                    element: l.element.clone(),
                    attribute: l.attribute.clone(),
                    line: l.line,
                })
                .collect(),
            losses: losses
                .iter()
                .map(|r| (r.element.clone(), r.line, r.reason.clone(), r.text.clone()))
                .collect(),
            record: record.and_then(|r| serde_yaml::to_string(r).ok()),
        }
    }

    /// The front matter record.
    pub fn record(&self) -> Option<serde_yaml::Mapping> {
        serde_yaml::from_str(self.record.as_deref()?).ok()
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

    pub fn links(&self) -> Vec<FoundLink> {
        self.links
            .iter()
            .map(|l| FoundLink {
                link: Link {
                    original: l.original.clone(),
                    url: l.url.clone(),
                    rules: l.rules.iter().map(|r| intern(r)).collect(),
                    kind: l.kind,
                },
                element: l.element.clone(),
                attribute: l.attribute.clone(),
                line: l.line,
            })
            .collect()
    }

    /// The loss report (with the removed text, or without).
    pub fn losses(&self, text: bool) -> Vec<Removal> {
        self.losses
            .iter()
            .map(|(element, line, reason, removed)| Removal {
                element: element.clone(),
                line: *line,
                reason: reason.clone(),
                text: if text { removed.clone() } else { String::new() },
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

/// Diagnostic codes and rule ids are a small fixed set of names; a replayed one is
/// given the program's own copy (or, for a name this version does not have, one kept
/// for the rest of the process).
fn intern(name: &str) -> &'static str {
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
        let db = match redb::Database::create(path) {
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
                redb::Database::create(path).map_err(|e| io(&e))?
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
        let db = redb::ReadOnlyDatabase::open(path).ok()?;
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
        serde_json::from_slice(value.value()).ok()
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
            let bytes = serde_json::to_vec(recorded).expect("a record serializes");
            let _ = sender.send((output_rel.to_string(), bytes));
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
