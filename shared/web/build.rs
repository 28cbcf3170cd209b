//! Names every embedded asset after its content (so a page can tell the browser to keep it a
//! year) and gzips the ones that shrink, at build time: no Node, no bundler, nothing at run time.

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// (logical name, file under assets/, content type)
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", "app.css", "text/css; charset=utf-8"),
    ("app.js", "app.js", "text/javascript; charset=utf-8"),
    ("favicon.svg", "favicon.svg", "image/svg+xml"),
    ("htmx.js", "vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8"),
    ("uplot.js", "vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
    ("uplot.css", "vendor/uplot/uPlot.min.css", "text/css; charset=utf-8"),
];

/// Gzip is kept only when it saves at least this share of the bytes.
const WORTH_IT: f64 = 0.9;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut table = String::from("&[\n");
    for (name, file, content_type) in ASSETS {
        let path = root.join("assets").join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let hash: String = Sha256::digest(&body).iter().take(5).fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        let (stem, ext) = name.rsplit_once('.').expect("an asset name has an extension");
        let hashed = format!("{stem}.{hash}.{ext}");
        let gzip = gzip(&body);
        let gzip_expr = if (gzip.len() as f64) < body.len() as f64 * WORTH_IT {
            let gz_path = out.join(format!("{hashed}.gz"));
            std::fs::write(&gz_path, &gzip).expect("writing a gzipped asset");
            format!("Some(include_bytes!({:?}))", gz_path.display().to_string())
        } else {
            "None".to_owned()
        };
        let _ = writeln!(
            table,
            "    Asset {{ name: {name:?}, hashed: {hashed:?}, content_type: {content_type:?}, body: include_bytes!({:?}), gzip: {gzip_expr} }},",
            display(&path)
        );
    }
    table.push(']');
    std::fs::write(out.join("assets.rs"), table).expect("writing the asset table");
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(body).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}
