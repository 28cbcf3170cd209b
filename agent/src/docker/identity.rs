//! Who the agent is, so that no action can stop or kill it: its process id, its executable,
//! its systemd unit and, when it runs in a container, that container's id.

use std::path::{Path, PathBuf};

/// The agent's own identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelfIdentity {
    /// The agent's process id.
    pub pid: u32,
    /// Its executable, resolved.
    pub exe: Option<PathBuf>,
    /// Its systemd unit (`vigil-agent.service`), if it runs under one.
    pub systemd_unit: Option<String>,
    /// The id (64 hex digits) of the container it runs in, if any.
    pub container_id: Option<String>,
}

fn is_container_id(word: &str) -> bool {
    word.len() == 64 && word.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The container id from `/proc/self/cgroup` (`…/docker/<id>`, `…/docker-<id>.scope`,
/// `…/libpod-<id>.scope`) or, under cgroup namespaces, from `/proc/self/mountinfo` (the
/// engine's per-container `hostname` and `resolv.conf` files are mounted from a directory
/// named after the id).
pub fn container_id(cgroup: &str, mountinfo: &str) -> Option<String> {
    let candidates = cgroup.lines().flat_map(|line| line.split('/')).chain(
        mountinfo
            .lines()
            .flat_map(|line| line.split_whitespace().nth(3))
            .filter(|root| root.contains("containers/"))
            .flat_map(|root| root.split('/')),
    );
    candidates
        .map(|word| word.trim_end_matches(".scope").rsplit('-').next().unwrap_or(word))
        .find(|word| is_container_id(word))
        .map(str::to_owned)
}

/// The systemd unit from `/proc/self/cgroup` (`…/system.slice/vigil-agent.service`).
pub fn systemd_unit(cgroup: &str) -> Option<String> {
    cgroup.lines().filter_map(|line| line.rsplit('/').next()).find(|last| last.ends_with(".service")).map(str::to_owned)
}

impl SelfIdentity {
    /// This process's identity, read from `proc` (normally `/proc`).
    pub fn of_this_process(proc: &Path) -> Self {
        let read = |p: &str| std::fs::read_to_string(proc.join(p)).unwrap_or_default();
        let cgroup = read("self/cgroup");
        Self {
            pid: std::process::id(),
            exe: std::env::current_exe().ok().and_then(|p| p.canonicalize().ok()),
            systemd_unit: systemd_unit(&cgroup),
            container_id: container_id(&cgroup, &read("self/mountinfo")),
        }
    }

    /// Whether `id` (a full id or a prefix of 12 digits or more, as Docker prints them) is the
    /// agent's own container.
    pub fn is_own_container(&self, id: &str) -> bool {
        self.container_id.as_deref().is_some_and(|own| id.len() >= 12 && own.starts_with(id))
    }

    /// Whether an argument names the agent: its pid, its unit (with or without `.service`) or
    /// its container.
    pub fn is_named_by(&self, arg: &str) -> bool {
        let unit_stem = self.systemd_unit.as_deref().map(|u| u.trim_end_matches(".service"));
        arg == self.pid.to_string() || self.systemd_unit.as_deref() == Some(arg) || unit_stem == Some(arg) || self.is_own_container(arg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "1b934b29348de4c15efee94e5e2a546e25c223f1ae23c19e678f4fb125f76d88";

    #[test]
    fn container_ids_from_cgroups_and_mounts() {
        let cases = [
            (format!("12:pids:/docker/{ID}\n"), String::new(), Some(ID)),
            (format!("0::/system.slice/docker-{ID}.scope\n"), String::new(), Some(ID)),
            (format!("0::/machine.slice/libpod-{ID}.scope/container\n"), String::new(), Some(ID)),
            (format!("0::/machine.slice/libpod-{ID}.scope\n"), String::new(), Some(ID)),
            (
                "0::/\n".to_owned(),
                format!("600 500 0:40 /var/lib/docker/containers/{ID}/hostname /etc/hostname rw - ext4 /dev/vda rw\n"),
                Some(ID),
            ),
            (
                "0::/\n".to_owned(),
                format!("600 500 0:40 /containers/overlay-containers/{ID}/userdata/hostname /etc/hostname rw - ext4 /dev/vda rw\n"),
                Some(ID),
            ),
            ("9:name=systemd:/\n0::/\n".to_owned(), "22 1 0:21 / / rw - ext4 /dev/vda rw\n".to_owned(), None),
        ];
        for (cgroup, mountinfo, expected) in cases {
            assert_eq!(container_id(&cgroup, &mountinfo).as_deref(), expected, "{cgroup} {mountinfo}");
        }
    }

    #[test]
    fn what_names_the_agent() {
        let me = SelfIdentity {
            pid: 4242,
            exe: None,
            systemd_unit: systemd_unit("0::/system.slice/vigil-agent.service\n"),
            container_id: Some(ID.to_owned()),
        };
        for arg in ["4242", "vigil-agent", "vigil-agent.service", &ID[..12], ID] {
            assert!(me.is_named_by(arg), "{arg}");
        }
        for arg in ["42", "nginx", "restart", &ID[..11], "", "vigil"] {
            assert!(!me.is_named_by(arg), "{arg}");
        }
    }
}
