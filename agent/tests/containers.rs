//! Containers against a real Docker Engine API: the one at `VIGIL_TEST_DOCKER_SOCKET` if set,
//! else Podman's Docker-compatible service started here on a temporary socket (Debian's
//! `podman` and `runc` packages), with an image imported from a root filesystem the test
//! assembles from this machine's own binaries (no registry is needed). Without either, the test
//! says so loudly and checks nothing.

use jiff::{SignedDuration, Timestamp};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vigil_agent::actions::Actions;
use vigil_agent::config::{ActionKind, ActionsConfig, AllowedAction};
use vigil_agent::docker::identity::SelfIdentity;
use vigil_agent::docker::{self, ContainerCollector, ContainerOperation, DockerClient};
use vigil_domain::agent::protocol::AgentMessage;
use vigil_domain::agent::sample::{ContainerHealth, ContainerSample, ContainerState};
use vigil_domain::agent::{ActionName, ActionRequest, AgentSecret, MetricKey, Refusal};
use vigil_domain::ids::{ActionRequestId, AgentId};

const IMAGE: &str = "localhost/vigil-agent-test:latest";

/// A Docker-API engine for the test, and what to clean up after it.
struct Engine {
    socket: PathBuf,
    conf: Option<PathBuf>,
    service: Option<Child>,
    names: Vec<String>,
    _dir: tempfile::TempDir,
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
}

