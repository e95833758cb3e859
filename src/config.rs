//! `pagemill.yaml` → a validated configuration, and the settings every page of a run
//! shares (profile, schema validator, link policy), compiled once.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::extract::boilerplate::BoilerplateConfig;
use crate::extract::{Profile, ProfileError};
use crate::links::{LinkPolicy, LinksConfig, PolicyError};
use crate::source::includes::IncludeDir;
use crate::validate::{SchemaError, SchemaRule, Validator};
use serde_yaml::Mapping;

/// The embedded default configuration: the City of Chicago sample site.
pub const DEFAULT_CONFIG: &str = include_str!("../pagemill.yaml");

/// The built-in defaults when there is no `pagemill.yaml`: any site, its origin and old
/// root inferred from the pages (`crate::site`).
pub const ANY_SITE_CONFIG: &str = include_str!("../presets/any-site.yaml");

/// Where the built-in defaults say they came from.
pub const BUILT_IN: &str = "the built-in defaults (no pagemill.yaml)";

/// Host names of the City of Chicago: a batch inferred to be theirs gets the Chicago
/// configuration (`DEFAULT_CONFIG`).
const CHICAGO_HOSTS: &[&str] = &[
    "www.chicago.gov",
    "chicago.gov",
    "www.cityofchicago.org",
    "cityofchicago.org",
];

/// Built-in schemas: (name, JSON).
pub const BUILTIN_SCHEMAS: &[(&str, &str)] = &[(
    "department",
    include_str!("../schemas/department.schema.json"),
)];

/// Size and nesting limits that keep one hostile page from stalling a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Larger files fail without being parsed.
    pub max_file_bytes: u64,
    /// Pages nested deeper than this (in elements) fail.
    pub max_depth: usize,
    /// Pages with more elements than this fail before they are parsed, so that no
    /// page's tree takes more than about 60 MB of a worker's memory.
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 1_000,
            max_elements: 100_000,
        }
    }
}

/// A `profiles:` entry: pages whose path (relative to their input root) matches the
/// glob use this profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRule {
    #[serde(rename = "match")]
    pub pattern: String,
    pub profile: String,
}

/// The profile name that recognizes each page's template.
pub const AUTO: &str = "auto";

/// The configuration file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile of pages no `profiles:` rule matches: `auto` (recognize the
    /// template), a built-in name or a path to a profile YAML file.
    #[serde(default = "auto")]
    pub profile: String,
    /// Profiles by path, first match wins.
    #[serde(default)]
    pub profiles: Vec<ProfileRule>,
    /// Corpus-level boilerplate detection (profiles with `boilerplate: true`).
    #[serde(default)]
    pub boilerplate: BoilerplateConfig,
    /// Overrides the profile's schema: a built-in name or a path.
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub links: LinksConfig,
    /// Folder names never searched for pages.
    #[serde(default = "default_exclude")]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub limits: Limits,
    /// For `validate`: which schema checks which files.
    #[serde(default)]
    pub schemas: Vec<SchemaRule>,
    /// The Jekyll includes folder; without it, each page uses the nearest `_includes`
    /// folder beside or above it.
    #[serde(default)]
    pub includes: Option<PathBuf>,
    /// The site generator the output is for (`plain`, `jekyll`, `hugo`).
    #[serde(default)]
    pub target: crate::target::TargetKind,
    /// Legacy layout names mapped to the new site's (with a target).
    #[serde(default)]
    pub layouts: std::collections::BTreeMap<String, String>,
    /// Files pages reference: `copy` into the site (default), `link` to the old site,
    /// or `none`.
    #[serde(default)]
    pub assets: crate::assets::AssetMode,
    /// How the Markdown is written (`table_header`).
    #[serde(default)]
    pub markdown: crate::markdown::MarkdownConfig,
}

fn auto() -> String {
    AUTO.to_string()
}

fn default_exclude() -> Vec<String> {
    [
        "_includes",
        "_layouts",
        "_data",
        "_sass",
        "_site",
        "node_modules",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}{}: {message}", crate::located::suffix(*.place))]
    Yaml {
        origin: String,
        message: String,
        place: Option<(usize, usize)>,
    },
    #[error("{origin}: {source}")]
    Links {
        origin: String,
        #[source]
        source: PolicyError,
    },
    #[error("{name}{}: {source}", crate::located::suffix(*.place))]
    Profile {
        name: String,
        place: Option<(usize, usize)>,
        source: Box<ProfileError>,
    },
    #[error("unknown profile `{name}`: not a built-in ({builtins}) and no such file")]
    UnknownProfile { name: String, builtins: String },
    #[error("unknown schema `{name}`: not a built-in ({builtins}) and no such file")]
    UnknownSchema { name: String, builtins: String },
    #[error("includes folder {path}: {source}")]
    Includes {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("profiles: invalid glob `{pattern}`: {message}")]
    Glob { pattern: String, message: String },
    #[error("schema {name}: {source}")]
    Schema {
        name: String,
        #[source]
        source: SchemaError,
    },
}

