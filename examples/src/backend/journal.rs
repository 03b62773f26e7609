//! The ingest journal: where a webhook's event is durable before it is indexed.
//!
//! A webhook is answered `200` once its body is appended here, the sender's own bytes, with the
//! session it was posted for. The store's indexer (the webhook writer) then reads it back
//! ([`visit_range`]) and writes it into the tables, and in the same transaction the journal position it reached, so after a crash it
//! replays exactly what it had not committed. Appending costs one `write` per group of events
//! (no SQL, no index, no full-text update), which is what lets the backend take a burst at the
//! rate of the bare router while the indexer catches up at a lower CPU priority.
//!
//! On disk: a directory of segment files, each named by the position (byte offset in the whole
//! journal) of its first record, `00000000000000000000.log`, a new one past
//! [`SEGMENT_BYTES`]. A record is `u32` payload length, `u32` CRC-32 of the payload (both
//! little-endian), then the payload: one byte of session-name length, the session name, the
//! body. A record's position is where it ends. Segments whose records are all indexed are
//! deleted. A `lock` file held for the journal's life keeps a second process out.
//!
//! Durability is that of SQLite's WAL with `synchronous=NORMAL`: an appended record survives the
//! process being killed (it is in the OS's cache); a power cut may lose the records of the last
//! moments unless the journal syncs each append (`synchronous=full` in the database URL). A
//! record cut short by a crash was never acknowledged; it is dropped when the journal opens.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A segment grows to about this size before the next one starts.
pub const SEGMENT_BYTES: u64 = 64 * 1024 * 1024;
/// The bytes before a record's payload: its length and its CRC.
const HEADER: usize = 8;

/// One journal, opened for appending by the only process that holds its lock.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    /// The segment appended to.
    file: File,
    /// The position of the first byte of `file`.
    segment_start: u64,
    /// The position after the last record.
    end: u64,
    /// Each append is synced to the disk (`fdatasync`) before it returns.
    sync: bool,
    /// The starts of the segments on disk, oldest first (the last one is `file`).
    segments: Vec<u64>,
    /// The size past which the next segment starts ([`SEGMENT_BYTES`]).
    segment_bytes: u64,
    /// The journal's id (its `id` file, made at its creation): the key of its position in the
    /// store, the same across restarts and different for every directory.
    id: String,
    /// The lock, held while the journal is open.
    _lock: File,
    /// A failed append could not be cut off: what follows the last whole record is not a
    /// record, so nothing more is appended (each append fails).
    broken: bool,
}

/// One record read back: the session, the body, and the position after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the record ends (what the indexer saves once it is committed).
    pub position: u64,
    /// The session the event was posted for.
    pub session: String,
    /// The body, as the sender posted it.
    pub body: Vec<u8>,
}

/// A journal failure: an I/O error, with the file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("the ingest journal at {path} failed")]
pub struct JournalError {
    path: PathBuf,
    #[source]
    source: io::Error,
}

impl JournalError {
    /// Whether the journal's bytes are not what was appended (a damaged record, a range cut
    /// short or a segment gone), rather than a failure to read them that may pass.
    #[must_use]
    pub fn is_damage(&self) -> bool {
        matches!(
            self.source.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof | io::ErrorKind::NotFound
        )
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> JournalError + '_ {
    move |source| JournalError {
        path: path.to_owned(),
        source,
    }
}

fn segment_path(dir: &Path, start: u64) -> PathBuf {
    dir.join(format!("{start:020}.log"))
}

/// The starts of the segments in `dir`, oldest first.
fn segments(dir: &Path) -> Result<Vec<u64>, JournalError> {
    let mut starts = Vec::new();
    for entry in fs::read_dir(dir).map_err(at(dir))? {
        let name = entry.map_err(at(dir))?.file_name();
        let start = name
            .to_str()
            .and_then(|n| n.strip_suffix(".log"))
            .and_then(|n| n.parse::<u64>().ok());
        starts.extend(start);
    }
    starts.sort_unstable();
    Ok(starts)
}

/// One record as it lies in the bytes read: no copy of its session or body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// Where the record ends.
    pub position: u64,
    /// The session the event was posted for.
    pub session: &'a str,
    /// The body, as the sender posted it.
    pub body: &'a [u8],
}

