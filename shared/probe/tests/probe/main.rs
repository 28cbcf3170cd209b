//! Black-box tests of the check engine against real servers on loopback ports. One binary for
//! all of them keeps link time down.

mod basics;
mod failures;
mod redirects;
mod ssrf;
mod support;
mod timeouts;
mod tls;
