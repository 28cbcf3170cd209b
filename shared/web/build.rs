//! Names every embedded asset after its content (so a page can tell the browser to keep it a
//! year) and gzips the ones that shrink, at build time: no Node, no bundler, nothing at run time.
//! Compiles the message catalogues into tables sorted by key, so that nothing parses them when
//! a function starts.

#[path = "src/i18n/flatten.rs"]
mod flatten;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// (logical name, file under assets/, content type, whether the public status pages use it)
const ASSETS: &[(&str, &str, &str, bool)] = &[
    ("app.css", "app.css", "text/css; charset=utf-8", true),
    ("app.js", "app.js", "text/javascript; charset=utf-8", false),
    ("favicon.svg", "favicon.svg", "image/svg+xml", true),
    ("htmx.js", "vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8", false),
    ("uplot.js", "vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8", false),
    ("uplot.css", "vendor/uplot/uPlot.min.css", "text/css; charset=utf-8", false),
];

/// Gzip is kept only when it saves at least this share of the bytes.
const WORTH_IT: f64 = 0.9;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Three tables: every asset with its bytes (what the dashboard serves), the public pages'
    // assets with theirs (what the status function serves), and the names alone (what templates
    // link to), so that a binary carries only the bytes it can serve.
    let (mut all, mut public, mut names) = (String::from("&[\n"), String::from("&[\n"), String::from("&[\n"));
    for (name, file, content_type, on_public_pages) in ASSETS {
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
        let entry = format!(
            "    Asset {{ name: {name:?}, hashed: {hashed:?}, content_type: {content_type:?}, body: include_bytes!({:?}), gzip: {gzip_expr} }},\n",
            display(&path)
        );
        all.push_str(&entry);
        if *on_public_pages {
            public.push_str(&entry);
        }
        let _ = writeln!(names, "    ({name:?}, {hashed:?}),");
    }
    for (table, file) in [(all, "assets.rs"), (public, "public_assets.rs"), (names, "asset_names.rs")] {
        std::fs::write(out.join(file), table + "]").expect("writing an asset table");
    }
    for language in ["en", "fr"] {
        compile_catalogue(&root, &out, language);
    }
}

/// `i18n/<language>.toml` as a Rust table of `(key, Message)`, sorted by key for binary search.
fn compile_catalogue(root: &Path, out: &Path, language: &str) {
    use flatten::ReadMessage;
    let path = root.join("i18n").join(format!("{language}.toml"));
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let messages = flatten::read_catalogue(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut table = String::from("&[\n");
    // A BTreeMap iterates in key order: the order the lookup's binary search needs.
    for (key, message) in messages {
        let _ = match message {
            ReadMessage::Text(text) => writeln!(table, "    ({key:?}, Message::Text({text:?})),"),
            ReadMessage::Plural(one, other) => writeln!(table, "    ({key:?}, Message::Plural {{ one: {one:?}, other: {other:?} }}),"),
        };
    }
    std::fs::write(out.join(format!("catalogue_{language}.rs")), table + "]").expect("writing a catalogue table");
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(body).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}
