//! Where an object's URL points: AWS's regional endpoint, or an emulator.

use crate::service_answer::dns_suffix;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What S3 leaves unencoded in a key's path: RFC 3986's unreserved characters, and `/`, which
/// separates the key's segments as it is.
const KEY_PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// What a query value leaves unencoded: the unreserved characters only.
const QUERY_VALUE: &AsciiSet = &KEY_PATH.add(b'/');

/// How a bucket's objects are addressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Addressing {
    /// AWS in `region`: `https://<bucket>.s3.<region>.amazonaws.com/<key>`, or path-style for a
    /// bucket name with a dot, which the endpoint's wildcard certificate does not cover.
    Aws {
        /// The region.
        region: String,
    },
    /// An emulator at this base URL (`http://127.0.0.1:5000`), path-style.
    Endpoint(String),
}

impl Addressing {
    /// The addressing of `region`, or of an emulator at `endpoint` when there is one.
    pub(crate) fn new(region: &str, endpoint: Option<&str>) -> Self {
        match endpoint {
            Some(endpoint) => Self::Endpoint(endpoint.trim_end_matches('/').to_owned()),
            None => Self::Aws { region: region.to_owned() },
        }
    }

    /// The URL of `key` in `bucket` (`key` empty: the bucket itself), with `query` as
    /// name-value pairs (an empty value: a bare name), encoded the way S3 signs them.
    pub(crate) fn url(&self, bucket: &str, key: &str, query: &[(&str, &str)]) -> String {
        let key = utf8_percent_encode(key, KEY_PATH);
        let mut url = match self {
            Self::Endpoint(base) => format!("{base}/{bucket}/{key}"),
            Self::Aws { region } => {
                let domain = dns_suffix(region);
                match bucket.contains('.') {
                    true => format!("https://s3.{region}.{domain}/{bucket}/{key}"),
                    false => format!("https://{bucket}.s3.{region}.{domain}/{key}"),
                }
            }
        };
        for (index, (name, value)) in query.iter().enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            url.push_str(name);
            // A sub-resource (`?delete`) goes bare, as S3 documents it; it is signed as `delete=`.
            if !value.is_empty() {
                url.push('=');
                url.extend(utf8_percent_encode(value, QUERY_VALUE));
            }
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_virtual_hosted_on_aws_and_path_style_elsewhere() {
        let aws = Addressing::new("eu-west-3", None);
        let cases = [
            (&aws, "vigil-artefacts-x", "t/m/c.json", vec![], "https://vigil-artefacts-x.s3.eu-west-3.amazonaws.com/t/m/c.json"),
            (&aws, "my.bucket", "a b+c", vec![], "https://s3.eu-west-3.amazonaws.com/my.bucket/a%20b%2Bc"),
            (
                &aws,
                "b",
                "",
                vec![("list-type", "2"), ("prefix", "pings/t 1/")],
                "https://b.s3.eu-west-3.amazonaws.com/?list-type=2&prefix=pings%2Ft%201%2F",
            ),
        ];
        for (addressing, bucket, key, query, expected) in cases {
            assert_eq!(addressing.url(bucket, key, &query), expected, "{bucket} {key}");
        }
        let china = Addressing::new("cn-north-1", None);
        assert_eq!(china.url("b", "k", &[]), "https://b.s3.cn-north-1.amazonaws.com.cn/k");
        let emulator = Addressing::new("us-east-1", Some("http://127.0.0.1:5000/"));
        assert_eq!(emulator.url("b", "k/é", &[("delete", "")]), "http://127.0.0.1:5000/b/k/%C3%A9?delete");
    }
}
