//! One open log file: where reading stands, and reading what was appended since.
//!
//! The reader works on its open descriptor, never on the path, so a file renamed or deleted
//! under it is still read to its end. It notices in-place truncation (copytruncate, `: > log`)
//! both when the file shrinks below the read position and when the first bytes changed (the file
//! was truncated and refilled past the old position between two looks).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::sync::Arc;

use super::identity::{FileId, Fingerprint};
use super::lines::{LineSplitter, Piece};

/// Bytes asked of the kernel per read call; also the largest batch of lines handed out at once.
pub(crate) const READ_CHUNK: usize = 256 * 1024;

/// Extra room in a read beyond the size last seen.
const GROWTH_SLACK: u64 = 8 * 1024;

/// Where to start reading a newly opened file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    Beginning,
    /// After the last complete line: a line being written right now is handed out whole once
    /// its newline arrives.
    End,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ReadOutcome {
    pub bytes: u64,
    /// The file was truncated (or truncated and refilled) since the last read; reading
    /// restarted at 0.
    pub truncated: bool,
    /// Stopped at the budget with more to read.
    pub more: bool,
}

#[derive(Debug)]
pub(crate) struct FileReader {
    pub name: Arc<str>,
    pub id: FileId,
    file: File,
    fingerprint: Fingerprint,
    offset: u64,
    splitter: LineSplitter,
    /// Modification time at the last look: a change without growth means a rewrite in place.
    seen_mtime: (i64, i64),
}

impl FileReader {
    pub(crate) fn open(
        path: &Path,
        name: Arc<str>,
        start: Start,
        max_line_bytes: usize,
    ) -> io::Result<FileReader> {
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        let size = meta.size();
        let fingerprint = Fingerprint::read(&file)?;
        let mut splitter = LineSplitter::new(max_line_bytes);
        let offset = match start {
            Start::Beginning => 0,
            Start::End => {
                let (line_start, partial_too_long) = last_line_start(&file, size, max_line_bytes)?;
                if partial_too_long {
                    splitter.skip_current_line(size - line_start);
                    size
                } else {
                    line_start
                }
            }
        };
        file.seek(SeekFrom::Start(offset))?;
        Ok(FileReader {
            name,
            id: FileId::of(&meta),
            file,
            fingerprint,
            offset,
            splitter,
            seen_mtime: (meta.mtime(), meta.mtime_nsec()),
        })
    }

    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The file's size now.
    pub(crate) fn size(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.size())
    }

    /// Continues a file read before (met again after being let go) where reading stopped. A
    /// file now shorter than that was truncated meanwhile and is read from its start.
    pub(crate) fn resume_at(&mut self, offset: u64) -> io::Result<()> {
        if offset <= self.size()? {
            self.offset = offset;
            self.file.seek(SeekFrom::Start(offset))?;
        }
        Ok(())
    }

    /// Hard links left: 0 once the file was deleted (it can still be read to its end).
    pub(crate) fn links(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.nlink())
    }

    /// Reads what was appended, up to about `budget` bytes, and hands out complete lines.
    pub(crate) fn read_available(
        &mut self,
        budget: u64,
        out: &mut impl FnMut(Piece),
    ) -> io::Result<ReadOutcome> {
        let meta = self.file.metadata()?;
        let mut size = meta.size();
        let mtime = (meta.mtime(), meta.mtime_nsec());
        let mut outcome = ReadOutcome::default();
        // Truncated and refilled to exactly the old length leaves only the time to tell.
        let touched = size == self.offset && mtime != self.seen_mtime;
        self.seen_mtime = mtime;
        if size < self.offset || ((size > self.offset || touched) && self.rewritten()?) {
            self.restart(out)?;
            outcome.truncated = true;
        }
        if size == self.offset && !outcome.truncated {
            return Ok(outcome);
        }
        loop {
            // Sized by what the file says is there (plus a little, for what is being appended
            // right now), so a pass over a few new lines does not allocate a whole chunk.
            let expected = size.saturating_sub(self.offset) + GROWTH_SLACK;
            let left_in_budget = budget - outcome.bytes.min(budget);
            let room = READ_CHUNK.min(left_in_budget.min(expected) as usize);
            if room == 0 {
                outcome.more = true;
                return Ok(outcome);
            }
            let mut buf = self.splitter.take_buffer(room);
            let held = buf.len();
            let got = match read_appending(&mut self.file, &mut buf, room) {
                Ok(got) => got,
                Err(e) => {
                    self.splitter.accept(buf, out);
                    return Err(e);
                }
            };
            if !self.fingerprint.is_complete() {
                self.fingerprint.extend(self.offset, &buf[held..]);
            }
            self.offset += got as u64;
            outcome.bytes += got as u64;
            self.splitter.accept(buf, out);
            // A short read of a regular file means its end, for now.
            if got < room {
                return Ok(outcome);
            }
            if self.offset >= size {
                // Growing while being read: size the next reads by the new length.
                size = self.file.metadata()?.size();
            }
        }
    }

    /// The file will not be read again: hand out (or report) a trailing partial line.
    pub(crate) fn finish(&mut self, out: &mut impl FnMut(Piece)) {
        self.splitter.finish(out);
    }

    #[cfg(test)]
    pub(crate) fn has_partial(&self) -> bool {
        self.splitter.has_partial()
    }

    /// Whether the first bytes differ from what was read there: truncated and written again.
    fn rewritten(&self) -> io::Result<bool> {
        if self.offset == 0 {
            return Ok(false);
        }
        let now = Fingerprint::read(&self.file)?;
        Ok(!self.fingerprint.agrees_with(&now))
    }

    fn restart(&mut self, out: &mut impl FnMut(Piece)) -> io::Result<()> {
        // The tail of a line cut by truncation is gone; what was held is all there will be.
        self.splitter.finish(out);
        self.offset = 0;
        self.file.seek(SeekFrom::Start(0))?;
        self.fingerprint = Fingerprint::read(&self.file)?;
        Ok(())
    }
}

