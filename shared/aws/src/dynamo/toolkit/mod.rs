//! The bottom of the DynamoDB adapter: what every entity file builds on, so that an entity file
//! holds only its key shapes and item codecs.
//!
//! - [`attributes`]: reading and writing attribute values; [`update`]: update and condition
//!   expressions; [`cursor`]: listing cursors; [`errors`]: what a failed call means to a port.
//! - [`query`]: one partition's key range read a page at a time, a page with its cursor, or
//!   whole; [`due_index`]: the sharded `due` index read earliest first.
//! - [`item`]: single-item reads, writes and deletes; [`batch`]: batched writes and deletes, a
//!   partition purged.
//! - [`transactions`]: TransactWriteItems, and the one policy for writes that lose races.

pub(crate) mod attributes;
pub(crate) mod batch;
pub(crate) mod cursor;
pub(crate) mod due_index;
pub(crate) mod errors;
pub(crate) mod item;
pub(crate) mod query;
pub(crate) mod transactions;
pub(crate) mod update;
