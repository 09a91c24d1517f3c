//! Which file is which: device + inode, confirmed by a fingerprint of the first bytes.
//!
//! Device and inode alone are not enough: once a deleted file's last descriptor is closed, the
//! filesystem may hand the same inode number to the next file created (ext4 does so readily).
//! The first bytes of a log (timestamps, addresses) differ between two files, so a file whose
//! beginning no longer agrees with what was read before is a different file.

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};

/// How many leading bytes make up a fingerprint.
pub(crate) const FINGERPRINT_BYTES: usize = 256;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FileId {
    pub dev: u64,
    pub ino: u64,
}

impl FileId {
    pub(crate) fn of(meta: &Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

/// The first bytes of a file, as far as they existed when last looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fingerprint(Vec<u8>);

impl Fingerprint {
    pub(crate) fn read(file: &File) -> io::Result<Fingerprint> {
        let mut buf = vec![0u8; FINGERPRINT_BYTES];
        let mut filled = 0;
        while filled < buf.len() {
            match file.read_at(&mut buf[filled..], filled as u64) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(filled);
        Ok(Fingerprint(buf))
    }

    #[cfg(test)]
    pub(crate) fn from_bytes(bytes: &[u8]) -> Fingerprint {
        Fingerprint(bytes[..bytes.len().min(FINGERPRINT_BYTES)].to_vec())
    }

    pub(crate) fn is_complete(&self) -> bool {
        self.0.len() >= FINGERPRINT_BYTES
    }

    /// Grows the fingerprint with bytes just read at `offset`, while it is still short.
    pub(crate) fn extend(&mut self, offset: u64, data: &[u8]) {
        let have = self.0.len() as u64;
        if self.is_complete() || offset > have {
            return;
        }
        let skip = (have - offset) as usize;
        if skip >= data.len() {
            return;
        }
        let room = FINGERPRINT_BYTES - self.0.len();
        let take = (data.len() - skip).min(room);
        self.0.extend_from_slice(&data[skip..skip + take]);
    }

    /// Two looks at one append-only file agree: the shorter is a prefix of the longer.
    pub(crate) fn agrees_with(&self, other: &Fingerprint) -> bool {
        let n = self.0.len().min(other.0.len());
        self.0[..n] == other.0[..n]
    }
}

/// Files read before and let go, so that a glob meeting one again under a new name (a
/// logrotate `.1` → `.2` shuffle) resumes where reading stopped instead of starting over.
#[derive(Debug)]
pub(crate) struct RetiredFiles {
    entries: HashMap<FileId, Retired>,
    next_seq: u64,
    capacity: usize,
}

#[derive(Debug)]
struct Retired {
    fingerprint: Fingerprint,
    offset: u64,
    seq: u64,
}

impl RetiredFiles {
    pub(crate) fn new(capacity: usize) -> RetiredFiles {
        RetiredFiles {
            entries: HashMap::new(),
            next_seq: 0,
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn remember(&mut self, id: FileId, fingerprint: Fingerprint, offset: u64) {
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&id) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, r)| r.seq)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.insert(
            id,
            Retired {
                fingerprint,
                offset,
                seq,
            },
        );
    }

    /// Where to resume reading a file met again, if it is the same file as before; `None`
    /// for a new file (an unknown inode, or a reused one whose first bytes differ).
    pub(crate) fn recall(&mut self, id: FileId, now: &Fingerprint) -> Option<u64> {
        let known = self.entries.remove(&id)?;
        known.fingerprint.agrees_with(now).then_some(known.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: FileId = FileId { dev: 1, ino: 10 };
    const B: FileId = FileId { dev: 1, ino: 11 };

    #[test]
    fn agreement_table() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"anything", true),
            (b"line 1\n", b"line 1\nline 2\n", true),
            (b"line 1\nline 2\n", b"line 1\n", true),
            (b"line 1\n", b"line 9\n", false),
            (b"\x00\xff", b"\x00\xff\x01", true),
        ];
        for &(a, b, want) in cases {
            let (a, b) = (Fingerprint::from_bytes(a), Fingerprint::from_bytes(b));
            assert_eq!(a.agrees_with(&b), want, "{a:?} vs {b:?}");
            assert_eq!(b.agrees_with(&a), want, "{b:?} vs {a:?}");
        }
    }

    #[test]
    fn extend_grows_only_at_the_edge() {
        let mut fp = Fingerprint::from_bytes(b"abc");
        fp.extend(5, b"zzz");
        assert_eq!(fp, Fingerprint::from_bytes(b"abc"), "a gap is not filled");
        fp.extend(1, b"bcdef");
        assert_eq!(fp, Fingerprint::from_bytes(b"abcdef"));
        let long = vec![b'x'; FINGERPRINT_BYTES * 2];
        fp.extend(6, &long);
        assert!(fp.is_complete());
        assert_eq!(fp.0.len(), FINGERPRINT_BYTES);
    }

    #[test]
    fn recall_resumes_same_file_and_refuses_reused_inode() {
        let mut retired = RetiredFiles::new(8);
        retired.remember(A, Fingerprint::from_bytes(b"first line\n"), 400);
        retired.remember(B, Fingerprint::from_bytes(b"other\n"), 7);
        assert_eq!(
            retired.recall(A, &Fingerprint::from_bytes(b"first line\nmore\n")),
            Some(400)
        );
        assert_eq!(retired.recall(A, &Fingerprint::from_bytes(b"first")), None);
        assert_eq!(
            retired.recall(B, &Fingerprint::from_bytes(b"a new file\n")),
            None,
            "same inode, different first bytes: a new file"
        );
    }

    #[test]
    fn capacity_evicts_the_oldest() {
        let mut retired = RetiredFiles::new(2);
        for ino in 0..5 {
            retired.remember(FileId { dev: 1, ino }, Fingerprint::default(), ino);
        }
        assert_eq!(retired.entries.len(), 2);
        let fp = Fingerprint::default();
        assert_eq!(retired.recall(FileId { dev: 1, ino: 0 }, &fp), None);
        assert_eq!(retired.recall(FileId { dev: 1, ino: 4 }, &fp), Some(4));
    }
}
