//! Cutting a byte stream into complete lines, holding the partial last one, and skipping
//! (while counting) lines longer than the limit.
//!
//! Bytes are passed through untouched: invalid UTF-8 and NUL bytes are the parser's business.
//! Complete lines are handed out in batches that share one buffer, so the common case costs one
//! allocation per read, not one per line.

use memchr::{memchr, memchr_iter, memrchr};

/// What the splitter produces, in stream order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// One or more complete lines, each ending in `\n`.
    Lines(Vec<u8>),
    /// A line longer than the limit was skipped; its length without the newline.
    Oversize(u64),
}

#[derive(Debug)]
pub(crate) struct LineSplitter {
    max_line_bytes: usize,
    /// The start of a line whose newline has not arrived yet.
    pending: Vec<u8>,
    /// Inside an oversize line: how many of its bytes have gone by.
    skipping: Option<u64>,
}

impl LineSplitter {
    pub(crate) fn new(max_line_bytes: usize) -> LineSplitter {
        LineSplitter {
            max_line_bytes: max_line_bytes.max(1),
            pending: Vec::new(),
            skipping: None,
        }
    }

    /// Starts in the middle of a line that is to be skipped (tailing from the end of a file
    /// whose last line is incomplete and already too long to hand out whole).
    pub(crate) fn skip_current_line(&mut self, bytes_so_far: u64) {
        self.pending.clear();
        self.skipping = Some(bytes_so_far);
    }

    #[cfg(test)]
    pub(crate) fn has_partial(&self) -> bool {
        !self.pending.is_empty() || self.skipping.is_some()
    }

    /// A buffer to read the next bytes into: it already holds the pending partial line, so the
    /// common case never copies a line twice. Give it back through [`Self::accept`].
    pub(crate) fn take_buffer(&mut self, room: usize) -> Vec<u8> {
        let pending = std::mem::take(&mut self.pending);
        if pending.capacity() >= pending.len() + room {
            return pending;
        }
        let mut buf = super::pool::take(pending.len() + room);
        buf.extend_from_slice(&pending);
        buf
    }

    /// Takes a buffer from [`Self::take_buffer`] with new bytes appended and emits what is now
    /// complete.
    pub(crate) fn accept(&mut self, mut buf: Vec<u8>, out: &mut impl FnMut(Piece)) {
        if let Some(skipped) = self.skipping {
            match memchr(b'\n', &buf) {
                None => {
                    self.skipping = Some(skipped + buf.len() as u64);
                    return;
                }
                Some(nl) => {
                    self.skipping = None;
                    out(Piece::Oversize(skipped + nl as u64));
                    buf.drain(..=nl);
                }
            }
        }
        let Some(last_nl) = memrchr(b'\n', &buf) else {
            self.hold(buf);
            return;
        };
        let rest = buf[last_nl + 1..].to_vec();
        buf.truncate(last_nl + 1);
        if buf.len() > self.max_line_bytes + 1 {
            self.emit_checked(buf, out);
        } else if !buf.is_empty() {
            out(Piece::Lines(buf));
        }
        self.hold(rest);
    }

    /// The stream ends for good (file rotated away and retired, truncated, stdin closed): a
    /// partial line is handed out with a newline added, an oversize one is reported.
    pub(crate) fn finish(&mut self, out: &mut impl FnMut(Piece)) {
        if let Some(skipped) = self.skipping.take() {
            out(Piece::Oversize(skipped));
        }
        if !self.pending.is_empty() {
            let mut line = std::mem::take(&mut self.pending);
            line.push(b'\n');
            out(Piece::Lines(line));
        }
    }

    fn hold(&mut self, rest: Vec<u8>) {
        if rest.len() > self.max_line_bytes {
            self.skipping = Some(rest.len() as u64);
            self.pending = Vec::new();
        } else {
            self.pending = rest;
        }
    }

