//! Listings as streams of items, reading the next page when the last one is used up.

use crate::Error;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use std::future::Future;
use vigil_api::Page;

/// Every item of a listing, page after page.
pub type Items<'a, T> = BoxStream<'a, Result<T, Error>>;

/// The items of the pages `fetch` reads, given the cursor of each (none for the first).
pub(crate) fn items<'a, T, F, Fut>(fetch: F) -> Items<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    enum Next {
        Start,
        After(String),
        Done,
    }
    let pages = stream::try_unfold((Next::Start, fetch), |(next, mut fetch)| async move {
        let cursor = match next {
            Next::Start => None,
            Next::After(cursor) => Some(cursor),
            Next::Done => return Ok(None),
        };
        let page = fetch(cursor).await?;
        let next = page.next_cursor.map_or(Next::Done, Next::After);
        Ok(Some((page.items, (next, fetch))))
    });
    pages.map_ok(|page| stream::iter(page.into_iter().map(Ok))).try_flatten().boxed()
}
