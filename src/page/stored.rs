//! Serde helpers for a prepared page kept on disk while the batch's boilerplate is
//! learned (`pipeline::learn`): the static strings of rule ids and diagnostic codes read
//! back as the same statics, records as YAML text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_yaml::Mapping;

use crate::state::intern;

/// A static string, spelled so that serde's derive does not take it for one borrowed
/// from its input.
pub type StaticStr = &'static str;

/// A `&'static str` field.
pub mod static_str {
    use super::*;

    pub fn serialize<S: Serializer>(s: &&'static str, ser: S) -> Result<S::Ok, S::Error> {
        s.serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<&'static str, D::Error> {
        let s = String::deserialize(de)?;
        Ok(intern(&s))
    }
}

/// A list of `&'static str` (a `Vec` or any other collection of them).
pub mod static_strs {
    use super::*;

    pub fn serialize<S: Serializer>(s: &[&'static str], ser: S) -> Result<S::Ok, S::Error> {
        s.serialize(ser)
    }

    pub fn deserialize<'de, D, C>(de: D) -> Result<C, D::Error>
    where
        D: Deserializer<'de>,
        C: FromIterator<&'static str>,
    {
        let v = Vec::<String>::deserialize(de)?;
        Ok(v.iter().map(|s| intern(s)).collect())
    }
}

/// A YAML mapping (whose keys need not be strings) as its YAML text.
pub mod yaml {
    use super::*;

    pub fn serialize<S: Serializer>(m: &Mapping, ser: S) -> Result<S::Ok, S::Error> {
        let text = serde_yaml::to_string(m).map_err(serde::ser::Error::custom)?;
        text.serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Mapping, D::Error> {
        let text = String::deserialize(de)?;
        serde_yaml::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// An optional YAML mapping as its YAML text.
pub mod yaml_opt {
    use super::*;

    pub fn serialize<S: Serializer>(m: &Option<Mapping>, ser: S) -> Result<S::Ok, S::Error> {
        let text = match m {
            Some(m) => Some(serde_yaml::to_string(m).map_err(serde::ser::Error::custom)?),
            None => None,
        };
        text.serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Mapping>, D::Error> {
        match Option::<String>::deserialize(de)? {
            Some(text) => serde_yaml::from_str(&text)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
