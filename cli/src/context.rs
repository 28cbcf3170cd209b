//! Where the CLI keeps the servers it talks to: named contexts (a URL and an API key, or the
//! tokens of a signed-in person, each) in `config.toml` in the user's configuration directory
//! (`$VIGIL_CONFIG`, else `$XDG_CONFIG_HOME/vigil/config.toml`, else
//! `~/.config/vigil/config.toml`), readable by its owner only.

use crate::failure::Failure;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use vigil_client::StoredTokens;

/// One server and the credentials to use with it: an API key, or a person's tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The server's base URL.
    pub url: String,
    /// The API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The signed-in person's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The signed-in person's tokens (the refresh token changes at every refresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<StoredTokens>,
}

impl Context {
    /// A context acting with an API key.
    pub fn with_key(url: String, key: String) -> Self {
        Self { url, key: Some(key), email: None, tokens: None }
    }

    /// Who the context acts as, for a person.
    pub fn acting_as(&self) -> String {
        match (&self.email, &self.tokens, &self.key) {
            (Some(email), Some(_), _) => email.clone(),
            (Some(email), None, _) => format!("{email} (signed out)"),
            (None, _, Some(_)) => "an API key".into(),
            (None, _, None) => "-".into(),
        }
    }
}

/// Every context, and which one commands use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contexts {
    /// The context used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// By name.
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// Where the configuration file is.
pub fn config_path() -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os("VIGIL_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var_os("HOME").ok_or_else(|| Failure::usage("neither HOME nor VIGIL_CONFIG is set"))?).join(".config")
        }
    };
    Ok(base.join("vigil").join("config.toml"))
}

impl Contexts {
    /// Reads `path`; a missing file is no context yet.
    pub fn load(path: &Path) -> Result<Contexts, Failure> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| Failure::usage(format!("{} is not a valid configuration: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Contexts::default()),
            Err(e) => Err(Failure::usage(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Writes `path` (mode 0600, its directory 0700), replacing it whole.
    pub fn save(&self, path: &Path) -> Result<(), Failure> {
        let failed = |e: std::io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            std::fs::create_dir_all(dir).map_err(failed)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed)?;
        }
        let text = toml::to_string(self).map_err(|e| Failure::usage(format!("cannot write the configuration: {e}")))?;
        let temporary = path.with_extension("toml.tmp");
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temporary).map_err(failed)?;
        // An existing file keeps the mode it had; the key must not be readable by others.
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
        file.write_all(text.as_bytes()).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }

    /// The context named `name`, else the current one.
    pub fn pick(&self, name: Option<&str>) -> Option<(&str, &Context)> {
        let name = name.or(self.current.as_deref())?;
        self.contexts.get_key_value(name).map(|(n, c)| (n.as_str(), c))
    }
}

/// An exclusive lock on the configuration at `path`, held until the file returned is closed:
/// whoever rotates a context's tokens holds it from reading them to writing the new ones, so
/// that two `vigil` processes never spend the same refresh token. The lock is on a file beside
/// the configuration (`config.toml.lock`), since saving replaces the configuration file.
pub fn lock(path: &Path) -> Result<File, Failure> {
    let mut name = OsString::from(path.as_os_str());
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let failed = |e: std::io::Error| Failure::usage(format!("cannot lock {}: {e}", lock_path.display()));
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed)?;
    }
    let file = std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(&lock_path).map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_contexts_read_back_and_only_their_owner_can_read_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/vigil/config.toml");
        let mut contexts = Contexts::default();
        contexts.contexts.insert("prod".into(), Context::with_key("https://vigil.example.com".into(), "vk_1".into()));
        contexts.contexts.insert("local".into(), Context::with_key("http://127.0.0.1:8080".into(), "vk_2".into()));
        let tokens = StoredTokens {
            refresh_token: "vr_x".into(),
            access_token: Some("eyJ.a.b".into()),
            access_expires_at: Some("2026-03-01T12:15:00Z".parse().unwrap()),
            organisation_id: Some("0192f3a4-0000-7000-8000-000000000001".parse().unwrap()),
        };
        let person =
            Context { url: "https://vigil.example.com".into(), key: None, email: Some("ann@example.com".into()), tokens: Some(tokens) };
        contexts.contexts.insert("ann".into(), person);
        contexts.current = Some("local".into());
        contexts.save(&path).unwrap();
        assert_eq!(Contexts::load(&path).unwrap(), contexts);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(contexts.pick(None).map(|(n, _)| n), Some("local"));
        assert_eq!(contexts.pick(Some("prod")).and_then(|(_, c)| c.key.as_deref()), Some("vk_1"));
        assert_eq!(contexts.pick(Some("ann")).map(|(_, c)| c.acting_as()), Some("ann@example.com".into()));
        assert!(contexts.pick(Some("nowhere")).is_none());
        assert_eq!(Contexts::load(&dir.path().join("missing.toml")).unwrap(), Contexts::default());
    }
}

#[cfg(test)]
mod older_files {
    use super::*;

    #[test]
    fn a_file_written_before_sign_in_existed_still_reads() {
        let text = "current = \"default\"\n\n[contexts.default]\nurl = \"http://127.0.0.1:8080\"\nkey = \"vk_1\"\n";
        let contexts: Contexts = toml::from_str(text).unwrap();
        assert_eq!(contexts.pick(None).map(|(_, c)| c.clone()), Some(Context::with_key("http://127.0.0.1:8080".into(), "vk_1".into())));
    }

    #[test]
    fn the_lock_is_exclusive_and_ends_with_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let held = lock(&path).unwrap();
        let other = std::fs::OpenOptions::new().write(true).open(dir.path().join("config.toml.lock")).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)), "a second holder waits");
        drop(held);
        other.try_lock().expect("free once the first holder is gone");
        assert_eq!(std::fs::metadata(dir.path().join("config.toml.lock")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
