//! QR codes drawn on the server as SVG (no script, no image request).

use qrcode::QrCode;
use qrcode::render::svg;

/// `text` as an inline SVG QR code (dark on light, with its quiet zone), or `None` if it is too
/// long for a QR code.
pub(crate) fn svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code.render::<svg::Color<'_>>().min_dimensions(192, 192).quiet_zone(true).build();
    // Inline SVG in HTML needs no XML declaration.
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_otpauth_uri_becomes_an_svg_with_no_style_or_script() {
        let svg = super::svg("otpauth://totp/Vigil:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Vigil").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("style") && !svg.contains("script"), "{svg}");
        assert!(svg.contains("<path") || svg.contains("<rect"), "modules are drawn");
    }
}
