//! YAML front matter: the `---` … `---` block at the top of a Jekyll source.

use serde_yaml::{Mapping, Value};

/// Parsed front matter: its keys in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub fields: Mapping,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FrontMatterError {
    #[error("front matter is not closed (no `---` line after the opening one)")]
    Unterminated { line: usize },
    #[error("invalid YAML in front matter: {message}")]
    Yaml { line: usize, message: String },
    #[error("front matter must be a mapping of keys to values")]
    NotMapping { line: usize },
}

impl FrontMatterError {
    /// The source line the error is on.
    pub fn line(&self) -> Option<usize> {
        match self {
            FrontMatterError::Unterminated { line }
            | FrontMatterError::Yaml { line, .. }
            | FrontMatterError::NotMapping { line } => Some(*line),
        }
    }
}

/// Splits `text` into front matter (if it opens with a `---` line) and the body, and
/// returns the 1-based line where the body starts.
pub fn split_front_matter(
    text: &str,
) -> Result<(Option<FrontMatter>, &str, usize), FrontMatterError> {
    let Some(first_end) = text.find('\n') else {
        return Ok((None, text, 1));
    };
    if text[..first_end].trim_end() != "---" {
        return Ok((None, text, 1));
    }
    let mut offset = first_end + 1;
    let mut line = 2;
    let yaml_start = offset;
    loop {
        if offset >= text.len() {
            return Err(FrontMatterError::Unterminated { line: 1 });
        }
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = (end + 1).min(text.len());
            let fm = parse_yaml(yaml)?;
            return Ok((Some(fm), &text[body_start..], line + 1));
        }
        offset = end + 1;
        line += 1;
    }
}

fn parse_yaml(yaml: &str) -> Result<FrontMatter, FrontMatterError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter {
            fields: Mapping::new(),
        });
    }
    match serde_yaml::from_str::<Value>(yaml) {
        Ok(Value::Mapping(fields)) => Ok(FrontMatter { fields }),
        Ok(Value::Null) => Ok(FrontMatter {
            fields: Mapping::new(),
        }),
        Ok(_) => Err(FrontMatterError::NotMapping { line: 2 }),
        Err(e) => {
            // serde_yaml counts lines within the block; the block starts on line 2.
            let line = e.location().map_or(2, |l| l.line() + 1);
            let message = e.to_string();
            let message = match message.find(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            Err(FrontMatterError::Yaml { line, message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_jekyll_front_matter_with_blank_lines() {
        let (fm, body, line) =
            split_front_matter("---\n\nlayout: city-page\n\n---\n<p>x</p>\n").unwrap();
        let fm = fm.unwrap();
        assert_eq!(
            fm.fields.get("layout").and_then(|v| v.as_str()),
            Some("city-page")
        );
        assert_eq!(body, "<p>x</p>\n");
        assert_eq!(line, 6);
    }

    #[test]
    fn no_front_matter_leaves_text_alone() {
        let (fm, body, line) = split_front_matter("<html>\n---\n").unwrap();
        assert!(fm.is_none());
        assert_eq!(body, "<html>\n---\n");
        assert_eq!(line, 1);
    }

    #[test]
    fn unterminated_block_is_an_error() {
        assert_eq!(
            split_front_matter("---\ntitle: x\n<p>").unwrap_err(),
            FrontMatterError::Unterminated { line: 1 }
        );
    }

    #[test]
    fn yaml_errors_name_the_file_line() {
        let err = split_front_matter("---\ntitle: x\nbad: [1, 2\n---\n").unwrap_err();
        match err {
            FrontMatterError::Yaml { line, .. } => assert!((3..=4).contains(&line), "{line}"),
            other => panic!("{other:?}"),
        }
    }
}
