//! The S3 calls themselves, with the SDK's retry rule (three attempts; a connection failure,
//! a timeout, throttling and server errors are tried again) and its timeouts.

use super::addressing::Addressing;
use super::reply::Reply;
use super::signing::{ObjectRequest, signed};
use crate::request_count::RequestCounter;
use crate::sdk_http::SdkHttpClient;
use anyhow::{Context, anyhow, bail};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::byte_stream::ByteStream;
use base64::Engine;
use bytes::Bytes;
use md5::{Digest, Md5};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// Attempts per call, as the SDK's standard retry mode.
const ATTEMPTS: u32 = 3;
/// The pause before the second attempt; it doubles before each later one.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
/// Connecting, and each attempt as a whole, as the SDK clients are configured (`clients.rs`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// An S3 client for objects: put, get, list, delete many.
#[derive(Clone)]
pub struct S3Objects {
    addressing: Addressing,
    region: String,
    credentials: SharedCredentialsProvider,
    http: SdkHttpClient,
    // Taken from `http` at the first call: most invocations of the heartbeat and the prober
    // store nothing in S3.
    connector: Arc<OnceLock<SharedHttpConnector>>,
    counter: Option<RequestCounter>,
}

impl fmt::Debug for S3Objects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Objects").field("addressing", &self.addressing).field("region", &self.region).finish_non_exhaustive()
    }
}

/// One page of a listing.
#[derive(Debug, Default)]
pub struct Listing {
    /// The keys, decoded.
    pub keys: Vec<String>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
}

/// An object a deletion of many left in place, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Undeletable {
    /// Its key.
    pub key: String,
    /// S3's reason: its message, or its code.
    pub reason: String,
}

/// What came back from S3.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl S3Objects {
    /// A client of S3 in `region`, or of an emulator at `endpoint` when there is one, signing
    /// with `credentials` and sending through `http`, each request counted by `counter` if there
    /// is one. Makes no request.
    pub fn new(
        region: &str,
        endpoint: Option<&str>,
        credentials: SharedCredentialsProvider,
        http: SdkHttpClient,
        counter: Option<RequestCounter>,
    ) -> Self {
        let addressing = Addressing::new(region, endpoint);
        Self { addressing, region: region.to_owned(), credentials, http, connector: Arc::new(OnceLock::new()), counter }
    }

    /// Stores `body` under `key`, replacing what was there.
    pub async fn put(&self, bucket: &str, key: &str, content_type: &str, body: Vec<u8>) -> anyhow::Result<()> {
        let url = self.addressing.url(bucket, key, &[]);
        let request = ObjectRequest { method: "PUT", url, headers: vec![("content-type", content_type.to_owned())], body: body.into() };
        let answer = self.send("PutObject", request).await?;
        expect_success("PutObject", bucket, key, &answer)
    }

    /// The bytes under `key`, if there is an object there.
    pub async fn get(&self, bucket: &str, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let url = self.addressing.url(bucket, key, &[]);
        let answer = self.send("GetObject", ObjectRequest { method: "GET", url, headers: vec![], body: Bytes::new() }).await?;
        // A missing bucket is also a 404, and an error: only a missing key is "nothing there".
        if answer.status == 404 && Reply::parse(&answer.body).is_ok_and(|reply| reply.field("Code") == Some("NoSuchKey")) {
            return Ok(None);
        }
        expect_success("GetObject", bucket, key, &answer)?;
        Ok(Some(answer.body))
    }

    /// The page of keys under `prefix` that starts at `continuation` (the first: `None`); at
    /// most 1000 keys.
    pub async fn list(&self, bucket: &str, prefix: &str, continuation: Option<&str>) -> anyhow::Result<Listing> {
        // URL-encoded keys: a key may hold characters XML 1.0 cannot carry.
        let mut query = vec![("list-type", "2"), ("encoding-type", "url"), ("prefix", prefix)];
        if let Some(token) = continuation {
            query.push(("continuation-token", token));
        }
        let url = self.addressing.url(bucket, "", &query);
        let answer = self.send("ListObjectsV2", ObjectRequest { method: "GET", url, headers: vec![], body: Bytes::new() }).await?;
        expect_success("ListObjectsV2", bucket, prefix, &answer)?;
        let reply = Reply::parse(&answer.body).context("reading an S3 listing")?;
        let keys = reply
            .records("Contents")
            .filter_map(|object| object.get("Key"))
            .map(|key| decode_listed_key(key))
            .collect::<Result<_, _>>()
            .context("an S3 listing with a key that is not UTF-8")?;
        let next = match reply.field("IsTruncated") {
            Some("true") => Some(reply.field("NextContinuationToken").context("a truncated S3 listing without a continuation")?.to_owned()),
            _ => None,
        };
        Ok(Listing { keys, next })
    }

    /// Deletes the objects under `keys` (at most 1000, S3's limit for one call); a key with no
    /// object is no error. Returns the objects S3 reported it could not delete.
    pub async fn delete(&self, bucket: &str, keys: &[String]) -> anyhow::Result<Vec<Undeletable>> {
        if keys.len() > 1000 {
            bail!("S3 deletes at most 1000 objects at once, {} asked", keys.len());
        }
        // Quiet: the answer lists only the failures.
        let mut body = String::from("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>");
        for key in keys {
            body.push_str("<Object><Key>");
            body.push_str(&vigil_domain::xml::escape(key));
            body.push_str("</Key></Object>");
        }
        body.push_str("</Delete>");
        // S3 refuses a deletion of many without a checksum of its body.
        let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()));
        let url = self.addressing.url(bucket, "", &[("delete", "")]);
        let headers = vec![("content-type", "application/xml".to_owned()), ("content-md5", md5)];
        let answer = self.send("DeleteObjects", ObjectRequest { method: "POST", url, headers, body: body.into() }).await?;
        expect_success("DeleteObjects", bucket, "", &answer)?;
        let reply = Reply::parse(&answer.body).context("reading what S3 deleted")?;
        Ok(reply
            .records("Error")
            .map(|error| Undeletable {
                key: error.get("Key").cloned().unwrap_or_default(),
                reason: error.get("Message").or_else(|| error.get("Code")).cloned().unwrap_or_else(|| "no reason given".into()),
            })
            .collect())
    }

    /// Sends `request`, signed afresh for each attempt, until it is answered with something
    /// other than throttling or a server error, or the attempts are spent.
    async fn send(&self, operation: &'static str, request: ObjectRequest) -> anyhow::Result<Answer> {
        let mut pause = FIRST_PAUSE;
        for attempt in 1..=ATTEMPTS {
            let last = attempt == ATTEMPTS;
            match self.attempt(operation, &request).await {
                Ok(answer) if last || !retryable_status(answer.status) => return Ok(answer),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Transient(error)) if last => return Err(error.context(format!("S3 {operation}, {ATTEMPTS} attempts"))),
                _ => {}
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        unreachable!("the last attempt returns")
    }

    async fn attempt(&self, operation: &'static str, request: &ObjectRequest) -> Result<Answer, Failure> {
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| Failure::Final(anyhow!(e).context("the credentials to sign an S3 request with")))?;
        let http = signed(request, credentials, &self.region, SystemTime::now()).map_err(Failure::Final)?;
        let http = HttpRequest::try_from(http).map_err(|e| Failure::Final(anyhow!(e).context("an S3 request")))?;
        if let Some(counter) = &self.counter {
            counter.count("S3", operation);
        }
        let exchange = async {
            let response = self.connector().call(http).await.map_err(|e| {
                let transient = e.is_io() || e.is_timeout() || e.is_other();
                let error = anyhow!(e).context(format!("S3 {operation}: no answer"));
                if transient { Failure::Transient(error) } else { Failure::Final(error) }
            })?;
            let status = response.status().as_u16();
            let body = ByteStream::new(response.into_body())
                .collect()
                .await
                .map_err(|e| Failure::Transient(anyhow!(e).context(format!("S3 {operation}: reading the answer"))))?;
            Ok(Answer { status, body: body.into_bytes().to_vec() })
        };
        tokio::time::timeout(ATTEMPT_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| Err(Failure::Transient(anyhow!("S3 {operation}: no answer within {ATTEMPT_TIMEOUT:?}"))))
    }

    fn connector(&self) -> &SharedHttpConnector {
        self.connector.get_or_init(|| self.http.connector(&HttpConnectorSettings::builder().connect_timeout(CONNECT_TIMEOUT).build()))
    }
}

