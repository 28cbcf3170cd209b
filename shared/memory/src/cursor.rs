//! Listing positions and pages: every listing of the store is a sort of its items by a
//! position, then a page after (or, newest first, before) the cursor's position.

use uuid::Uuid;
use vigil_domain::page::{Cursor, Page, PageRequest};
use vigil_domain::ports::StoreError;

/// What marks the store's cursors, so that another store's cursor is refused.
const MARK: &str = "mem:";

/// A position in a listing, written into and read from a cursor.
pub(crate) trait Position: Ord + Clone {
    /// As text.
    fn encode(&self) -> String;
    /// From text this store wrote.
    fn decode(text: &str) -> Option<Self>;
}

impl Position for i64 {
    fn encode(&self) -> String {
        self.to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Position for Uuid {
    fn encode(&self) -> String {
        self.simple().to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        Uuid::parse_str(text).ok()
    }
}

impl Position for (i64, Uuid) {
    fn encode(&self) -> String {
        format!("{}:{}", self.0, self.1.encode())
    }

    fn decode(text: &str) -> Option<Self> {
        let (at, id) = text.split_once(':')?;
        Some((i64::decode(at)?, Uuid::decode(id)?))
    }
}

/// The order of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// Lowest position first.
    Oldest,
    /// Highest position first.
    Newest,
}

/// The page `request` asks for of `items`, each with its position, in `order`.
pub(crate) fn page<P: Position, T>(
    items: impl IntoIterator<Item = (P, T)>,
    request: &PageRequest,
    order: Order,
) -> Result<Page<T>, StoreError> {
    let from = request
        .cursor
        .as_ref()
        .map(|Cursor(text)| text.strip_prefix(MARK).and_then(P::decode).ok_or(StoreError::InvalidCursor))
        .transpose()?;
    let mut items: Vec<(P, T)> = items
        .into_iter()
        .filter(|(position, _)| match (&from, order) {
            (None, _) => true,
            (Some(from), Order::Oldest) => position > from,
            (Some(from), Order::Newest) => position < from,
        })
        .collect();
    items.sort_by(|(a, _), (b, _)| if order == Order::Oldest { a.cmp(b) } else { b.cmp(a) });
    let limit = request.limit as usize;
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(|(position, _)| Cursor(format!("{MARK}{}", position.encode())))
    });
    Ok(Page { items: items.into_iter().map(|(_, item)| item).collect(), next_cursor: next_cursor.flatten() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_each_other_in_both_orders_and_refuse_foreign_cursors() {
        let items = || (1..=5i64).map(|n| (n, n));
        for (order, expected) in [(Order::Oldest, [1, 2, 3, 4, 5]), (Order::Newest, [5, 4, 3, 2, 1])] {
            let mut request = PageRequest { cursor: None, limit: 2 };
            let mut seen = Vec::new();
            loop {
                let page = page(items(), &request, order).unwrap();
                seen.extend(page.items);
                match page.next_cursor {
                    Some(cursor) => request.cursor = Some(cursor),
                    None => break,
                }
            }
            assert_eq!(seen, expected, "{order:?}");
        }
        for bad in ["", "5", "mem:x", "mem:"] {
            let request = PageRequest { cursor: Some(Cursor(bad.into())), limit: 2 };
            assert!(matches!(page(items(), &request, Order::Oldest), Err(StoreError::InvalidCursor)), "{bad}");
        }
    }
}
