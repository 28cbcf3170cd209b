//! Cursor pagination. A cursor is opaque to clients; each store encodes its own position in it.

use serde::{Deserialize, Serialize};

/// An opaque position in a listing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

/// What page of a listing to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Continue after this position; `None` for the first page.
    pub cursor: Option<Cursor>,
    /// At most this many items (1 to [`PageRequest::MAX_LIMIT`]).
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first()
    }
}

impl PageRequest {
    /// The default page size.
    pub const DEFAULT_LIMIT: u32 = 50;
    /// The largest page size.
    pub const MAX_LIMIT: u32 = 500;

    /// A first page of the default size.
    pub fn first() -> Self {
        Self { cursor: None, limit: Self::DEFAULT_LIMIT }
    }

    /// A request, validating the limit.
    pub fn new(cursor: Option<Cursor>, limit: Option<u32>) -> Result<Self, String> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(format!("limit must be between 1 and {}", Self::MAX_LIMIT));
        }
        Ok(Self { cursor, limit })
    }
}

/// One page of a listing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items, in listing order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Maps the items.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}
