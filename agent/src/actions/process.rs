//! Runs one fixed program: no shell, an empty environment but for `PATH` and `LANG`, no stdin,
//! its own process group (so that a timeout kills what it started too), stdout and stderr
//! merged as they come and only their last bytes kept.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use tokio::time::Instant;

/// The `PATH` a program runs with.
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The last `cap` bytes of a stream, and how many came before them.
#[derive(Debug)]
pub struct Tail {
    cap: usize,
    kept: VecDeque<u8>,
    dropped: u64,
}

impl Tail {
    /// An empty tail of at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Self { cap, kept: VecDeque::with_capacity(cap.min(64 * 1024)), dropped: 0 }
    }

    /// Appends `bytes`, forgetting the oldest beyond the cap.
    pub fn push(&mut self, bytes: &[u8]) {
        self.kept.extend(bytes);
        let excess = self.kept.len().saturating_sub(self.cap);
        self.kept.drain(..excess);
        self.dropped += excess as u64;
    }

    /// The kept bytes (lossy UTF-8) and the count of those forgotten.
    pub fn finish(self) -> (String, u64) {
        let bytes: Vec<u8> = self.kept.into();
        (String::from_utf8_lossy(&bytes).into_owned(), self.dropped)
    }
}

/// How a program ended.
#[derive(Debug)]
pub struct Ran {
    /// Its exit code; `None` if a signal ended it.
    pub exit_code: Option<i32>,
    /// Killed at the timeout.
    pub timed_out: bool,
    /// The end of its output.
    pub tail: Tail,
    /// How long it ran.
    pub duration: Duration,
}

async fn read_into(stream: &mut Option<impl AsyncRead + Unpin>, buffer: &mut [u8]) -> usize {
    match stream {
        Some(s) => s.read(buffer).await.unwrap_or(0),
        None => std::future::pending().await,
    }
}

/// Reads both streams to their end into `tail`.
async fn drain(mut out: Option<impl AsyncRead + Unpin>, mut err: Option<impl AsyncRead + Unpin>, tail: &mut Tail) {
    let (mut a, mut b) = ([0u8; 4096], [0u8; 4096]);
    while out.is_some() || err.is_some() {
        tokio::select! {
            n = read_into(&mut out, &mut a) => if n == 0 { out = None } else { tail.push(&a[..n]) },
            n = read_into(&mut err, &mut b) => if n == 0 { err = None } else { tail.push(&b[..n]) },
        }
    }
}

/// Runs `program` with `args`, killing its whole process group at `timeout`.
pub async fn run(program: &Path, args: &[String], timeout: Duration, output_cap: usize) -> std::io::Result<Ran> {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", PATH)
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()?;
    let group = child.id().and_then(|pid| rustix::process::Pid::from_raw(pid as i32));
    let mut tail = Tail::new(output_cap);
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let finished = tokio::time::timeout_at(started + timeout, async {
        drain(out, err, &mut tail).await;
        child.wait().await
    })
    .await;
    let (status, timed_out) = match finished {
        Ok(status) => (status?, false),
        Err(_) => {
            if let Some(group) = group {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            (child.wait().await?, true)
        }
    };
    Ok(Ran { exit_code: status.code(), timed_out, tail, duration: started.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_keeps_the_last_bytes() {
        let mut tail = Tail::new(5);
        tail.push(b"hello ");
        tail.push(b"world");
        assert_eq!(tail.finish(), ("world".to_owned(), 6));
    }
}
