//! The XML answers of S3 and of the query protocol (SNS), read two levels deep: the root's own
//! text fields (`NextContinuationToken`, an S3 error's `Code`) and its repeated records
//! (`Contents`, `Error`), each with its text fields. That is every shape the small clients' calls
//! get back (a query-protocol error is the `Error` record of an `ErrorResponse`). Parsed with
//! `xmlparser`, which the SDK's other XML services already bring into every function.

use anyhow::{Context, bail};
use std::collections::BTreeMap;
use xmlparser::{ElementEnd, Token, Tokenizer};

/// A record's or the root's text fields, by element name.
pub(crate) type Fields = BTreeMap<String, String>;

/// An XML answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reply {
    /// The root element's name.
    pub(crate) root: String,
    /// The root's children that hold text.
    pub(crate) fields: Fields,
    /// The root's children that hold elements, by name, in order.
    pub(crate) records: Vec<(String, Fields)>,
}

impl Reply {
    /// Reads `xml`.
    pub(crate) fn parse(xml: &[u8]) -> anyhow::Result<Self> {
        let xml = std::str::from_utf8(xml).context("an XML answer that is not UTF-8")?;
        let mut reply = Reply::default();
        // Names of the open elements, the root first; the text of the innermost one.
        let mut open: Vec<String> = Vec::new();
        let mut text = String::new();
        let mut has_children: Vec<bool> = Vec::new();
        for token in Tokenizer::from(xml) {
            match token.context("an answer that is not XML")? {
                Token::ElementStart { local, .. } => {
                    if let Some(parent) = has_children.last_mut() {
                        *parent = true;
                    }
                    if open.len() == 1 {
                        reply.records.push((local.to_string(), Fields::new()));
                    }
                    open.push(local.to_string());
                    has_children.push(false);
                    text.clear();
                }
                Token::Text { text: span } => text.push_str(&unescape(span.as_str())),
                Token::Cdata { text: span, .. } => text.push_str(span.as_str()),
                Token::ElementEnd { end: ElementEnd::Open, .. } => text.clear(),
                Token::ElementEnd { end: ElementEnd::Close(..) | ElementEnd::Empty, .. } => {
                    let Some(name) = open.pop() else { bail!("an XML answer closes an element it never opened") };
                    let had_children = has_children.pop().unwrap_or(false);
                    match open.len() {
                        0 => reply.root = name,
                        // A child of the root: a field, or a record that was filled below.
                        1 if !had_children => {
                            reply.records.pop();
                            reply.fields.insert(name, std::mem::take(&mut text));
                        }
                        2 => {
                            if let Some((_, fields)) = reply.records.last_mut() {
                                fields.insert(name, std::mem::take(&mut text));
                            }
                        }
                        _ => {}
                    }
                    text.clear();
                }
                _ => {}
            }
        }
        if reply.root.is_empty() {
            bail!("an answer with no XML element");
        }
        Ok(reply)
    }

    /// The root's field `name`, if there is one.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The records named `name`.
    pub(crate) fn records<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Fields> + 'a {
        self.records.iter().filter(move |(record, _)| record == name).map(|(_, fields)| fields)
    }
}

/// `text` with XML's five named entities and its character references replaced.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find(';') else { break };
        let decoded = match &after[..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            reference => reference
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| reference.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(character) => {
                out.push(character);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_gives_its_keys_and_its_continuation() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>pings%2F</Prefix>
<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated><NextContinuationToken>1ueG+h/A==</NextContinuationToken>
<Contents><Key>pings%2Fa</Key><Size>3</Size><Owner><ID>x</ID></Owner></Contents>
<Contents><Key>pings%2Fb</Key><Size>4</Size></Contents><EncodingType>url</EncodingType></ListBucketResult>"#;
        let reply = Reply::parse(xml).expect("parsed");
        assert_eq!(reply.root, "ListBucketResult");
        assert_eq!(reply.field("NextContinuationToken"), Some("1ueG+h/A=="));
        assert_eq!(reply.field("IsTruncated"), Some("true"));
        assert_eq!(reply.field("EncodingType"), Some("url"));
        let keys: Vec<_> = reply.records("Contents").map(|c| c["Key"].as_str()).collect();
        assert_eq!(keys, ["pings%2Fa", "pings%2Fb"]);
        assert_eq!(reply.records("Contents").next().map(|c| c["Size"].as_str()), Some("3"));
    }

    #[test]
    fn errors_and_entities_are_read() {
        // The answer, then its root, code and message.
        type Case<'a> = (&'a [u8], &'a str, Option<&'a str>, Option<&'a str>);
        let cases: [Case; 3] = [
            (
                b"<Error><Code>NoSuchKey</Code><Message>The key &quot;a&amp;b&quot; &#233;&#x21;</Message></Error>",
                "Error",
                Some("NoSuchKey"),
                Some("The key \"a&b\" \u{e9}!"),
            ),
            (b"<DeleteResult/>", "DeleteResult", None, None),
            (b"<Error><Code></Code><Message><![CDATA[<raw>]]></Message></Error>", "Error", Some(""), Some("<raw>")),
        ];
        for (xml, root, code, message) in cases {
            let reply = Reply::parse(xml).expect("parsed");
            assert_eq!((reply.root.as_str(), reply.field("Code"), reply.field("Message")), (root, code, message));
        }
        let deleted = Reply::parse(
            b"<DeleteResult><Error><Key>k1</Key><Code>AccessDenied</Code><Message>no</Message></Error>\
              <Error><Key>k2</Key><Code>InternalError</Code></Error></DeleteResult>",
        )
        .expect("parsed");
        let failed: Vec<_> = deleted.records("Error").map(|e| (e["Key"].as_str(), e["Code"].as_str())).collect();
        assert_eq!(failed, [("k1", "AccessDenied"), ("k2", "InternalError")]);
        assert!(deleted.fields.is_empty());
    }

    #[test]
    fn what_is_not_xml_is_refused() {
        for bad in [&b"<html><body>Bad Gateway"[..], b"not xml at all", b"", b"\xff\xfe"] {
            assert!(Reply::parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn unescape_leaves_what_is_not_an_entity() {
        assert_eq!(unescape("a & b &unknown; &#xZZ; &lt;"), "a & b &unknown; &#xZZ; <");
    }
}