    /// The slow path, only for batches long enough to hide an oversize line: walk every line
    /// and cut the long ones out.
    fn emit_checked(&self, buf: Vec<u8>, out: &mut impl FnMut(Piece)) {
        let mut start = 0;
        let mut kept_from = 0;
        for nl in memchr_iter(b'\n', &buf) {
            let len = nl - start;
            if len > self.max_line_bytes {
                if kept_from < start {
                    out(Piece::Lines(buf[kept_from..start].to_vec()));
                }
                out(Piece::Oversize(len as u64));
                kept_from = nl + 1;
            }
            start = nl + 1;
        }
        if kept_from == 0 {
            out(Piece::Lines(buf));
        } else if kept_from < buf.len() {
            out(Piece::Lines(buf[kept_from..].to_vec()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(max: usize, chunks: &[&[u8]], finish: bool) -> Vec<Piece> {
        let mut splitter = LineSplitter::new(max);
        let mut pieces = Vec::new();
        for chunk in chunks {
            let mut buf = splitter.take_buffer(chunk.len());
            buf.extend_from_slice(chunk);
            splitter.accept(buf, &mut |p| pieces.push(p));
        }
        if finish {
            splitter.finish(&mut |p| pieces.push(p));
        }
        pieces
    }

    fn lines(bytes: &[u8]) -> Piece {
        Piece::Lines(bytes.to_vec())
    }

    #[test]
    fn splitting_table() {
        use Piece::Oversize;
        type Case<'a> = (&'a str, usize, Vec<&'a [u8]>, bool, Vec<Piece>);
        let cases: Vec<Case> = vec![
            (
                "whole lines",
                100,
                vec![b"a\nb\n"],
                false,
                vec![lines(b"a\nb\n")],
            ),
            (
                "partial held",
                100,
                vec![b"a\nb"],
                false,
                vec![lines(b"a\n")],
            ),
            (
                "partial completed",
                100,
                vec![b"a\nb", b"c\n"],
                false,
                vec![lines(b"a\n"), lines(b"bc\n")],
            ),
            (
                "partial flushed",
                100,
                vec![b"a\nb"],
                true,
                vec![lines(b"a\n"), lines(b"b\n")],
            ),
            (
                "empty lines kept",
                100,
                vec![b"\n\n"],
                false,
                vec![lines(b"\n\n")],
            ),
            (
                "bytes untouched",
                100,
                vec![b"\xff\x00\xfe\n"],
                false,
                vec![lines(b"\xff\x00\xfe\n")],
            ),
            (
                "exactly max",
                3,
                vec![b"abc\n"],
                false,
                vec![lines(b"abc\n")],
            ),
            (
                "over max inside a batch",
                3,
                vec![b"ab\nabcd\ncd\n"],
                false,
                vec![lines(b"ab\n"), Oversize(4), lines(b"cd\n")],
            ),
            (
                "over max across reads",
                3,
                vec![b"ab\nab", b"cdef", b"gh\nok\n"],
                false,
                vec![lines(b"ab\n"), Oversize(8), lines(b"ok\n")],
            ),
            (
                "oversize at end of stream",
                3,
                vec![b"abcdefg"],
                true,
                vec![Oversize(7)],
            ),
            (
                "oversize first then many",
                2,
                vec![b"xxxxx\na\nb\n"],
                false,
                vec![Oversize(5), lines(b"a\nb\n")],
            ),
        ];
        for (name, max, chunks, finish, want) in cases {
            assert_eq!(run(max, &chunks, finish), want, "{name}");
        }
    }

    #[test]
    fn skip_current_line_counts_what_was_already_there() {
        let mut splitter = LineSplitter::new(4);
        splitter.skip_current_line(10);
        assert!(splitter.has_partial());
        let mut pieces = Vec::new();
        let mut buf = splitter.take_buffer(8);
        buf.extend_from_slice(b"xx\nok\n");
        splitter.accept(buf, &mut |p| pieces.push(p));
        assert_eq!(pieces, vec![Piece::Oversize(12), lines(b"ok\n")]);
        assert!(!splitter.has_partial());
    }

    proptest! {
        /// However the stream is cut into reads, the same lines come out, in order, and every
        /// byte is accounted for (kept lines + oversize lengths + newlines).
        #[test]
        fn chunking_never_changes_the_lines(
            data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), any::<u8>()], 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..8),
            max in 1usize..12,
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|&c| c <= data.len()).collect();
            cuts.sort_unstable();
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut at = 0;
            for cut in cuts {
                chunks.push(&data[at..cut]);
                at = cut;
            }
            chunks.push(&data[at..]);
            let got = run(max, &chunks, true);
            let whole = run(max, &[&data], true);

            let flatten = |pieces: &[Piece]| {
                let mut kept = Vec::new();
                let mut over = Vec::new();
                for piece in pieces {
                    match piece {
                        Piece::Lines(b) => kept.extend_from_slice(b),
                        Piece::Oversize(n) => over.push(*n),
                    }
                }
                (kept, over)
            };
            let (kept, over) = flatten(&got);
            prop_assert_eq!(flatten(&whole), (kept.clone(), over.clone()));

            let mut expect_kept = Vec::new();
            let mut expect_over = Vec::new();
            let mut rest: &[u8] = &data;
            while !rest.is_empty() {
                let (line, tail) = match memchr(b'\n', rest) {
                    Some(nl) => (&rest[..nl], &rest[nl + 1..]),
                    None => (rest, &rest[rest.len()..]),
                };
                if line.len() > max {
                    expect_over.push(line.len() as u64);
                } else {
                    expect_kept.extend_from_slice(line);
                    expect_kept.push(b'\n');
                }
                rest = tail;
            }
            prop_assert_eq!(kept, expect_kept);
            prop_assert_eq!(over, expect_over);
        }
    }
}
