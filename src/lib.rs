//! pagemill: legacy HTML department pages → Markdown with validated YAML front matter.

pub mod dom;
pub mod links;
pub mod markdown;
pub mod source;