/// A profile with its schema's validator, compiled once.
#[derive(Debug)]
pub struct Compiled {
    pub profile: Profile,
    pub validator: Validator,
}

/// How pages no path rule matches get their profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    Fixed(usize),
    /// The first profile whose detection matches, else `generic`.
    Auto,
}

/// Everything a run needs, compiled once and shared by every worker.
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    /// Every profile the run may use.
    pub profiles: Vec<Compiled>,
    rules: Vec<(globset::GlobMatcher, usize)>,
    fallback: Fallback,
    pub policy: LinkPolicy,
    /// Where the configuration came from, for messages.
    pub origin: String,
    /// The folder relative paths of the configuration resolve from.
    pub base: PathBuf,
    /// The includes folder every page uses (`--includes` or `includes:`); `None` lets
    /// each page find its own.
    pub includes: Option<IncludeDir>,
    /// Hash of the tool version, configuration, profiles and schemas: what decides a
    /// page's output besides its source, its includes and the batch.
    pub fingerprint: String,
    /// The element keys the profiles' selectors look up: all a page's index holds.
    pub key_slots: std::sync::Arc<crate::dom::KeySlots>,
}

impl Settings {
    /// Loads settings: `config_path` if given, else `./pagemill.yaml` if present, else
    /// the embedded default. `profile` overrides the configured profile.
    pub fn load(
        config_path: Option<&Path>,
        profile: Option<&str>,
    ) -> Result<Settings, ConfigError> {
        let local = Path::new("pagemill.yaml");
        let (text, origin, base) = match config_path {
            Some(p) => (read(p)?, p.display().to_string(), parent_dir(p)),
            None if local.is_file() => (
                read(local)?,
                "pagemill.yaml".to_string(),
                PathBuf::from("."),
            ),
            None => (
                ANY_SITE_CONFIG.to_string(),
                BUILT_IN.to_string(),
                PathBuf::from("."),
            ),
        };
        Settings::from_yaml(&text, &origin, &base, profile)
    }

