//! QR code helpers: decode both forms the server uses to PNG bytes, render the `urlcode` for a
//! terminal.

use base64::Engine;
use wppconnect_models::session::strip_data_url;

use crate::error::{Error, Result};

/// Decodes a QR code as the server sends it, a data URL (`status-session`) or raw base64 (the
/// `qrcode` webhook, `waitQrCode`), to PNG bytes.
///
/// # Errors
/// [`Error::InvalidInput`] when it is not base64 or not a PNG.
pub fn png_bytes(qr_code: &str) -> Result<Vec<u8>> {
    let data = strip_data_url(qr_code.trim());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| Error::invalid(format!("QR code is not base64: {e}")))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::invalid("QR code is not a PNG image"));
    }
    Ok(bytes)
}

/// Renders the QR code's text (`urlcode`) with Unicode half blocks, to print in a terminal.
/// Needs the `terminal-qr` feature (on by default).
///
/// # Errors
/// [`Error::InvalidInput`] when the text does not fit in a QR code.
#[cfg(feature = "terminal-qr")]
pub fn render_terminal(urlcode: &str) -> Result<String> {
    let code = qrcode::QrCode::new(urlcode.as_bytes())
        .map_err(|e| Error::invalid(format!("cannot encode QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAABUAAAAVAQAAAACBbJg7AAAAS0lEQVR42j3IoRGAMBBFwXcdpKikJ5jM9YVJHwiIRsDkDBPLV4g1ix3gT5DfRFmlJfwM7IY+N0bdme2i9qCN5T/Tua7osq7oXGc9PhI1J1idzdcYAAAAAElFTkSuQmCC";

    #[test]
    fn both_forms_decode_to_the_same_png() {
        let raw = png_bytes(PNG).unwrap();
        let url = png_bytes(&format!("data:image/png;base64,{PNG}")).unwrap();
        assert_eq!(raw, url);
        assert!(raw.starts_with(b"\x89PNG"));
        assert!(png_bytes("not base64!").is_err());
        assert!(
            png_bytes("aGVsbG8=").is_err(),
            "base64 of something that is not a PNG"
        );
    }

    #[test]
    #[cfg(feature = "terminal-qr")]
    fn urlcode_renders_for_a_terminal() {
        let text = render_terminal("2@sM0kqv4Yf0bQpWm7y9VvXx1aZkLr3dT8uHcN5eJgPiOwE2s6tF4yBnA==,1")
            .unwrap();
        assert!(text.lines().count() > 10);
        assert!(text.contains('█') || text.contains('▀') || text.contains('▄'));
    }
}
