//! The agent's credential on disk: its id and secret, in a file only its owner can read
//! (mode 0600), written whole or not at all.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use vigil_domain::agent::AgentSecret;
use vigil_domain::ids::AgentId;

/// What the server gave the agent at enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// The agent's id.
    pub agent_id: AgentId,
    /// Its secret.
    pub secret: AgentSecret,
}

/// The credential file in the state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("credential.json")
}

/// Reads the credential, if the agent was enrolled. A file readable by others is narrowed to
/// 0600 first.
pub fn load(state_dir: &Path) -> anyhow::Result<Option<Credential>> {
    let path = path(state_dir);
    let metadata = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if metadata.permissions().mode() & 0o077 != 0 {
        tracing::warn!(path = %path.display(), "the credential file was readable by others: narrowed to 0600");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&bytes).map(Some).with_context(|| format!("{} is not a credential", path.display()))
}

/// Stores the credential with mode 0600 (set when the file is created, so it is never
/// readable by others, not even for an instant).
pub fn store(state_dir: &Path, credential: &Credential) -> anyhow::Result<()> {
    std::fs::create_dir_all(state_dir).with_context(|| format!("creating {}", state_dir.display()))?;
    let path = path(state_dir);
    let temporary = path.with_extension("json.tmp");
    let _ = std::fs::remove_file(&temporary);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(&serde_json::to_vec_pretty(credential)?)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path)?;
    std::fs::File::open(state_dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        let credential = Credential { agent_id: AgentId::from_uuid(uuid::Uuid::from_u128(5)), secret: AgentSecret::from_random([3; 32]) };
        store(dir.path(), &credential).unwrap();
        let mode = std::fs::metadata(path(dir.path())).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load(dir.path()).unwrap(), Some(credential.clone()));
        std::fs::set_permissions(path(dir.path()), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(credential));
        assert_eq!(std::fs::metadata(path(dir.path())).unwrap().permissions().mode() & 0o777, 0o600, "narrowed");
        std::fs::write(path(dir.path()), "{}").unwrap();
        assert!(load(dir.path()).is_err());
    }
}