    /// Builds settings from configuration text; relative paths resolve against `base`.
    pub fn from_yaml(
        text: &str,
        origin: &str,
        base: &Path,
        profile_override: Option<&str>,
    ) -> Result<Settings, ConfigError> {
        let config: Config = serde_yaml::from_str(text).map_err(|e| {
            let (message, place) = crate::located::yaml_error(&e);
            ConfigError::Yaml {
                origin: origin.to_string(),
                message,
                place,
            }
        })?;
        let policy = LinkPolicy::new(&config.links).map_err(|source| ConfigError::Links {
            origin: origin.to_string(),
            source,
        })?;
        let mut profiles = Vec::new();
        let mut rules = Vec::new();
        // Everything that decides a page's output besides its own source.
        let mut fingerprint = blake3::Hasher::new();
        fingerprint.update(env!("CARGO_PKG_VERSION").as_bytes());
        fingerprint.update(b"\0");
        fingerprint.update(text.as_bytes());
        fingerprint.update(b"\0");
        fingerprint.update(profile_override.unwrap_or_default().as_bytes());
        let fallback = match profile_override {
            Some(p) => Fallback::Fixed(add_profile(
                &mut profiles,
                &mut fingerprint,
                &config,
                p,
                Path::new("."),
            )?),
            None => {
                for rule in &config.profiles {
                    let glob = globset::GlobBuilder::new(&rule.pattern)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| ConfigError::Glob {
                            pattern: rule.pattern.clone(),
                            message: e.to_string(),
                        })?
                        .compile_matcher();
                    let i = add_profile(
                        &mut profiles,
                        &mut fingerprint,
                        &config,
                        &rule.profile,
                        base,
                    )?;
                    rules.push((glob, i));
                }
                if config.profile == AUTO {
                    for (name, _) in crate::extract::profile::BUILTIN {
                        add_profile(&mut profiles, &mut fingerprint, &config, name, base)?;
                    }
                    Fallback::Auto
                } else {
                    Fallback::Fixed(add_profile(
                        &mut profiles,
                        &mut fingerprint,
                        &config,
                        &config.profile,
                        base,
                    )?)
                }
            }
        };
        let includes = match &config.includes {
            // `keep`: the team brings its own `_includes` to the site (each page still
            // finds its own folder for what pagemill renders).
            Some(dir) if dir.as_os_str() == crate::target::KEEP_INCLUDES => None,
            Some(dir) => Some(open_includes(&base.join(dir))?),
            None => None,
        };
        let key_slots =
            crate::dom::KeySlots::of(profiles.iter().flat_map(|c| c.profile.selectors()));
        Ok(Settings {
            fingerprint: fingerprint.finalize().to_hex().to_string(),
            key_slots: std::sync::Arc::new(key_slots),
            config,
            profiles,
            rules,
            fallback,
            policy,
            origin: origin.to_string(),
            base: base.to_path_buf(),
            includes,
        })
    }

    /// Whether the configuration leaves the site's origin to be inferred.
    pub fn site_unknown(&self) -> bool {
        !self.policy.origin_known()
    }

    /// The settings with the inferred site filled in where the configuration is silent;
    /// the built-in defaults give way to the Chicago configuration for Chicago's pages.
    pub fn with_site(self, site: &crate::site::InferredSite) -> Result<Settings, ConfigError> {
        let host = url::Url::parse(&site.origin)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        if self.origin == BUILT_IN && CHICAGO_HOSTS.contains(&host.as_str()) {
            let mut chicago = Settings::from_yaml(
                DEFAULT_CONFIG,
                "the built-in City of Chicago configuration",
                &self.base,
                None,
            )?;
            chicago.includes = self.includes;
            return Ok(chicago);
        }
        let mut settings = self;
        let links = &mut settings.config.links;
        links.origin = Some(site.origin.clone());
        for alias in &site.aliases {
            if !links.aliases.contains(alias) {
                links.aliases.push(alias.clone());
            }
        }
        links.old_root.get_or_insert_with(|| site.old_root.clone());
        settings.policy = LinkPolicy::new(links).map_err(|source| ConfigError::Links {
            origin: settings.origin.clone(),
            source,
        })?;
        let mut h = blake3::Hasher::new();
        h.update(settings.fingerprint.as_bytes());
        let inferred = format!("{:?}", settings.config.links);
        h.update(inferred.as_bytes());
        settings.fingerprint = h.finalize().to_hex().to_string();
        Ok(settings)
    }

    /// The profile of a page: the first `profiles:` rule its path matches, else the
    /// configured profile, else (`auto`) the first built-in whose detection matches,
    /// else `generic`. `index` is the parsed page's element index.
    pub fn choose(
        &self,
        rel_path: &str,
        front_matter: Option<&Mapping>,
        index: &crate::dom::DomIndex,
    ) -> &Compiled {
        if let Some((_, i)) = self.rules.iter().find(|(g, _)| g.is_match(rel_path)) {
            return &self.profiles[*i];
        }
        match self.fallback {
            Fallback::Fixed(i) => &self.profiles[i],
            Fallback::Auto => self
                .profiles
                .iter()
                .filter(|c| !c.profile.detect.is_empty())
                .find(|c| crate::extract::root::detects(&c.profile, index, front_matter))
                .or_else(|| self.profiles.iter().find(|c| c.profile.name == "generic"))
                .unwrap_or(&self.profiles[0]),
        }
    }

    /// The profile every page uses when there is only one choice (`--profile`, or a
    /// single configured profile with no rules); `None` when pages differ.
    pub fn single_profile(&self) -> Option<&Compiled> {
        match self.fallback {
            Fallback::Fixed(i) if self.rules.is_empty() => Some(&self.profiles[i]),
            _ => None,
        }
    }

    /// Every field name any profile of the run writes (keys `validate` accepts).
    pub fn field_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for c in &self.profiles {
            for n in c.profile.field_names() {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names
    }

    /// Uses `dir` as the includes folder of every page (`--includes`).
    pub fn set_includes(&mut self, dir: &Path) -> Result<(), ConfigError> {
        self.includes = Some(open_includes(dir)?);
        Ok(())
    }

    /// The includes folder of a page: the configured one, else the nearest `_includes`
    /// beside or above the page's folder (as Jekyll finds it from the site root).
    pub fn includes_for(&self, page: &Path) -> Option<IncludeDir> {
        if let Some(dir) = &self.includes {
            return Some(dir.clone());
        }
        let folder = match page.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        IncludeDir::find(folder)
    }
}