impl From<RecordRef<'_>> for Record {
    fn from(record: RecordRef<'_>) -> Self {
        Self {
            position: record.position,
            session: record.session.to_owned(),
            body: record.body.to_vec(),
        }
    }
}

/// The records of one segment's bytes, and where the last whole one ends (a torn or damaged
/// record ends the reading).
fn parse_refs(start: u64, bytes: &[u8]) -> (Vec<RecordRef<'_>>, usize) {
    let mut records = Vec::new();
    let mut offset = 0;
    while let Some(header) = bytes.get(offset..offset + HEADER) {
        let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        let Some(payload) = bytes.get(offset + HEADER..offset + HEADER + len) else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        let Some((&name_len, rest)) = payload.split_first() else {
            break;
        };
        let Some((session, body)) = rest.split_at_checked(usize::from(name_len)) else {
            break;
        };
        let Ok(session) = std::str::from_utf8(session) else {
            break;
        };
        offset += HEADER + len;
        records.push(RecordRef {
            position: start + offset as u64,
            session,
            body,
        });
    }
    (records, offset)
}

fn read_segment(dir: &Path, start: u64) -> Result<Vec<u8>, JournalError> {
    let path = segment_path(dir, start);
    let mut bytes = Vec::new();
    File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(at(&path))?;
    Ok(bytes)
}

