//! Vigil's check engine: [`HttpProber`] performs one HTTP(S) check per call, on a fresh
//! connection, and reports what happened as a [`vigil_domain::probe::ProbeReport`].
//!
//! A check resolves the host, vets every address against the monitor's network policy (the
//! SSRF guard), connects only to a vetted address, performs the TLS handshake for https
//! (recording the leaf certificate's expiry even when verification fails), sends the request
//! and reads the body up to the cap, following redirects hop by hop. One deadline covers all
//! of it.
//!
//! The SSRF guard is [`NetworkGuard`], the one gate of every outbound request Vigil makes for
//! a tenant: the prober dials only what it vetted, and the notification senders
//! (vigil-outbound) resolve through it too. Two small seams let tests and benchmarks run
//! without real DNS or with a different address rule: [`Resolve`] (production:
//! [`SystemResolver`]) and [`AddressVetter`] (production: [`PolicyVetter`]), both passed to
//! [`NetworkGuard::new`].

mod body;
mod config;
mod connect;
mod exchange;
mod failure;
mod guard;
mod prober;
mod progress;
mod redirect;
mod request;
mod resolve;
mod tls;
mod vet;

pub use config::{ProberConfig, ProberInitError};
pub use guard::{GuardRefusal, NetworkGuard};
pub use prober::HttpProber;
pub use resolve::{GetaddrinfoResolver, Resolve, ResolveError, StaticResolver, SystemResolver};
pub use vet::{AddressVetter, PolicyVetter};
