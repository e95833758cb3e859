//! What the configuration says about the site target: which generator (`target:`,
//! `--target`) and whether the team brings its own includes (`includes: keep`).

use crate::config::Settings;

/// `includes: keep`: a site's includes are the team's own; pagemill copies none and
/// leaves every include tag it cannot render for the generator.
pub const KEEP_INCLUDES: &str = "keep";

impl Settings {
    /// Whether the site's includes are the team's own (`includes: keep`).
    pub fn keeps_includes(&self) -> bool {
        self.config
            .includes
            .as_ref()
            .is_some_and(|d| d.as_os_str() == KEEP_INCLUDES)
    }

    /// The include policy of this run: the target's, unless the team keeps its own.
    pub fn include_policy(&self) -> super::Includes {
        match self.target().includes() {
            super::Includes::Copy if self.keeps_includes() => super::Includes::Keep,
            policy => policy,
        }
    }

    /// The site target's conventions.
    pub fn target(&self) -> Box<dyn super::Target> {
        super::of(self.config.target)
    }

    /// Converts for another target than the configured one (`--target`).
    pub fn set_target(&mut self, kind: super::TargetKind) {
        if kind != self.config.target {
            self.config.target = kind;
            let mut h = blake3::Hasher::new();
            h.update(self.fingerprint.as_bytes());
            h.update(format!("target {kind:?}").as_bytes());
            self.fingerprint = h.finalize().to_hex().to_string();
        }
    }
}