impl Journal {
    /// Opens the journal in `dir` (created if missing), takes its lock, and drops a record the
    /// last run left cut short. `sync`: each append waits for the disk.
    ///
    /// # Errors
    /// [`JournalError`]: the directory cannot be made or read, or another process holds it.
    pub fn open(dir: &Path, sync: bool) -> Result<Self, JournalError> {
        fs::create_dir_all(dir).map_err(at(dir))?;
        let lock_path = dir.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(at(&lock_path))?;
        lock.try_lock().map_err(|error| JournalError {
            path: lock_path.clone(),
            source: match error {
                fs::TryLockError::WouldBlock => io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "another process has this journal open (give each instance its own directory)",
                ),
                fs::TryLockError::Error(error) => error,
            },
        })?;
        let id_path = dir.join("id");
        let id = match fs::read_to_string(&id_path) {
            Ok(id) if !id.trim().is_empty() => id.trim().to_owned(),
            _ => {
                let id = format!("journal-{:016x}", rand::random::<u64>());
                fs::write(&id_path, &id).map_err(at(&id_path))?;
                id
            }
        };
        let mut segments = segments(dir)?;
        if segments.is_empty() {
            segments.push(0);
        }
        let segment_start = *segments.last().unwrap_or(&0);
        let path = segment_path(dir, segment_start);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(at(&path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(at(&path))?;
        let (_, whole) = parse_refs(segment_start, &bytes);
        if whole < bytes.len() {
            tracing::warn!(
                segment = %path.display(),
                dropped_bytes = bytes.len() - whole,
                "ingest journal: a record cut short by a crash was dropped (it was never acknowledged)"
            );
            file.set_len(whole as u64).map_err(at(&path))?;
        }
        file.seek(SeekFrom::Start(whole as u64))
            .map_err(at(&path))?;
        Ok(Self {
            dir: dir.to_owned(),
            file,
            segment_start,
            end: segment_start + whole as u64,
            sync,
            segments,
            segment_bytes: SEGMENT_BYTES,
            id,
            _lock: lock,
            broken: false,
        })
    }

    /// Starts a new segment past `bytes` instead of [`SEGMENT_BYTES`] (tests).
    #[cfg(test)]
    fn with_segment_bytes(mut self, bytes: u64) -> Self {
        self.segment_bytes = bytes;
        self
    }

    /// The position after the last record.
    #[must_use]
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The journal's id, the same across restarts (see the module's documentation).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Appends one record per `(session, body)`, in one write, and returns each one's
    /// position. When it fails, nothing of it stays in the journal.
    ///
    /// # Errors
    /// [`JournalError`]: the write (or the sync) failed, or an earlier one could not be cut off
    /// (the journal takes no more appends until it is opened again); the caller answers 503.
    pub fn append<'a>(
        &mut self,
        records: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Vec<u64>, JournalError> {
        if self.broken {
            return Err(JournalError {
                path: segment_path(&self.dir, self.segment_start),
                source: io::Error::other("an earlier failed append could not be cut off"),
            });
        }
        // the records' headers (length, CRC, session) in one buffer, each body written from
        // where it is: no copy of the bodies before the kernel's
        let mut heads = Vec::with_capacity(64);
        let mut parts = Vec::with_capacity(2);
        let mut positions = Vec::with_capacity(1);
        let mut total = 0u64;
        for (session, body) in records {
            let name = session.as_bytes();
            let name_len = u8::try_from(name.len()).map_err(|_| JournalError {
                path: self.dir.clone(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "session name too long"),
            })?;
            let len = u32::try_from(1 + name.len() + body.len()).map_err(|_| JournalError {
                path: self.dir.clone(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "body too large"),
            })?;
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(&[name_len]);
            hasher.update(name);
            hasher.update(body);
            let head = heads.len();
            heads.extend_from_slice(&len.to_le_bytes());
            heads.extend_from_slice(&hasher.finalize().to_le_bytes());
            heads.push(name_len);
            heads.extend_from_slice(name);
            parts.push((head..heads.len(), body));
            total += (HEADER + len as usize) as u64;
            positions.push(self.end + total);
        }
        let mut slices = Vec::with_capacity(parts.len() * 2);
        for (head, body) in parts {
            slices.push(io::IoSlice::new(&heads[head]));
            slices.push(io::IoSlice::new(body));
        }
        let written = write_all_vectored(&mut self.file, &mut slices).and_then(|()| {
            if self.sync {
                self.file.sync_data()
            } else {
                Ok(())
            }
        });
        if let Err(error) = written {
            // what was written of it was never acknowledged: cut it off, so that the next
            // records follow the last whole one
            let kept = self.end - self.segment_start;
            let rollback = self
                .file
                .set_len(kept)
                .and_then(|()| self.file.seek(SeekFrom::Start(kept)).map(drop));
            let path = segment_path(&self.dir, self.segment_start);
            if let Err(cut) = rollback {
                tracing::error!(segment = %path.display(), error = %cut, "ingest journal: a failed append could not be cut off; no more appends until a restart");
                self.broken = true;
            }
            return Err(at(&path)(error));
        }
        self.end += total;
        if self.end - self.segment_start >= self.segment_bytes {
            // these records are written: a segment that cannot start now is tried again at
            // the next append, and this one grows meanwhile
            if let Err(error) = self.rotate() {
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    "ingest journal: the next segment cannot start; the current one grows"
                );
            }
        }
        Ok(positions)
    }

    /// Starts the next segment at the current end.
    fn rotate(&mut self) -> Result<(), JournalError> {
        let path = segment_path(&self.dir, self.end);
        self.file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .append(true)
            .open(&path)
            .map_err(at(&path))?;
        self.segment_start = self.end;
        self.segments.push(self.end);
        Ok(())
    }

    /// Deletes the segments whose records all end at or before `indexed` (the indexer's
    /// committed position); the one appended to stays.
    pub fn forget_before(&mut self, indexed: u64) {
        while self.segments.len() > 1 && self.segments[1] <= indexed {
            let path = segment_path(&self.dir, self.segments[0]);
            if let Err(error) = fs::remove_file(&path) {
                if error.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(segment = %path.display(), %error, "ingest journal: an indexed segment could not be deleted");
                    return;
                }
            }
            self.segments.remove(0);
        }
    }
}

