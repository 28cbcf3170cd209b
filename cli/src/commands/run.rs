//! `vigil run`: a job wrapped as a heartbeat task's run. It pings start, runs the command with
//! its output passed through, then pings the exit status with the tail of the output as the
//! run's log, and exits with the command's status. The job runs whatever happens to the pings:
//! a wrapper must never be the reason a job did not run.

use super::{connect, resolve};
use crate::args::{Global, RunArgs};
use crate::failure::Failure;
use std::collections::VecDeque;
use std::os::unix::process::ExitStatusExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::process::Command;
use url::Url;
use vigil_client::{Client, ReqwestTransport};

/// The last `cap` bytes of everything the command wrote.
#[derive(Clone)]
struct Tail {
    bytes: Arc<Mutex<VecDeque<u8>>>,
    cap: usize,
}

impl Tail {
    fn push(&self, data: &[u8]) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        bytes.extend(data);
        let excess = bytes.len().saturating_sub(self.cap);
        bytes.drain(..excess);
    }

    fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes.iter().copied().collect::<Vec<_>>()).into_owned()
    }
}

/// Copies `from` to `to`, keeping its tail.
async fn pass_through(mut from: impl AsyncRead + Unpin, mut to: impl AsyncWrite + Unpin, tail: Tail) {
    let mut buffer = vec![0u8; 8192];
    loop {
        match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                tail.push(&buffer[..n]);
                let _ = to.write_all(&buffer[..n]).await;
                let _ = to.flush().await;
            }
        }
    }
}

/// The ping URL and a client to ping it with, or why there is none.
async fn target(global: &Global, args: &RunArgs) -> Result<(String, Client), String> {
    if let Some(url) = &args.ping_url {
        let base = Url::parse(url.trim()).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
        let transport = ReqwestTransport::new(Duration::from_secs(10)).map_err(|e| e.to_string())?;
        return Ok((url.trim().trim_end_matches('/').to_owned(), Client::with_transport(base, None, Arc::new(transport))));
    }
    let Some(task) = &args.task else { return Err("give --task NAME or --ping-url URL to report the run".into()) };
    let session = connect(global).map_err(|f| f.message)?;
    let found = resolve::task(&session.client, task).await.map_err(|f| f.message)?;
    Ok((found.ping_url, session.client))
}

/// Runs the command; its exit status.
pub async fn run(global: &Global, args: RunArgs) -> Result<i32, Failure> {
    let target = match target(global, &args).await {
        Ok(target) => Some(target),
        Err(why) => {
            eprintln!("vigil run: the run is not reported: {why}");
            None
        }
    };
    let rid = uuid::Uuid::new_v4();
    let ping = |action: String, body: Option<Vec<u8>>| {
        let target = target.clone();
        async move {
            if let Some((base, client)) = target
                && let Err(error) = client.ping(&format!("{base}/{action}?rid={rid}"), body).await
            {
                eprintln!("vigil run: could not ping {action}: {error}");
            }
        }
    };
    ping("start".into(), None).await;
    // Ctrl-C reaches the command too; vigil waits for it to end and reports how it ended.
    tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    let tail = Tail { bytes: Arc::default(), cap: args.log_bytes.max(1) };
    let (program, rest) = args.command.split_first().ok_or_else(|| Failure::usage("no command to run"))?;
    let spawned = Command::new(program).args(rest).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn();
    let code = match spawned {
        Ok(mut child) => {
            let out = child.stdout.take().map(|s| tokio::spawn(pass_through(s, tokio::io::stdout(), tail.clone())));
            let err = child.stderr.take().map(|s| tokio::spawn(pass_through(s, tokio::io::stderr(), tail.clone())));
            let status = child.wait().await;
            for copier in [out, err].into_iter().flatten() {
                let _ = copier.await;
            }
            match status {
                Ok(status) => status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
                Err(error) => {
                    tail.push(format!("vigil run: waiting for `{program}` failed: {error}\n").as_bytes());
                    1
                }
            }
        }
        Err(error) => {
            let message = format!("vigil run: cannot start `{program}`: {error}\n");
            eprint!("{message}");
            tail.push(message.as_bytes());
            if error.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 }
        }
    };
    ping(code.clamp(0, 255).to_string(), Some(tail.text().into_bytes())).await;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_bytes() {
        let tail = Tail { bytes: Arc::default(), cap: 10 };
        tail.push(b"0123456789");
        tail.push(b"abc");
        assert_eq!(tail.text(), "3456789abc");
    }
}
