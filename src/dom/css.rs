//! The selector dialect pagemill's profiles are written in, as the `selectors` crate
//! needs it described: string types, the one extra pseudo-class (`:contains`), and the
//! parser settings (`:is`, `:where`, `:has` and `:nth-child(… of S)` enabled).

use std::borrow::Borrow;
use std::fmt;

use cssparser::ToCss;
use selectors::parser::SelectorParseErrorKind;

/// A string as `selectors` wants its names and values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CssStr(pub(super) String);

impl From<&str> for CssStr {
    fn from(s: &str) -> Self {
        CssStr(s.to_string())
    }
}

impl AsRef<str> for CssStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for CssStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssStr {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        cssparser::serialize_identifier(&self.0, dest)
    }
}

impl precomputed_hash::PrecomputedHash for CssStr {
    fn precomputed_hash(&self) -> u32 {
        fnv(&self.0)
    }
}

/// A tag or attribute name as an html5ever atom, the form the parsed tree holds names
/// in: matching compares one machine word instead of two strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CssName(pub(super) html5ever::LocalName);

impl From<&str> for CssName {
    fn from(s: &str) -> Self {
        CssName(html5ever::LocalName::from(s))
    }
}

impl AsRef<str> for CssName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssName {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        cssparser::serialize_identifier(&self.0, dest)
    }
}

impl precomputed_hash::PrecomputedHash for CssName {
    fn precomputed_hash(&self) -> u32 {
        // The same hash as the ancestor bloom filter holds tag names by.
        fnv(&self.0)
    }
}

/// Pseudo-elements are not supported: this type has no values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPseudo {}

impl ToCss for NoPseudo {
    fn to_css<W: fmt::Write>(&self, _dest: &mut W) -> fmt::Result {
        match *self {}
    }
}

/// The one non-standard pseudo-class: `:contains("text")` matches elements whose text
/// contains `text`, compared case-insensitively with white space collapsed (profiles
/// use it to find a card by its heading). Pseudo-classes of user state are unsupported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pseudo {
    /// The needle, lowercased, white space collapsed.
    Contains(String),
}

impl ToCss for Pseudo {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        match self {
            Pseudo::Contains(text) => {
                dest.write_str(":contains(")?;
                cssparser::serialize_string(text, dest)?;
                dest.write_str(")")
            }
        }
    }
}

impl selectors::parser::NonTSPseudoClass for Pseudo {
    fn is_active_or_hover(&self) -> bool {
        false
    }
    fn is_user_action_state(&self) -> bool {
        false
    }
}

impl selectors::parser::PseudoElement for NoPseudo {}

#[derive(Clone, Debug)]
pub struct Simple;

impl selectors::parser::SelectorImpl for Simple {
    type ExtraMatchingData<'a> = ();
    type AttrValue = CssStr;
    type Identifier = CssStr;
    type LocalName = CssName;
    type NamespaceUrl = CssStr;
    type NamespacePrefix = CssStr;
    type BorrowedNamespaceUrl = str;
    type BorrowedLocalName = CssName;
    type NonTSPseudoClass = Pseudo;
    type PseudoElement = NoPseudo;
}

pub(super) struct SelectorParser;

impl<'i> selectors::parser::Parser<'i> for SelectorParser {
    type Impl = Simple;
    type Error = SelectorParseErrorKind;

    fn parse_is_and_where(&self) -> bool {
        true
    }
    fn parse_has(&self) -> bool {
        true
    }
    fn parse_nth_child_of(&self) -> bool {
        true
    }
    fn parse_non_ts_functional_pseudo_class(
        &self,
        name: &str,
        parser: &mut cssparser::Parser<'i>,
        _after_part: bool,
    ) -> Result<Pseudo, cssparser::ParseError<SelectorParseErrorKind>> {
        if name.eq_ignore_ascii_case("contains") {
            let needle = parser.expect_ident_or_string()?.as_ref().to_owned();
            return Ok(Pseudo::Contains(
                crate::dom::collapse_whitespace(&needle).to_lowercase(),
            ));
        }
        Err(cssparser::ParseError::custom(
            SelectorParseErrorKind::UnsupportedPseudoClassOrElement,
        ))
    }
}

/// FNV-1a: the hash `selectors` knows names by (`PrecomputedHash` of `CssStr`), also
/// what the ancestor bloom filter holds.
pub(super) fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}
