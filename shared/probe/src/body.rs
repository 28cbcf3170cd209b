//! Reading a response body up to the cap.

use bytes::Buf;
use http_body_util::BodyExt;
use hyper::body::Body;

use crate::progress::Progress;

/// The part of a body that was kept.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CappedBody {
    pub(crate) bytes: Vec<u8>,
    /// More bytes followed the first `cap`; they were not read.
    pub(crate) truncated: bool,
}

/// The buffer starts at most this large and grows as bytes arrive, so a check of a small page
/// does not pay for a megabyte cap.
const INITIAL_CAPACITY: usize = 16 * 1024;

/// Reads `body` until it ends or goes past `cap` bytes, keeping at most `cap`. Reading stops at
/// the first byte past the cap, so an endless body costs no more than the cap. A body of
/// exactly `cap` bytes that then stalls without ending is still waited for (up to the check's
/// deadline): only more bytes would show it was truncated.
pub(crate) async fn read_capped<B>(
    mut body: B,
    cap: usize,
    length_hint: Option<u64>,
    progress: &mut Progress,
) -> Result<CappedBody, B::Error>
where
    B: Body + Unpin,
{
    let hinted = length_hint.and_then(|n| usize::try_from(n).ok()).unwrap_or(INITIAL_CAPACITY);
    let mut bytes = Vec::with_capacity(hinted.min(cap).min(INITIAL_CAPACITY));
    while let Some(frame) = body.frame().await {
        let Ok(mut data) = frame?.into_data() else {
            // Trailers carry nothing a check looks at.
            continue;
        };
        let room = cap - bytes.len();
        let available = data.remaining();
        if available > room {
            copy_into(&mut bytes, &mut data, room);
            progress.body_received = bytes.len();
            return Ok(CappedBody { bytes, truncated: true });
        }
        copy_into(&mut bytes, &mut data, available);
        progress.body_received = bytes.len();
    }
    Ok(CappedBody { bytes, truncated: false })
}

fn copy_into(bytes: &mut Vec<u8>, data: &mut impl Buf, mut n: usize) {
    while n > 0 {
        let chunk = data.chunk();
        let take = chunk.len().min(n);
        if take == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..take]);
        data.advance(take);
        n -= take;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use hyper::body::Frame;
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body that yields the given chunks, then ends (or stays pending forever).
    struct Chunks {
        chunks: VecDeque<Bytes>,
        endless: bool,
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            match self.chunks.pop_front() {
                Some(chunk) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                None if self.endless => Poll::Pending,
                None => Poll::Ready(None),
            }
        }
    }

    fn chunks(sizes: &[usize], endless: bool) -> Chunks {
        let mut next = 0u8;
        let chunks = sizes
            .iter()
            .map(|&n| {
                Bytes::from_iter((0..n).map(|_| {
                    next = next.wrapping_add(1);
                    next
                }))
            })
            .collect();
        Chunks { chunks, endless }
    }

    async fn read(sizes: &[usize], cap: usize) -> CappedBody {
        let mut progress = Progress::new();
        let read = read_capped(chunks(sizes, false), cap, None, &mut progress).await;
        let Ok(body) = read;
        assert_eq!(progress.body_received, body.bytes.len());
        body
    }

    #[tokio::test]
    async fn bodies_are_kept_up_to_the_cap() {
        // (chunk sizes, cap, kept, truncated)
        let cases: [(&[usize], usize, usize, bool); 8] = [
            (&[], 10, 0, false),
            (&[5], 10, 5, false),
            (&[10], 10, 10, false),
            (&[4, 6], 10, 10, false),
            (&[11], 10, 10, true),
            (&[6, 6], 10, 10, true),
            (&[10, 1], 10, 10, true),
            (&[1], 0, 0, true),
        ];
        for (sizes, cap, kept, truncated) in cases {
            let body = read(sizes, cap).await;
            assert_eq!((body.bytes.len(), body.truncated), (kept, truncated), "{sizes:?} cap {cap}");
            let expected: Vec<u8> = (1..=kept).map(|i| (i % 256) as u8).collect();
            assert_eq!(body.bytes, expected, "{sizes:?} cap {cap}");
        }
    }

    #[tokio::test]
    async fn an_endless_body_stops_at_the_cap() {
        let mut progress = Progress::new();
        let Ok(body) = read_capped(chunks(&[8, 8, 8], true), 12, Some(1 << 40), &mut progress).await;
        assert_eq!((body.bytes.len(), body.truncated), (12, true));
        assert!(body.bytes.capacity() <= INITIAL_CAPACITY);
    }
}
