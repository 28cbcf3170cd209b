//! The S3 calls themselves, sent through [`Caller`] (signed, counted, tried again as the SDK
//! does).

use super::addressing::Addressing;
use super::signing::S3;
use crate::signed_call::{Answer, CallRequest, Caller, Signer};
use crate::xml_reply::Reply;
use anyhow::{Context, bail};
use base64::Engine;
use bytes::Bytes;
use md5::{Digest, Md5};

/// An S3 client for objects: put, get, list, delete many.
#[derive(Clone, Debug)]
pub struct S3Objects {
    addressing: Addressing,
    caller: Caller,
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

impl S3Objects {
    /// A client of S3 in `signer`'s region, or of an emulator at `endpoint` when there is one.
    /// Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>) -> Self {
        Self { addressing: Addressing::new(&signer.region, endpoint), caller: Caller::new(&S3, signer) }
    }

    /// Stores `body` under `key`, replacing what was there.
    pub async fn put(&self, bucket: &str, key: &str, content_type: &str, body: Vec<u8>) -> anyhow::Result<()> {
        let url = self.addressing.url(bucket, key, &[]);
        let request = CallRequest { method: "PUT", url, headers: vec![("content-type", content_type.to_owned())], body: body.into() };
        let answer = self.caller.send("PutObject", request).await?;
        expect_success("PutObject", bucket, key, &answer)
    }

    /// The bytes under `key`, if there is an object there.
    pub async fn get(&self, bucket: &str, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let url = self.addressing.url(bucket, key, &[]);
        let answer = self.caller.send("GetObject", CallRequest { method: "GET", url, headers: vec![], body: Bytes::new() }).await?;
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
        let answer = self.caller.send("ListObjectsV2", CallRequest { method: "GET", url, headers: vec![], body: Bytes::new() }).await?;
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
        let answer = self.caller.send("DeleteObjects", CallRequest { method: "POST", url, headers, body: body.into() }).await?;
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
}

/// A key as a listing with `encoding-type=url` gives it: form-encoded, a space as `+` and a `+`
/// as `%2B` (what the AWS SDKs undo with `unquote_plus`).
fn decode_listed_key(key: &str) -> Result<String, std::str::Utf8Error> {
    let spaced = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8().map(|k| k.into_owned())
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
            let error =
                expect_success("PutObject", "b", "t/m/c.json", &Answer { status, body: body.to_vec(), error_type: None }).unwrap_err();
            assert_eq!(error.to_string(), format!("S3 PutObject of b/t/m/c.json: HTTP {status}: {reason}"));
        }
        assert!(expect_success("PutObject", "b", "k", &Answer::of(200, "")).is_ok());
    }
}