/// Hands `visit` each record that ends after `from` and at or before `to`, in order, reading
/// only their bytes (one read per segment, no copy per record): what the indexer takes from
/// the journal behind the handlers. `from` is where a record starts (the end of the one before
/// it, or the journal's end when it opened).
///
/// # Errors
/// [`JournalError`]: a segment cannot be read, or a record in the range is damaged or missing
/// (those bytes were appended whole: the journal was changed under the process). The records
/// before the failure were visited.
pub fn visit_range(
    dir: &Path,
    from: u64,
    to: u64,
    mut visit: impl FnMut(RecordRef<'_>),
) -> Result<(), JournalError> {
    let starts = segments(dir)?;
    let mut reached = from;
    for (i, &start) in starts.iter().enumerate() {
        let next = starts.get(i + 1).copied().unwrap_or(u64::MAX);
        if next <= from || start >= to {
            continue;
        }
        let (low, high) = (from.max(start), to.min(next));
        let path = segment_path(dir, start);
        let invalid = |what: &str| JournalError {
            path: path.clone(),
            source: io::Error::new(io::ErrorKind::InvalidData, what.to_owned()),
        };
        let len = usize::try_from(high - low).map_err(|_| invalid("range too large"))?;
        let mut bytes = vec![0; len];
        File::open(&path)
            .and_then(|mut file| {
                file.seek(SeekFrom::Start(low - start))?;
                file.read_exact(&mut bytes)
            })
            .map_err(at(&path))?;
        let (found, whole) = parse_refs(low, &bytes);
        if whole < bytes.len() {
            return Err(invalid(
                "a damaged record where the journal was appended whole",
            ));
        }
        found.into_iter().for_each(&mut visit);
        reached = high;
    }
    if reached < to {
        return Err(JournalError {
            path: dir.to_owned(),
            source: io::Error::new(io::ErrorKind::NotFound, "records missing from the journal"),
        });
    }
    Ok(())
}

/// Writes all of `slices` (a short write goes on where it stopped).
fn write_all_vectored(file: &mut File, mut slices: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match file.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut slices, n),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The records of the journal in `dir` that end after `from` and at or before `to`, in order:
/// what the indexer had not committed when the last run ended.
///
/// # Errors
/// [`JournalError`]: a segment cannot be read.
pub fn read_between(dir: &Path, from: u64, to: u64) -> Result<Vec<Record>, JournalError> {
    let starts = segments(dir)?;
    let mut records = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let next = starts.get(i + 1).copied().unwrap_or(u64::MAX);
        if next <= from || start >= to {
            continue;
        }
        let bytes = read_segment(dir, start)?;
        let (found, whole) = parse_refs(start, &bytes);
        if whole < bytes.len() && next != u64::MAX {
            tracing::error!(
                segment = %segment_path(dir, start).display(),
                offset = whole,
                "ingest journal: a damaged record; the rest of this segment cannot be read"
            );
        }
        records.extend(
            found
                .into_iter()
                .filter(|r| r.position > from && r.position <= to)
                .map(Record::from),
        );
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records [`visit_range`] hands over, owned.
    fn read_range(dir: &Path, from: u64, to: u64) -> Result<Vec<Record>, JournalError> {
        let mut records = Vec::new();
        visit_range(dir, from, to, |r| records.push(Record::from(r)))?;
        Ok(records)
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wpp-journal-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn records_come_back_in_order_after_a_reopen_from_any_position() {
        let dir = temp("reopen");
        let mut journal = Journal::open(&dir, false).unwrap();
        let first = journal
            .append([("main", &b"{\"a\":1}"[..]), ("loja", &b"{\"b\":2}"[..])])
            .unwrap();
        let second = journal.append([("main", &b"{\"c\":3}"[..])]).unwrap();
        assert_eq!(journal.end(), second[0]);
        let id = journal.id().to_owned();
        drop(journal);
        let journal = Journal::open(&dir, true).unwrap();
        assert_eq!(journal.id(), id, "the id is kept");
        assert_eq!(journal.end(), second[0], "the end survives a reopen");
        let all = read_between(&dir, 0, journal.end()).unwrap();
        let bodies: Vec<_> = all
            .iter()
            .map(|r| (r.session.as_str(), &r.body[..]))
            .collect();
        assert_eq!(
            bodies,
            [
                ("main", &b"{\"a\":1}"[..]),
                ("loja", &b"{\"b\":2}"[..]),
                ("main", &b"{\"c\":3}"[..])
            ]
        );
        assert_eq!(all[0].position, first[0]);
        let rest = read_between(&dir, first[0], journal.end()).unwrap();
        assert_eq!(rest.len(), 2, "from a position: only what ends after it");
        assert!(read_between(&dir, journal.end(), journal.end())
            .unwrap()
            .is_empty());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_record_cut_short_is_dropped_and_the_next_append_follows_the_last_whole_one() {
        let dir = temp("torn");
        let mut journal = Journal::open(&dir, false).unwrap();
        let kept = journal.append([("main", &b"kept"[..])]).unwrap()[0];
        journal.append([("main", &b"torn record"[..])]).unwrap();
        drop(journal);
        let path = segment_path(&dir, 0);
        let len = fs::metadata(&path).unwrap().len();
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len - 3)
            .unwrap();
        let mut journal = Journal::open(&dir, false).unwrap();
        assert_eq!(journal.end(), kept, "the torn record is gone");
        journal.append([("main", &b"after"[..])]).unwrap();
        let bodies: Vec<_> = read_between(&dir, 0, journal.end())
            .unwrap()
            .into_iter()
            .map(|r| r.body)
            .collect();
        assert_eq!(bodies, [b"kept".to_vec(), b"after".to_vec()]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_byte_ends_the_reading_at_the_last_good_record() {
        let dir = temp("crc");
        let mut journal = Journal::open(&dir, false).unwrap();
        journal.append([("main", &b"good"[..])]).unwrap();
        journal.append([("main", &b"flipped"[..])]).unwrap();
        let end = journal.end();
        drop(journal);
        let path = segment_path(&dir, 0);
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        let records = read_between(&dir, 0, end).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].body, b"good");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_range_is_read_back_across_segments_and_a_damaged_one_is_an_error() {
        let dir = temp("range");
        let mut journal = Journal::open(&dir, false).unwrap().with_segment_bytes(4096);
        let mut ends = vec![journal.end()];
        for i in 0..6u8 {
            let body = vec![b'a' + i; 1500];
            ends.push(journal.append([("main", &body[..])]).unwrap()[0]);
        }
        assert!(
            segments(&dir).unwrap().len() >= 3,
            "the range spans segments"
        );
        let records = read_range(&dir, ends[1], ends[5]).unwrap();
        let bodies: Vec<u8> = records.iter().map(|r| r.body[0]).collect();
        assert_eq!(bodies, b"bcde");
        assert!(records
            .iter()
            .all(|r| r.session == "main" && r.body.len() == 1500));
        assert_eq!(records.last().unwrap().position, ends[5]);
        assert!(read_range(&dir, ends[2], ends[2]).unwrap().is_empty());

        // a range past what was written: an error, not fewer records
        let error = read_range(&dir, ends[0], ends[6] + 10).unwrap_err();
        assert_eq!(error.source.kind(), io::ErrorKind::UnexpectedEof, "{error}");
        assert!(error.is_damage());

        // one byte of a body in the range changed: an error too
        let starts = segments(&dir).unwrap();
        let last = *starts.iter().rev().find(|&&start| start < ends[6]).unwrap();
        let path = segment_path(&dir, last);
        let mut bytes = fs::read(&path).unwrap();
        let end = usize::try_from(ends[6] - last).unwrap() - 1;
        bytes[end] ^= 1;
        fs::write(&path, bytes).unwrap();
        let error = read_range(&dir, ends[5], ends[6]).unwrap_err();
        assert!(error.source.to_string().contains("damaged"), "{error:?}");
        assert!(error.is_damage());
        // a failure that may pass is not damage: it is tried again
        let busy = JournalError {
            path: dir.clone(),
            source: io::Error::from_raw_os_error(24), // EMFILE, out of file handles
        };
        assert!(!busy.is_damage());
        drop(journal);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_process_is_kept_out_and_indexed_segments_are_deleted() {
        let dir = temp("lock");
        let mut journal = Journal::open(&dir, false).unwrap().with_segment_bytes(4096);
        let error = Journal::open(&dir, false).unwrap_err();
        // what failed, then why (STYLE rule 14: not both in one message)
        assert!(
            error.to_string().contains(&dir.display().to_string()),
            "{error}"
        );
        let why = std::error::Error::source(&error).map(ToString::to_string);
        assert!(
            why.is_some_and(|why| why.contains("another process")),
            "{error:?}"
        );
        let body = vec![b'x'; 3000];
        let mut last = 0;
        while segments(&dir).unwrap().len() < 3 {
            last = journal.append([("main", &body[..])]).unwrap()[0];
        }
        let before = segments(&dir).unwrap();
        journal.forget_before(before[1] - 1);
        assert_eq!(
            segments(&dir).unwrap(),
            before,
            "a record not indexed keeps its segment"
        );
        journal.forget_before(last);
        assert_eq!(
            segments(&dir).unwrap(),
            [before[2]],
            "only the current segment is left"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
