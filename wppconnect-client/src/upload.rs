//! Multipart uploads: an [`Upload`] (a file from a path, bytes or an `AsyncRead` stream) and a
//! [`Multipart`] form, for the nine routes whose controllers read a form field `file`
//! (`send-image`, `send-file`, `send-sticker`, `send-sticker-gif`, `send-image-storie`,
//! `send-video-storie`, `set-profile-pic`, `group-pic`, `restore-sessions`).
//!
//! A file travels as itself: no base64 (+33 %), and a path or a stream is never read into memory
//! as a whole (`tokio::fs::File` → `reqwest::Body::wrap_stream`).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::error::{Error, Result};

/// A file for a multipart upload: from a path (streamed from disk), from bytes, or from any
/// [`AsyncRead`] (streamed once).
///
/// Cheap to clone. The file name and MIME type go into the form part; the MIME type is guessed
/// from the file name unless set.
///
/// ```no_run
/// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
/// use wppconnect_client::{File, Upload};
/// let report = Upload::path("/var/reports/nota.pdf");
/// session.send_file("5511999999999", File::upload(report)).caption("Sua nota").await?;
/// let pipe = tokio::io::repeat(b'x'); // any AsyncRead
/// # let pipe = tokio::io::AsyncReadExt::take(pipe, 10);
/// session.send_file("5511999999999", File::upload(Upload::reader(pipe, "log.txt"))).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Upload {
    source: Arc<Source>,
    file_name: Option<String>,
    mime: Option<String>,
}

enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Taken by the first attempt.
    Reader(Mutex<Option<reqwest::Body>>),
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &*self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(path) => format!("path {}", path.display()),
            Source::Reader(_) => "stream".to_owned(),
        };
        f.debug_struct("Upload")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

impl PartialEq for Upload {
    /// Two uploads are equal when they share their source (clones of one another) and have the
    /// same name and type.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.source, &other.source)
            && self.file_name == other.file_name
            && self.mime == other.mime
    }
}

impl Eq for Upload {}

impl Upload {
    /// A file on this machine, opened and streamed at send time (never read whole into memory).
    /// Its name is the path's file name.
    #[must_use]
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Self {
            source: Arc::new(Source::Path(path)),
            file_name,
            mime: None,
        }
    }

    /// Bytes in memory, named `file_name`.
    #[must_use]
    pub fn bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        Self {
            source: Arc::new(Source::Bytes(bytes.into())),
            file_name: Some(file_name.into()),
            mime: None,
        }
    }

    /// A stream, named `file_name`, read while the request is sent. It can be sent only once:
    /// a call carrying it is never repeated, not even after a connection error.
    #[must_use]
    pub fn reader<R>(reader: R, file_name: impl Into<String>) -> Self
    where
        R: AsyncRead + Send + 'static,
    {
        let body = reqwest::Body::wrap_stream(ReaderStream::new(reader));
        Self {
            source: Arc::new(Source::Reader(Mutex::new(Some(body)))),
            file_name: Some(file_name.into()),
            mime: None,
        }
    }

    /// The file name the server sees (it uses the extension to tell the file's kind).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The MIME type of the part (default: guessed from the file name).
    #[must_use]
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// The file name, when there is one.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// Whether a MIME type was given.
    pub(crate) fn has_mime(&self) -> bool {
        self.mime.is_some()
    }

    /// Whether the upload can be sent again (a stream cannot).
    pub(crate) fn repeatable(&self) -> bool {
        !matches!(*self.source, Source::Reader(_))
    }

    /// The form part: a path is opened now and streamed; a stream is taken.
    pub(crate) async fn part(&self) -> Result<Part> {
        let part = match &*self.source {
            Source::Bytes(bytes) => {
                let len = bytes.len() as u64;
                Part::stream_with_length(reqwest::Body::from(bytes.clone()), len)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::invalid(format!("cannot open {}: {e}", path.display())))?;
                let len = file
                    .metadata()
                    .await
                    .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?
                    .len();
                let body = reqwest::Body::wrap_stream(ReaderStream::new(file));
                Part::stream_with_length(body, len)
            }
            Source::Reader(slot) => {
                let body = match slot.lock() {
                    Ok(mut slot) => slot.take(),
                    Err(poisoned) => poisoned.into_inner().take(),
                };
                let body =
                    body.ok_or_else(|| Error::invalid("a streamed upload can be sent only once"))?;
                Part::stream(body)
            }
        };
        let name = self.file_name.clone().unwrap_or_else(|| "file".to_owned());
        let mime = match &self.mime {
            Some(mime) => mime.clone(),
            None => mime_guess::from_path(&name)
                .first_or_octet_stream()
                .to_string(),
        };
        part.file_name(name)
            .mime_str(&mime)
            .map_err(|e| Error::invalid(format!("invalid MIME type {mime:?}: {e}")))
    }
}

