//! Vigil benchmarks.
fn main() {}