impl Engine {
    fn podman(&self, args: &[&str]) -> String {
        let mut command = Command::new("podman");
        if let Some(conf) = &self.conf {
            command.env("CONTAINERS_CONF", conf);
        }
        let out = command.args(args).output().expect("podman runs");
        assert!(out.status.success(), "podman {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn start() -> Option<Engine> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(socket) = std::env::var_os("VIGIL_TEST_DOCKER_SOCKET") {
            return Some(Engine { socket: socket.into(), conf: None, service: None, names: vec![], _dir: dir });
        }
        if !on_path("podman") {
            // Straight to stderr, past the test harness's capture, so that the skip shows.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED: no Docker Engine API to test containers against: VIGIL_TEST_DOCKER_SOCKET is not set and \
                 podman is not installed (apt-get install podman runc). Nothing about containers was checked. ***\n"
            );
            return None;
        }
        // Limits below this process's own, which the runtime may set without CAP_SYS_RESOURCE
        // (it tries to raise them to a default otherwise), and runc, which works on cgroup v1
        // hosts where crun refuses a hybrid hierarchy.
        let below_own = |resource| (rustix::process::getrlimit(resource).current.unwrap_or(8192) / 2).clamp(64, 4096);
        let nofile = below_own(rustix::process::Resource::Nofile);
        let nproc = below_own(rustix::process::Resource::Nproc);
        let runtime = if on_path("runc") { "[engine]\nruntime = \"runc\"\n" } else { "" };
        let conf = dir.path().join("containers.conf");
        let text = format!("[containers]\ndefault_ulimits = [\"nofile={nofile}:{nofile}\", \"nproc={nproc}:{nproc}\"]\n{runtime}");
        std::fs::write(&conf, text).unwrap();
        let socket = dir.path().join("podman.sock");
        let service = Command::new("podman")
            .env("CONTAINERS_CONF", &conf)
            .args(["system", "service", "--time=0", &format!("unix://{}", socket.display())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("podman system service starts");
        let engine = Engine { socket: socket.clone(), conf: Some(conf), service: Some(service), names: vec![], _dir: dir };
        for _ in 0..100 {
            if socket.exists() {
                engine.import_image();
                return Some(engine);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("podman system service did not create {} within 10 s", socket.display());
    }

    /// An image of a root filesystem holding this machine's `sh`, `sleep`, `true` and `false`
    /// and the libraries they load.
    fn import_image(&self) {
        let mut check = Command::new("podman");
        if let Some(conf) = &self.conf {
            check.env("CONTAINERS_CONF", conf);
        }
        if check.args(["image", "exists", IMAGE]).status().is_ok_and(|s| s.success()) {
            return;
        }
        let root = self._dir.path().join("rootfs");
        std::fs::create_dir_all(&root).unwrap();
        // The host's merged-/usr links (/bin -> usr/bin...), so that both spellings resolve.
        for top in ["bin", "sbin", "lib", "lib64"] {
            if let Ok(link) = std::fs::read_link(Path::new("/").join(top)) {
                std::fs::create_dir_all(root.join(link.strip_prefix("/").unwrap_or(&link))).unwrap();
                std::os::unix::fs::symlink(link, root.join(top)).unwrap();
            }
        }
        let mut files: Vec<PathBuf> = ["sh", "sleep", "true", "false"].iter().map(|b| which(b)).collect();
        let ldd = Command::new("ldd").args(&files).output().expect("ldd");
        for word in String::from_utf8_lossy(&ldd.stdout).split_whitespace() {
            if word.starts_with('/') && Path::new(word).exists() {
                files.push(word.into());
            }
        }
        for file in files {
            let target = root.join(file.strip_prefix("/").unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(std::fs::canonicalize(&file).unwrap(), &target).unwrap();
        }
        for dir in ["proc", "sys", "dev", "etc", "tmp"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let tar = self._dir.path().join("rootfs.tar");
        let status = Command::new("tar").arg("-C").arg(&root).arg("-cf").arg(&tar).arg(".").status().unwrap();
        assert!(status.success());
        self.podman(&["import", tar.to_str().unwrap(), IMAGE]);
    }

    fn run(&mut self, name: &str, args: &[&str]) -> String {
        let name = format!("vigil-test-{}-{name}", std::process::id());
        self.names.push(name.clone());
        let mut all = vec!["run", "-d", "--name", &name, "--network", "none"];
        all.extend_from_slice(args);
        self.podman(&all);
        name
    }
}

fn which(program: &str) -> PathBuf {
    ["/usr/bin", "/bin"].iter().map(|d| Path::new(d).join(program)).find(|p| p.exists()).unwrap_or_else(|| panic!("no {program}"))
}

impl Drop for Engine {
    fn drop(&mut self) {
        for name in &self.names {
            let mut rm = Command::new("podman");
            if let Some(conf) = &self.conf {
                rm.env("CONTAINERS_CONF", conf);
            }
            let _ = rm.args(["rm", "-f", "-t", "0", name]).output();
        }
        if let Some(service) = &mut self.service {
            let _ = service.kill();
            let _ = service.wait();
        }
    }
}

fn find<'a>(containers: &'a [ContainerSample], name: &str) -> &'a ContainerSample {
    containers.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} not listed: {containers:?}"))
}

fn container_action(name: &str, container: &str, operation: ContainerOperation) -> AllowedAction {
    AllowedAction {
        name: ActionName::parse(name).unwrap(),
        kind: ActionKind::Container { container: container.to_owned(), operation },
        // A stop gives the container half of it: the busy shell ignores SIGTERM (it is pid 1).
        timeout: Duration::from_secs(6),
        output_cap_bytes: 1024,
    }
}

async fn act(actions: &mut Actions, name: &str) -> AgentMessage {
    let (agent, secret) = (AgentId::from_uuid(uuid::Uuid::from_u128(3)), AgentSecret::from_random([3; 32]));
    let now = Timestamp::now();
    let request = ActionRequest {
        id: ActionRequestId::from_uuid(uuid::Uuid::now_v7()),
        agent_id: agent,
        action: ActionName::parse(name).unwrap(),
        issued_at: now,
        expires_at: now + SignedDuration::from_secs(60),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    }
    .sign(&secret.action_key());
    match actions.admit(&request, agent, &secret.action_key(), now) {
        Ok(admitted) => actions.runner().run(admitted).await,
        Err(refusal) => AgentMessage::ActionRefused(refusal),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_state_health_use_and_actions_against_a_real_engine() {
    // Blocking calls to podman's CLI are fine here: the runtime has a thread to spare.
    let Some(mut engine) = Engine::start() else { return };
    let api = engine.run("api", &["--health-cmd", "/bin/false", "--health-retries", "1", IMAGE, "/bin/sleep", "600"]);
    let exited = engine.run("exited", &[IMAGE, "/bin/true"]);
    let busy = engine.run("busy", &[IMAGE, "/bin/sh", "-c", "while :; do :; done"]);
    // No systemd timer runs health checks here: run the api's once, by hand (it fails).
    let mut check = Command::new("podman");
    if let Some(conf) = &engine.conf {
        check.env("CONTAINERS_CONF", conf);
    }
    let _ = check.args(["healthcheck", "run", &api]).output();
    let client = DockerClient::new(&engine.socket, Duration::from_secs(20));
    let mut collector = ContainerCollector::new(client.clone());
    // The busy container's CPU, read independently from its process's /proc/<pid>/stat over the
    // same two seconds as the collector's two readings.
    let pid = engine.podman(&["inspect", "-f", "{{.State.Pid}}", &busy]);
    let ticks = || -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the busy process");
        let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
        // utime and stime: fields 14 and 15 of stat(5), the 12th and 13th after the name.
        let field = |i: usize| fields[i].parse::<f64>().unwrap();
        (field(11) + field(12)) / rustix::param::clock_ticks_per_second() as f64
    };
    let (cpu_before, wall_before) = (ticks(), std::time::Instant::now());
    collector.collect().await.expect("the engine lists containers");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let containers = collector.collect().await.expect("the engine lists containers");
    let independent = (ticks() - cpu_before) / wall_before.elapsed().as_secs_f64() * 100.0;

    let api_sample = find(&containers, &api);
    assert_eq!(api_sample.state, ContainerState::Running);
    assert_eq!(api_sample.health, Some(ContainerHealth::Unhealthy), "{api_sample:?}");
    assert!(!api_sample.is_up());
    assert_eq!(api_sample.image, IMAGE);
    assert_eq!(api_sample.id.len(), 64);
    let exited_sample = find(&containers, &exited);
    assert_eq!((exited_sample.state, exited_sample.cpu_percent), (ContainerState::Exited, None));
    let busy_sample = find(&containers, &busy);
    let cpu = busy_sample.cpu_percent.expect("CPU over the interval");
    assert!(cpu > 1.0, "a busy loop: {cpu}");
    assert!((cpu - independent).abs() <= 10.0_f64.max(0.3 * independent), "the engine's figure {cpu} % against /proc's {independent} %");
    assert!(busy_sample.memory_bytes.is_some_and(|m| m > 0), "{busy_sample:?}");

    let mut host = vigil_domain::agent::HostSample {
        at: Timestamp::now(),
        uptime_seconds: 0,
        cpu: None,
        load: None,
        memory: vigil_domain::agent::sample::MemoryUsage { total_bytes: 1, available_bytes: 1, swap_total_bytes: 0, swap_used_bytes: 0 },
        disks: vec![],
        disk_io: vec![],
        network: vec![],
        temperatures: vec![],
        containers: Some(containers.clone()),
    };
    let down =
        |name: &str, sample: &vigil_domain::agent::HostSample| sample.value(&MetricKey::parse(&format!("container.down[{name}]")).unwrap());
    assert_eq!(down(&api, &host), Some(1.0), "unhealthy is down");
    assert_eq!(down(&busy, &host), Some(0.0));

    // Actions through the engine: stop and start the busy one; the api one is refused when it
    // is the agent's own container; a container not in the allowlist is refused.
    let me = SelfIdentity { pid: std::process::id(), exe: None, systemd_unit: None, container_id: Some(api_sample.id.clone()) };
    let allow = vec![
        container_action("stop-busy", &busy, ContainerOperation::Stop),
        container_action("start-busy", &busy, ContainerOperation::Start),
        container_action("restart-api", &api, ContainerOperation::Restart),
    ];
    let mut actions = Actions::new(ActionsConfig { enabled: true, max_running: 1, allow }, me, Some(client.clone()));
    let stopped = act(&mut actions, "stop-busy").await;
    assert!(matches!(&stopped, AgentMessage::ActionResult(r) if r.exit_code == Some(0)), "{stopped:?}");
    host.containers = Some(collector.collect().await.unwrap());
    assert_eq!(find(host.containers.as_ref().unwrap(), &busy).state, ContainerState::Exited);
    assert_eq!(down(&busy, &host), Some(1.0));
    let started = act(&mut actions, "start-busy").await;
    assert!(matches!(&started, AgentMessage::ActionResult(r) if r.exit_code == Some(0)), "{started:?}");
    assert_eq!(find(&collector.collect().await.unwrap(), &busy).state, ContainerState::Running);
    let own = act(&mut actions, "restart-api").await;
    assert!(matches!(&own, AgentMessage::ActionRefused(r) if r.reason == Refusal::ActsOnItself), "{own:?}");
    let unknown = act(&mut actions, "stop-exited").await;
    assert!(matches!(&unknown, AgentMessage::ActionRefused(r) if r.reason == Refusal::NotAllowed), "{unknown:?}");
    assert!(docker::container_id(&client, "vigil-no-such-container").await.is_err());
    drop(engine);
}