/// A multipart form: text fields and files. Built per attempt, so a form of paths and bytes can
/// be repeated (when the route allows it) and a stream is read once.
///
/// ```
/// use wppconnect_client::{Multipart, Upload};
/// let form = Multipart::new()
///     .text("phone", "5511999999999")
///     .file("file", Upload::bytes(&b"%PDF-1.7"[..], "nota.pdf"));
/// assert_eq!(form.texts().collect::<Vec<_>>(), [("phone", "5511999999999")]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    texts: Vec<(String, String)>,
    files: Vec<(String, Upload)>,
}

impl Multipart {
    /// An empty form.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.texts.push((name.into(), value.into()));
        self
    }

    /// Adds a file field (the server's upload routes read the field `file`).
    #[must_use]
    pub fn file(mut self, name: impl Into<String>, upload: Upload) -> Self {
        self.files.push((name.into(), upload));
        self
    }

    /// The text fields of a JSON body, as the server reads a form: strings as they are, numbers
    /// as text, `true` as `"true"`; `false` and `null` are left out (a form carries only
    /// strings, and the server takes any non-empty string, even `"false"`, as true); a list of
    /// strings (several recipients) is joined with `,`, which the server splits again.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the body is not an object, or has a field a form cannot
    /// carry (an object, a list of non-strings).
    pub fn from_body(body: &impl serde::Serialize) -> Result<Self> {
        let Value::Object(fields) = serde_json::to_value(body).map_err(Error::invalid)? else {
            return Err(Error::invalid("a form is built from a JSON object"));
        };
        let mut form = Self::new();
        for (name, value) in fields {
            let text = match value {
                Value::Null | Value::Bool(false) => continue,
                Value::Bool(true) => "true".to_owned(),
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Error::invalid(format!("a form cannot carry the list field {name:?}"))
                    })?
                    .join(","),
                Value::Object(_) => {
                    return Err(Error::invalid(format!(
                        "a form cannot carry the object field {name:?}"
                    )))
                }
            };
            form.texts.push((name, text));
        }
        Ok(form)
    }

    /// The text fields, in order.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether every file can be sent again (no stream).
    pub(crate) fn repeatable(&self) -> bool {
        self.files.iter().all(|(_, upload)| upload.repeatable())
    }

    /// The reqwest form for one attempt.
    pub(crate) async fn form(&self) -> Result<Form> {
        let mut form = Form::new();
        for (name, value) in &self.texts {
            form = form.text(name.clone(), value.clone());
        }
        for (name, upload) in &self.files {
            form = form.part(name.clone(), upload.part().await?);
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_json_body_becomes_the_fields_the_server_reads() {
        let form = Multipart::from_body(&json!({
            "phone": ["5511999999999", "5521988887777"],
            "isGroup": false,
            "isLid": true,
            "caption": "nota",
            "lat": 1.5,
            "quotedMessageId": null
        }))
        .unwrap();
        let mut texts: Vec<_> = form.texts().collect();
        texts.sort_unstable();
        assert_eq!(
            texts,
            [
                ("caption", "nota"),
                ("isLid", "true"),
                ("lat", "1.5"),
                ("phone", "5511999999999,5521988887777")
            ]
        );
        assert!(Multipart::from_body(&json!({"options": {"type": "image"}})).is_err());
        assert!(Multipart::from_body(&json!([1])).is_err());
    }

    #[test]
    fn a_stream_is_not_repeatable_and_is_sent_once() {
        let upload = Upload::reader(tokio::io::empty(), "a.txt");
        assert!(!Multipart::new().file("file", upload.clone()).repeatable());
        assert!(Multipart::new()
            .file("file", Upload::bytes(vec![1], "a.bin"))
            .repeatable());
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            assert!(upload.part().await.is_ok());
            assert!(matches!(
                upload.part().await,
                Err(Error::InvalidInput { .. })
            ));
        });
    }
}
