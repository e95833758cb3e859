//! pagemill migrates legacy HTML department pages into Markdown files whose YAML front
//! matter holds the page's fields, validated against a JSON Schema.
//!
//! The pipeline, one page per rayon worker (see `pipeline` and `page`):
//!
//! ```text
//! discover → read+decode → split source → parse → extract → links → markdown → validate → write
//! source::discover  source::decode  source::{front_matter,liquid}  dom  extract  links  markdown  validate  pipeline
//! ```
//!
//! Only plain data leaves a worker: each page ends as a [`pipeline::PageOutcome`]. The
//! library never prints; the binary renders outcomes.

pub mod assets;
pub mod config;
pub mod dom;
pub mod extract;
pub mod finding;
pub mod links;
pub mod located;
pub mod manifest;
pub mod markdown;
pub mod page;
pub mod pipeline;
pub mod report;
pub mod site;
pub mod source;
pub mod state;
pub mod target;
pub mod validate;
pub mod yaml11;

pub use config::Settings;
pub use pipeline::{convert, BatchReport, ConvertOptions, PageOutcome, Status};
