//! A minimal SMTP server that accepts every message and keeps it, for asserting what Vigil
//! mailed. Speaks just enough of RFC 5321 for a client: greeting, EHLO/HELO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// One message received.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// Headers and body as sent (dot-stuffing removed).
    pub data: String,
}

impl Mail {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A running sink.
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    /// A sink on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding an SMTP port");
        let addr = listener.local_addr().expect("sink address");
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&mails);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        Self { addr, mails, task }
    }

    /// Every message so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("mails").clone()
    }

    /// Waits until `count` messages arrived, failing after `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            assert!(Instant::now() < deadline, "expected {count} mails within {timeout:?}, got {}", mails.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn session(socket: TcpStream, store: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut mail = Mail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if upper.starts_with("RSET") {
            mail = Mail::default();
            b"250 ok\r\n"
        } else if let Some(from) = upper.strip_prefix("MAIL FROM:").map(|_| &command[10..]) {
            mail.from = from.trim().trim_matches(['<', '>']).to_owned();
            b"250 ok\r\n"
        } else if let Some(to) = upper.strip_prefix("RCPT TO:").map(|_| &command[8..]) {
            mail.to.push(to.trim().trim_matches(['<', '>']).to_owned());
            b"250 ok\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            mail.data = data;
            store.lock().expect("mails").push(std::mem::take(&mut mail));
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}