fn open_includes(dir: &Path) -> Result<IncludeDir, ConfigError> {
    IncludeDir::open(dir).map_err(|source| ConfigError::Includes {
        path: dir.to_path_buf(),
        source,
    })
}

/// The names of built-in entries, for messages.
fn names(builtins: &[(&str, &str)]) -> String {
    builtins
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Loads a profile (once per name) with its schema; returns its position.
fn add_profile(
    profiles: &mut Vec<Compiled>,
    fingerprint: &mut blake3::Hasher,
    config: &Config,
    name: &str,
    base: &Path,
) -> Result<usize, ConfigError> {
    let (profile, profile_base, profile_text) = load_profile(name, base)?;
    if let Some(i) = profiles.iter().position(|c| c.profile.name == profile.name) {
        return Ok(i);
    }
    let schema_name = config
        .schema
        .clone()
        .unwrap_or_else(|| profile.schema.clone());
    let schema_base = if config.schema.is_some() {
        base.to_path_buf()
    } else {
        profile_base
    };
    let schema_text = load_schema_text(&schema_name, &schema_base)?;
    let declared = profile
        .field_names()
        .chain(crate::target::KEYS.iter().copied());
    let validator =
        Validator::new(&schema_text, declared).map_err(|source| ConfigError::Schema {
            name: schema_name.clone(),
            source,
        })?;
    for part in [profile_text.as_str(), schema_text.as_str()] {
        fingerprint.update(&(part.len() as u64).to_le_bytes());
        fingerprint.update(part.as_bytes());
    }
    profiles.push(Compiled { profile, validator });
    Ok(profiles.len() - 1)
}

/// A profile by built-in name or path; also returns the folder its paths resolve from.
fn load_profile(name: &str, base: &Path) -> Result<(Profile, PathBuf, String), ConfigError> {
    if let Some((_, yaml)) = crate::extract::profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
    {
        let p = Profile::from_yaml(yaml).expect("built-in profiles are valid");
        return Ok((p, base.to_path_buf(), yaml.to_string()));
    }
    let path = base.join(name);
    if !path.is_file() {
        return Err(ConfigError::UnknownProfile {
            name: name.to_string(),
            builtins: names(crate::extract::profile::BUILTIN),
        });
    }
    let text = read(&path)?;
    let profile = Profile::from_yaml(&text).map_err(|source| ConfigError::Profile {
        name: path.display().to_string(),
        place: source.place(&text),
        source: Box::new(source),
    })?;
    Ok((profile, parent_dir(&path), text))
}

/// A schema's JSON by built-in name or path (relative to `base`).
pub fn load_schema_text(name: &str, base: &Path) -> Result<String, ConfigError> {
    if let Some((_, json)) = BUILTIN_SCHEMAS.iter().find(|(n, _)| *n == name) {
        return Ok(json.to_string());
    }
    let path = base.join(name);
    if !path.is_file() {
        return Err(ConfigError::UnknownSchema {
            name: name.to_string(),
            builtins: names(BUILTIN_SCHEMAS),
        });
    }
    read(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_loads() {
        let s = Settings::from_yaml(DEFAULT_CONFIG, "default", Path::new("."), None).unwrap();
        let names: Vec<&str> = s.profiles.iter().map(|c| c.profile.name.as_str()).collect();
        assert_eq!(names, ["chicago-department", "chicago-aem", "generic"]);
        assert!(s.policy.is_own_host("www.cityofchicago.org"));
    }

    #[test]
    fn unknown_keys_and_profiles_are_clear_errors() {
        let err = Settings::from_yaml(
            "profile: x\nlinks: {origin: 'https://a.org'}\nbogus: 1\n",
            "c.yaml",
            Path::new("."),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("c.yaml") && err.contains("bogus"), "{err}");
        let err = Settings::from_yaml(
            "profile: nope\nlinks: {origin: 'https://a.org'}\n",
            "c.yaml",
            Path::new("."),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("nope") && err.contains("chicago-department"),
            "{err}"
        );
    }

    #[test]
    fn origin_must_be_absolute() {
        let err = Settings::from_yaml(
            "profile: chicago-department\nlinks: {origin: 'www.x.org'}\n",
            "c.yaml",
            Path::new("."),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("www.x.org"), "{err}");
    }
}