/// Appends up to `room` bytes to `buf`, reading into its spare capacity (nothing is zeroed
/// first: that cost a few percent of a backfill). Bytes read before an error are kept and
/// counted; the error comes back on the next read. For regular files only (the only kind
/// followed): it reads until `room` bytes or the end, which on a pipe could wait for ever.
fn read_appending(file: &mut File, buf: &mut Vec<u8>, room: usize) -> io::Result<usize> {
    let before = buf.len();
    let result = Read::by_ref(file).take(room as u64).read_to_end(buf);
    match (result, buf.len() - before) {
        (Err(e), 0) => Err(e),
        (_, got) => Ok(got),
    }
}

/// Where the last line of the file starts, scanning back at most `max_line_bytes`; and whether
/// the incomplete last line is already longer than that.
fn last_line_start(file: &File, size: u64, max_line_bytes: usize) -> io::Result<(u64, bool)> {
    const STEP: u64 = 64 * 1024;
    let limit = size.saturating_sub(max_line_bytes as u64 + 1);
    let mut end = size;
    let mut buf = vec![0u8; STEP as usize];
    while end > limit {
        let from = end.saturating_sub(STEP).max(limit);
        let chunk = &mut buf[..(end - from) as usize];
        file.read_exact_at(chunk, from)?;
        if let Some(nl) = memchr::memrchr(b'\n', chunk) {
            return Ok((from + nl as u64 + 1, false));
        }
        end = from;
    }
    Ok((limit, limit > 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(reader: &mut FileReader) -> io::Result<(Vec<u8>, ReadOutcome)> {
        let mut got = Vec::new();
        let outcome = reader.read_available(u64::MAX, &mut |p| {
            if let Piece::Lines(b) = p {
                got.extend_from_slice(&b)
            }
        })?;
        Ok((got, outcome))
    }

    #[test]
    fn start_end_backs_up_to_the_last_line_start() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.log");
        let cases: &[(&[u8], u64)] = &[
            (b"", 0),
            (b"one\ntwo\n", 8),
            (b"one\ntw", 4),
            (b"partial", 0),
        ];
        for &(content, want) in cases {
            std::fs::write(&path, content)?;
            let reader = FileReader::open(&path, Arc::from("a"), Start::End, 100)?;
            assert_eq!(reader.offset(), want, "{content:?}");
        }
        Ok(())
    }

    #[test]
    fn start_end_skips_an_overlong_partial_line() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.log");
        std::fs::write(&path, b"ok\nxxxxxxxxxx")?;
        let mut reader = FileReader::open(&path, Arc::from("a"), Start::End, 4)?;
        assert!(reader.has_partial());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)?
            .write_all(b"yy\nnext\n")?;
        let mut pieces = Vec::new();
        reader.read_available(u64::MAX, &mut |p| pieces.push(p))?;
        assert_eq!(
            pieces,
            vec![Piece::Oversize(7), Piece::Lines(b"next\n".to_vec())]
        );
        Ok(())
    }

    #[test]
    fn truncation_and_refill_are_noticed() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.log");
        std::fs::write(&path, b"first 1\nfirst 2\n")?;
        let mut reader = FileReader::open(&path, Arc::from("a"), Start::Beginning, 100)?;
        assert_eq!(collect(&mut reader)?.0, b"first 1\nfirst 2\n");
        // Truncated and refilled past the old offset before the next look.
        std::fs::write(&path, b"second 1\nsecond 2\nsecond 3\n")?;
        let (got, outcome) = collect(&mut reader)?;
        assert!(outcome.truncated);
        assert_eq!(got, b"second 1\nsecond 2\nsecond 3\n");
        // Truncated and refilled to exactly the same length.
        std::fs::write(&path, b"fourth 1\nfourth 2\nfourth 3\n")?;
        // Coarse filesystem clocks may give both writes the same time; make it differ.
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options()
            .write(true)
            .open(&path)?
            .set_modified(when)?;
        let (got, outcome) = collect(&mut reader)?;
        assert!(outcome.truncated);
        assert_eq!(got, b"fourth 1\nfourth 2\nfourth 3\n");
        // Truncated to less than the offset.
        std::fs::write(&path, b"3rd\n")?;
        let (got, outcome) = collect(&mut reader)?;
        assert!(outcome.truncated);
        assert_eq!(got, b"3rd\n");
        Ok(())
    }

    #[test]
    fn budget_stops_early_and_says_so() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.log");
        let line = b"0123456789abcdef\n";
        let content: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(line.len() * 50_000)
            .collect();
        std::fs::write(&path, &content)?;
        let mut reader = FileReader::open(&path, Arc::from("a"), Start::Beginning, 100)?;
        let mut total = 0u64;
        let outcome = reader.read_available(READ_CHUNK as u64, &mut |p| {
            if let Piece::Lines(b) = p {
                total += b.len() as u64
            }
        })?;
        assert!(outcome.more);
        assert_eq!(outcome.bytes, READ_CHUNK as u64);
        let (rest, outcome) = collect(&mut reader)?;
        assert!(!outcome.more);
        assert_eq!(total + rest.len() as u64, content.len() as u64);
        Ok(())
    }
}
