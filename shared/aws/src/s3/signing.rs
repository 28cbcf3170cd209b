//! SigV4 as S3 wants it: the payload's SHA-256 in `x-amz-content-sha256`, the path encoded
//! once and not normalised (a key may hold `//` or `..`), the session token signed.

use crate::signed_call::{Service, retryable_status};

/// S3, as its calls are signed, counted and tried again.
pub(crate) static S3: Service = Service { label: "S3", signing_name: "s3", s3_rules: true, retryable: retryable_status };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signed_call::{CallRequest, signed};
    use aws_credential_types::Credentials;
    use bytes::Bytes;
    use std::time::SystemTime;

    /// AWS's worked example of a signed GET ("Signature Calculations for the Authorization
    /// Header: Transferring Payload in a Single Chunk", S3 API reference): the same
    /// credentials, time and request must give the signature published there.
    #[test]
    fn the_published_get_example_signs_to_the_published_signature() {
        let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None, None, "test");
        let request = CallRequest {
            method: "GET",
            url: "https://examplebucket.s3.amazonaws.com/test.txt".into(),
            headers: vec![("range", "bytes=0-9".into())],
            body: Bytes::new(),
        };
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
        let signed = signed(&S3, &request, credentials, "us-east-1", time).expect("signed");
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
            CallRequest { method: "PUT", url: "http://127.0.0.1:5000/b/k".into(), headers: vec![], body: Bytes::from_static(b"x") };
        let signed = signed(&S3, &request, credentials, "us-east-1", SystemTime::now()).expect("signed");
        assert_eq!(signed.headers()["x-amz-security-token"], "the-token");
        let authorization = signed.headers()["authorization"].to_str().expect("ascii");
        assert!(authorization.contains("x-amz-security-token"), "{authorization}");
        assert_eq!(signed.method(), "PUT");
        assert_eq!(signed.uri(), "http://127.0.0.1:5000/b/k");
    }
}