/// Why an attempt failed.
enum Failure {
    /// Trying again may help: no connection, a timeout, a cut answer.
    Transient(anyhow::Error),
    /// It will fail again: the request cannot be signed or sent as it is.
    Final(anyhow::Error),
}

/// A key as a listing with `encoding-type=url` gives it: form-encoded, a space as `+` and a `+`
/// as `%2B` (what the AWS SDKs undo with `unquote_plus`).
fn decode_listed_key(key: &str) -> Result<String, std::str::Utf8Error> {
    let spaced = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8().map(|k| k.into_owned())
}

/// Throttling and server errors, which S3 asks to be tried again.
fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// An error naming the call, the object and S3's code and message, unless `answer` succeeded.
fn expect_success(operation: &str, bucket: &str, key: &str, answer: &Answer) -> anyhow::Result<()> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let reply = Reply::parse(&answer.body).ok();
    let field = |name| reply.as_ref().and_then(|r| r.field(name)).filter(|v| !v.is_empty());
    let reason = match (field("Message"), field("Code")) {
        (Some(message), Some(code)) => format!("{message} ({code})"),
        (message, code) => message.or(code).unwrap_or("no reason given").to_owned(),
    };
    bail!("S3 {operation} of {bucket}/{key}: HTTP {}: {reason}", answer.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_keys_are_decoded_as_s3_encodes_them() {
        let cases = [("a+b%2Bc", "a b+c"), ("with%20space", "with space"), ("%C3%A9%2F%E2%98%83", "é/☃"), ("plain/key", "plain/key")];
        for (listed, key) in cases {
            assert_eq!(decode_listed_key(listed).unwrap(), key, "{listed}");
        }
        assert!(decode_listed_key("%FF").is_err(), "not UTF-8");
    }

    #[test]
    fn an_error_names_the_call_the_object_and_the_reason() {
        let cases = [
            (403, &b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"[..], "Access Denied (AccessDenied)"),
            (503, b"<Error><Code>SlowDown</Code></Error>", "SlowDown"),
            (502, b"<html>bad gateway</html>", "no reason given"),
        ];
        for (status, body, reason) in cases {
            let error = expect_success("PutObject", "b", "t/m/c.json", &Answer { status, body: body.to_vec() }).unwrap_err();
            assert_eq!(error.to_string(), format!("S3 PutObject of b/t/m/c.json: HTTP {status}: {reason}"));
        }
        assert!(expect_success("PutObject", "b", "k", &Answer { status: 200, body: vec![] }).is_ok());
    }
}
