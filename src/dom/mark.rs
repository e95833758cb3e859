//! Marks for the review report: in the legacy HTML of a page's content root, the
//! elements a conversion dropped or joined, found by their description (`tag#id.class`)
//! and text in document order, each given its kind and a label so that the reviewer sees
//! it where it stood.

use html5ever::{ns, LocalName, QualName};
use markup5ever_rcdom::{Handle, NodeData};

use super::Document;

/// An element to mark.
pub struct Mark<'a> {
    /// As `describe` writes it.
    pub element: &'a str,
    /// Its visible text, white space collapsed (empty: any text).
    pub text: &'a str,
    /// What happened to it (`dropped`, `joined`), as its `data-pm-kind`.
    pub kind: &'a str,
    /// The label shown with it.
    pub label: String,
}

/// `html` with the elements of `marks` marked; returns the HTML and, for each mark,
/// whether its element was found.
pub fn mark(
    html: &str,
    marks: &[Mark],
    describe: &dyn Fn(&Handle) -> String,
) -> (String, Vec<bool>) {
    let doc = Document::parse(html);
    let body = doc.body();
    let elements: Vec<Handle> = super::descendants(&body)
        .filter(|n| matches!(n.data, NodeData::Element { .. }))
        .collect();
    let mut taken = vec![false; elements.len()];
    let mut found = Vec::with_capacity(marks.len());
    // Texts are compared without white space: where blocks meet, one text has a space
    // the other may not.
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for m in marks {
        let want = bare(m.text);
        let hit = elements.iter().enumerate().position(|(i, e)| {
            !taken[i]
                && describe(e) == m.element
                && (want.is_empty() || bare(&super::text(e)) == want)
        });
        if let Some(i) = hit {
            taken[i] = true;
            set_mark(&elements[i], m);
        }
        found.push(hit.is_some());
    }
    let out: String = body
        .children
        .borrow()
        .iter()
        .map(super::outer_html)
        .collect();
    (out, found)
}

fn set_mark(element: &Handle, m: &Mark) {
    let NodeData::Element { attrs, .. } = &element.data else {
        return;
    };
    let mut attrs = attrs.borrow_mut();
    attrs.push(html5ever::Attribute {
        name: QualName::new(None, ns!(), LocalName::from("data-pm-kind")),
        value: m.kind.into(),
    });
    attrs.push(html5ever::Attribute {
        name: QualName::new(None, ns!(), LocalName::from("data-pm-label")),
        value: m.label.as_str().into(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_land_on_the_element_with_that_description_and_text() {
        let html = r#"<div id="c"><nav class="menu">Home About</nav><p>Kept</p><nav class="menu">Other</nav></div>"#;
        let describe = |n: &Handle| super::super::tag_name(n).unwrap_or("?").to_string();
        let marks = [
            Mark {
                element: "nav",
                text: "Other",
                kind: "dropped",
                label: "dropped: menu".into(),
            },
            Mark {
                element: "aside",
                text: "",
                kind: "dropped",
                label: "x".into(),
            },
        ];
        let (out, found) = mark(html, &marks, &describe);
        assert_eq!(found, [true, false]);
        assert!(
            out.contains(r#"<nav class="menu">Home About</nav>"#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"<nav class="menu" data-pm-kind="dropped" data-pm-label="dropped: menu">Other</nav>"#
            ),
            "{out}"
        );
    }
}
