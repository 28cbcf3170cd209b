//! S3 for the few object calls the stores make: put, get, list a prefix, delete many. Requests
//! are signed by the SDK's own SigV4 signer (`aws-sigv4`) and sent through the SDK clients' HTTP
//! client ([`crate::sdk_http`]), by [`crate::signed_call`], so they add almost no code to a
//! function.
//!
//! Why not `aws-sdk-s3`: its client, endpoint rules, XML (de)serialisers and checksum
//! machinery were 0.7 MB of every zip that stores an artefact or a ping body, for four calls
//! (measured on the arm64 zips: heartbeat 3.35 MB with it, 2.63 MB without; prober 3.54 MB and
//! 2.81 MB).

mod addressing;
mod objects;
mod signing;

pub use objects::{Listing, S3Objects, Undeletable};
