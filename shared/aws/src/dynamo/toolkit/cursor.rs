//! Listing cursors: an opaque, URL-safe encoding of the last position returned.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vigil_domain::page::Cursor;
use vigil_domain::ports::StoreError;

/// Encodes a position.
pub(crate) fn encode(position: &str) -> Cursor {
    Cursor(URL_SAFE_NO_PAD.encode(position))
}

/// Decodes a position this store issued, checking it with `valid`.
pub(crate) fn decode(cursor: &Cursor, valid: impl Fn(&str) -> bool) -> Result<String, StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(&cursor.0).map_err(|_| StoreError::InvalidCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::InvalidCursor)?;
    if valid(&text) { Ok(text) } else { Err(StoreError::InvalidCursor) }
}

/// A decimal cursor position.
pub(crate) fn decode_number(cursor: &Cursor) -> Result<i64, StoreError> {
    decode(cursor, |text| text.parse::<i64>().is_ok())?.parse().map_err(|_| StoreError::InvalidCursor)
}
