//! SigV4 as S3 wants it: the payload's SHA-256 in `x-amz-content-sha256`, the path encoded
//! once and not normalised (a key may hold `//` or `..`), the session token signed.

use anyhow::Context;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use std::time::SystemTime;

/// One S3 request before it is signed.
#[derive(Clone, Debug)]
pub(crate) struct ObjectRequest {
    /// `GET`, `PUT`, `POST`.
    pub(crate) method: &'static str,
    /// The whole URL, already encoded (see [`super::addressing::Addressing::url`]).
    pub(crate) url: String,
    /// Headers to send and sign besides those signing adds.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The payload; shared, as each attempt sends it again.
    pub(crate) body: Bytes,
}

/// `request` signed with `credentials` for S3 in `region` at `time`, as an HTTP request.
pub(crate) fn signed(
    request: &ObjectRequest,
    credentials: Credentials,
    region: &str,
    time: SystemTime,
) -> anyhow::Result<http::Request<SdkBody>> {
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let identity = Identity::from(credentials);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("s3")
        .time(time)
        .settings(settings)
        .build()
        .context("S3 signing parameters")?
        .into();
    let headers = request.headers.iter().map(|(name, value)| (*name, value.as_str()));
    let signable = SignableRequest::new(request.method, request.url.as_str(), headers, SignableBody::Bytes(&request.body))
        .context("an S3 request to sign")?;
    let (instructions, _signature) = sign(signable, &params).context("signing an S3 request")?.into_parts();
    let mut http = http::Request::builder().method(request.method).uri(&request.url);
    for (name, value) in &request.headers {
        http = http.header(*name, value);
    }
    let mut http = http.body(SdkBody::from(request.body.clone())).context("an S3 request")?;
    instructions.apply_to_request_http1x(&mut http);
    Ok(http)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's worked example of a signed GET ("Signature Calculations for the Authorization
    /// Header: Transferring Payload in a Single Chunk", S3 API reference): the same
    /// credentials, time and request must give the signature published there.
    #[test]
    fn the_published_get_example_signs_to_the_published_signature() {
        let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None, None, "test");
        let request = ObjectRequest {
            method: "GET",
            url: "https://examplebucket.s3.amazonaws.com/test.txt".into(),
            headers: vec![("range", "bytes=0-9".into())],
            body: Bytes::new(),
        };
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
        let signed = signed(&request, credentials, "us-east-1", time).expect("signed");
        let authorization = signed.headers()["authorization"].to_str().expect("ascii");
        assert_eq!(
            authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        assert_eq!(
            signed.headers()["x-amz-content-sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "the empty payload's hash"
        );
        assert_eq!(signed.headers()["range"], "bytes=0-9");
    }

    #[test]
    fn a_session_token_is_sent_and_signed() {
        let credentials = Credentials::new("AKID", "secret", Some("the-token".into()), None, "test");
        let request =
            ObjectRequest { method: "PUT", url: "http://127.0.0.1:5000/b/k".into(), headers: vec![], body: Bytes::from_static(b"x") };
        let signed = signed(&request, credentials, "us-east-1", SystemTime::now()).expect("signed");
        assert_eq!(signed.headers()["x-amz-security-token"], "the-token");
        let authorization = signed.headers()["authorization"].to_str().expect("ascii");
        assert!(authorization.contains("x-amz-security-token"), "{authorization}");
        assert_eq!(signed.method(), "PUT");
        assert_eq!(signed.uri(), "http://127.0.0.1:5000/b/k");
    }
}
