//! The functions' own S3 client (`vigil_aws::s3`) against the emulator: keys S3 must encode, a
//! listing longer than one page, deletions of many, a missing key against a missing bucket,
//! every request counted for the cost bench, and its retries against a local server that
//! throttles.

use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
use axum::http::StatusCode;
use futures::{StreamExt, TryStreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use vigil_aws::Signer;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::s3::S3Objects;
use vigil_aws::sdk_http::SdkHttpClient;
use vigil_tests::emulator::{REGION, Session};

#[tokio::test]
async fn keys_that_need_encoding_are_stored_listed_and_deleted() {
    let session = Session::start().await;
    let (s3, bucket) = (&session.clients.s3, &session.resources.bucket);
    let keys = ["odd/plain", "odd/with space", "odd/plus+and&amp", "odd/unicode é ☃", "odd/tilde~equals=percent%25", "odd/quote\"<x>"];
    for (index, key) in keys.iter().enumerate() {
        s3.put(bucket, key, "text/plain", format!("body {index}").into_bytes()).await.unwrap();
    }
    for (index, key) in keys.iter().enumerate() {
        assert_eq!(s3.get(bucket, key).await.unwrap(), Some(format!("body {index}").into_bytes()), "{key}");
    }
    let mut listed = s3.list(bucket, "odd/", None).await.unwrap();
    assert_eq!(listed.next, None);
    listed.keys.sort();
    let mut expected: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();
    assert_eq!(listed.keys, expected, "listed keys come back decoded");
    assert!(s3.list(bucket, "odd/with", None).await.unwrap().keys == ["odd/with space"], "the prefix is honoured");

    let left = s3.delete(bucket, &expected).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    for key in keys {
        assert_eq!(s3.get(bucket, key).await.unwrap(), None, "{key} is gone");
    }
    assert!(s3.delete(bucket, &["odd/never there".to_owned()]).await.unwrap().is_empty(), "a missing key is no error");
}

#[tokio::test]
async fn a_listing_longer_than_a_page_continues_and_every_request_is_counted() {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let s3 = client_of(&session.endpoint, &counter);
    let bucket = &session.resources.bucket;
    let keys: Vec<String> = (0..1005).map(|i| format!("many/{i:05}")).collect();
    futures::stream::iter(&keys)
        .map(|key| s3.put(bucket, key, "application/octet-stream", vec![1]))
        .buffer_unordered(16)
        .try_collect::<()>()
        .await
        .unwrap();

    let first = s3.list(bucket, "many/", None).await.unwrap();
    assert_eq!(first.keys.len(), 1000, "S3 pages at 1000 keys");
    let next = first.next.as_deref().expect("a continuation");
    let second = s3.list(bucket, "many/", Some(next)).await.unwrap();
    assert_eq!(second.next, None);
    let mut all = [first.keys, second.keys].concat();
    all.sort();
    assert_eq!(all, keys, "every key once");

    assert!(s3.delete(bucket, &keys[..1000]).await.unwrap().is_empty());
    assert!(s3.delete(bucket, &keys[1000..]).await.unwrap().is_empty());
    assert!(s3.delete(bucket, &keys).await.is_err(), "more than 1000 at once is refused before sending");
    assert_eq!(s3.list(bucket, "many/", None).await.unwrap().keys, Vec::<String>::new());

    let counts = counter.snapshot();
    let count = |operation: &str| counts.get(&("S3".to_owned(), operation.to_owned())).copied().unwrap_or(0);
    assert_eq!((count("PutObject"), count("ListObjectsV2"), count("DeleteObjects")), (1005, 3, 2), "{counts:?}");
}

#[tokio::test]
async fn a_missing_bucket_is_an_error_naming_it_not_an_empty_answer() {
    let session = Session::start().await;
    let s3 = &session.clients.s3;
    let error = s3.get("no-such-bucket", "k").await.unwrap_err().to_string();
    assert!(error.contains("GetObject of no-such-bucket/k: HTTP 404") && error.contains("NoSuchBucket"), "{error}");
    let error = s3.put("no-such-bucket", "k", "text/plain", b"x".to_vec()).await.unwrap_err().to_string();
    assert!(error.contains("PutObject") && error.contains("NoSuchBucket"), "{error}");
    assert!(s3.list("no-such-bucket", "", None).await.is_err());
}

/// A local S3 stand-in that answers `SlowDown` to the first `throttled` requests and 200 after;
/// its address, and how many requests it has had.
async fn throttling_server(throttled: usize) -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move || {
        let counter = Arc::clone(&counter);
        async move {
            match counter.fetch_add(1, Ordering::SeqCst) < throttled {
                true => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
                ),
                false => (StatusCode::OK, ""),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serving") });
    (address, seen)
}

fn client_of(endpoint: &str, counter: &RequestCounter) -> S3Objects {
    let credentials = SharedCredentialsProvider::new(Credentials::new("test", "test", None, None, "test"));
    let signer = Signer { region: REGION.to_owned(), credentials, http: SdkHttpClient::new(), counter: Some(counter.clone()) };
    S3Objects::new(&signer, Some(endpoint))
}

#[tokio::test]
async fn throttling_is_tried_again_three_attempts_in_all_each_one_counted() {
    let (endpoint, seen) = throttling_server(2).await;
    let counter = RequestCounter::default();
    client_of(&endpoint, &counter).put("b", "k", "text/plain", b"x".to_vec()).await.expect("the third attempt succeeds");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    assert_eq!(counter.snapshot().get(&("S3".to_owned(), "PutObject".to_owned())), Some(&3), "AWS bills every attempt");

    let (endpoint, seen) = throttling_server(usize::MAX).await;
    let error = client_of(&endpoint, &counter).put("b", "k", "text/plain", b"x".to_vec()).await.unwrap_err().to_string();
    assert_eq!(seen.load(Ordering::SeqCst), 3, "no more than three attempts");
    assert!(error.contains("HTTP 503: Please reduce your request rate. (SlowDown)"), "{error}");
}

#[tokio::test]
async fn nobody_listening_is_an_error_after_three_attempts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let endpoint = format!("http://{}", listener.local_addr().expect("its address"));
    drop(listener);
    let counter = RequestCounter::default();
    let error = client_of(&endpoint, &counter).get("b", "k").await.unwrap_err();
    assert!(format!("{error:#}").contains("S3 GetObject, 3 attempts"), "{error:#}");
    assert_eq!(counter.snapshot().get(&("S3".to_owned(), "GetObject".to_owned())), Some(&3));
}
