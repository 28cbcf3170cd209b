//! The local target the checks hit, run as a child process (this binary's hidden `target`
//! subcommand) so that the CPU the harness measures for itself is Vigil's alone.
//!
//! The child makes a test CA and a certificate for `127.0.0.1` signed by it, writes the CA's PEM
//! to the file it is given, serves HTTP and HTTPS on loopback ports, prints one line
//! `ready http=<addr> https=<addr>` on stdout, and serves until its stdin closes (so it dies
//! with the harness, however the harness ends).

use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use http::{Response, StatusCode, header};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::cli::{Scheme, TargetArgs};
use crate::measure::{self, CpuTime};

/// The body every check receives.
const BODY: &str = "ok\n";

// ---------------------------------------------------------------------------------------------
// The child side.

/// Runs the target server (the `target` subcommand) until stdin closes.
pub async fn serve(args: TargetArgs) -> anyhow::Result<()> {
    measure::raise_fd_limit();
    let (acceptor, ca_pem) = tls_setup()?;
    std::fs::write(&args.ca_file, ca_pem).with_context(|| format!("writing the CA file {}", args.ca_file.display()))?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let http = TcpListener::bind(loopback).await.context("binding the HTTP port")?;
    let https = TcpListener::bind(loopback).await.context("binding the HTTPS port")?;
    println!("ready http={} https={}", http.local_addr()?, https.local_addr()?);

    let stdin_closed = tokio::task::spawn_blocking(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    });
    tokio::select! {
        _ = stdin_closed => Ok(()),
        () = accept_loop(http, None) => Ok(()),
        () = accept_loop(https, Some(acceptor)) => Ok(()),
    }
}

/// A test CA, and a TLS acceptor presenting a certificate for 127.0.0.1 issued by it.
fn tls_setup() -> anyhow::Result<(TlsAcceptor, String)> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).context("CA parameters")?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.distinguished_name.push(DnType::CommonName, "Vigil Bench CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().context("CA key")?).context("signing the CA")?;

    let leaf_key = KeyPair::generate().context("leaf key")?;
    let leaf_params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).context("leaf parameters")?;
    let leaf = leaf_params.signed_by(&leaf_key, &*ca).context("issuing the leaf certificate")?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .context("the server certificate")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), ca.pem()))
}

async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, tls.clone()));
            }
            Err(error) => {
                // Out of descriptors, most likely: say so and keep serving.
                eprintln!("target: accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn connection(stream: TcpStream, tls: Option<TlsAcceptor>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(|_request: http::Request<hyper::body::Incoming>| async {
        let mut response = Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
        *response.status_mut() = StatusCode::OK;
        response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain"));
        Ok::<_, Infallible>(response)
    });
    let server = hyper::server::conn::http1::Builder::new();
    match tls {
        None => {
            let _ = server.serve_connection(TokioIo::new(stream), service).await;
        }
        Some(acceptor) => {
            if let Ok(stream) = acceptor.accept(stream).await {
                let _ = server.serve_connection(TokioIo::new(stream), service).await;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The parent side.

/// A running target child process; killed when dropped.
pub struct Target {
    child: Child,
    /// Held open so that the child notices when the harness goes away.
    _stdin: ChildStdin,
    http: SocketAddr,
    https: SocketAddr,
    ca_pem: Vec<u8>,
    _dir: tempfile::TempDir,
}

impl Target {
    /// Starts `vigil-bench target` and waits for its ready line.
    pub fn start() -> anyhow::Result<Target> {
        let dir = tempfile::Builder::new().prefix("vigil-bench-target-").tempdir().context("making the target's directory")?;
        let ca_file = dir.path().join("ca.pem");
        let exe = std::env::current_exe().context("finding this executable")?;
        let mut child = Command::new(exe)
            .arg("target")
            .arg("--ca-file")
            .arg(&ca_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the target child process")?;
        let stdin = child.stdin.take().ok_or_else(|| anyhow!("the target's stdin was not piped"))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("the target's stdout was not piped"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).context("reading the target's ready line")?;
        let (http, https) = match parse_ready(&line) {
            Ok(ports) => ports,
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(error);
            }
        };
        let ca_pem = read_ca(&ca_file)?;
        Ok(Target { child, _stdin: stdin, http, https, ca_pem, _dir: dir })
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child's CPU time so far.
    pub fn cpu_time(&self) -> anyhow::Result<CpuTime> {
        measure::cpu_time(Some(self.pid()))
    }

    /// The test CA's certificate, PEM, to trust as an extra root.
    pub fn ca_pem(&self) -> &[u8] {
        &self.ca_pem
    }

    /// The URL checks of `scheme` use.
    pub fn url(&self, scheme: Scheme) -> String {
        match scheme {
            Scheme::Http | Scheme::NoNetwork => format!("http://{}/health", self.http),
            Scheme::Https => format!("https://{}/health", self.https),
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_ca(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading the target's CA file {}", path.display()))
}

fn parse_ready(line: &str) -> anyhow::Result<(SocketAddr, SocketAddr)> {
    let mut http = None;
    let mut https = None;
    let mut words = line.split_whitespace();
    if words.next() != Some("ready") {
        bail!("the target did not start (it printed {line:?})");
    }
    for word in words {
        match word.split_once('=') {
            Some(("http", addr)) => http = Some(addr.parse().with_context(|| format!("the target's HTTP address {addr:?}"))?),
            Some(("https", addr)) => https = Some(addr.parse().with_context(|| format!("the target's HTTPS address {addr:?}"))?),
            _ => {}
        }
    }
    Ok((http.ok_or_else(|| anyhow!("no http= in {line:?}"))?, https.ok_or_else(|| anyhow!("no https= in {line:?}"))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ready_line_parses() {
        let (http, https) = parse_ready("ready http=127.0.0.1:4000 https=127.0.0.1:4001\n").expect("parses");
        assert_eq!((http.port(), https.port()), (4000, 4001));
        assert!(parse_ready("").is_err());
        assert!(parse_ready("ready http=127.0.0.1:1").is_err());
    }
}
