//! [`File`]: what a file send carries, from bytes, a path, base64 or a URL.

use std::path::PathBuf;

use base64::Engine;

use crate::error::{Error, Result};
use crate::upload::Upload;

/// A file to send.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum File {
    /// Bytes in memory, with their MIME type.
    Bytes {
        /// The content.
        bytes: Vec<u8>,
        /// MIME type, e.g. `image/jpeg`.
        mime: String,
    },
    /// A file on this machine, read at send time; its MIME type is guessed from the extension.
    Path(PathBuf),
    /// Base64 (without `data:` prefix) with its MIME type.
    Base64 {
        /// The content in base64.
        base64: String,
        /// MIME type.
        mime: String,
    },
    /// An http(s) URL (or a path on the server's disk) that the **server** downloads.
    Url(String),
    /// A multipart upload (streamed from a path or an `AsyncRead`, or bytes), for the routes
    /// whose controllers read a form field `file`: `send-image`, `send-file`, `send-sticker`.
    Upload(Upload),
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes { bytes, mime } => write!(f, "File::Bytes({} bytes, {mime})", bytes.len()),
            Self::Path(path) => write!(f, "File::Path({})", path.display()),
            Self::Base64 { base64, mime } => {
                write!(f, "File::Base64({} chars, {mime})", base64.len())
            }
            Self::Url(url) => write!(f, "File::Url({url})"),
            Self::Upload(upload) => write!(f, "File::Upload({upload:?})"),
        }
    }
}

impl File {
    /// Bytes with their MIME type.
    #[must_use]
    pub fn bytes(bytes: impl Into<Vec<u8>>, mime: impl Into<String>) -> Self {
        Self::Bytes {
            bytes: bytes.into(),
            mime: mime.into(),
        }
    }

    /// A local file.
    #[must_use]
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::Path(path.into())
    }

    /// A URL the server downloads.
    #[must_use]
    pub fn url(url: impl Into<String>) -> Self {
        Self::Url(url.into())
    }

    /// A multipart upload: the file travels as itself, not as base64 in JSON, and a path or a
    /// stream is never read into memory as a whole.
    #[must_use]
    pub fn upload(upload: Upload) -> Self {
        Self::Upload(upload)
    }

    /// Base64 with its MIME type.
    #[must_use]
    pub fn base64(base64: impl Into<String>, mime: impl Into<String>) -> Self {
        Self::Base64 {
            base64: base64.into(),
            mime: mime.into(),
        }
    }

    /// The file name, when it has one.
    pub(crate) fn file_name(&self) -> Option<String> {
        match self {
            Self::Path(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
            Self::Url(url) => url
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            Self::Upload(upload) => upload.name().map(str::to_owned),
            _ => None,
        }
    }

    /// The data URL the server expects (`data:<mime>;base64,<data>`), or `None` for a URL.
    pub(crate) async fn data_url(self) -> Result<Option<String>> {
        let engine = base64::engine::general_purpose::STANDARD;
        Ok(Some(match self {
            Self::Bytes { bytes, mime } => format!("data:{mime};base64,{}", engine.encode(bytes)),
            Self::Base64 { base64, mime } => {
                let data = wppconnect_models::session::strip_data_url(&base64);
                engine
                    .decode(data)
                    .map_err(|e| Error::invalid(format!("the file is not valid base64: {e}")))?;
                format!("data:{mime};base64,{data}")
            }
            Self::Path(path) => {
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
                let mime = mime_guess::from_path(&path).first_or_octet_stream();
                format!("data:{mime};base64,{}", engine.encode(bytes))
            }
            Self::Url(_) => return Ok(None),
            Self::Upload(_) => {
                return Err(Error::invalid(
                    "this route reads no uploaded file: use File::path, File::bytes or File::url",
                ))
            }
        }))
    }
}
