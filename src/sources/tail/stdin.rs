//! Following stdin (`--log -`, e.g. `kubectl logs -f … | gatewatch --log -`) or any byte
//! stream: read as it comes, cut into lines, handed out until the end of input.
//!
//! A stream has no "existing content", so it is always read from its start. A trickle of small
//! writes (one line per write from a pipe) would make one event per line; after a small read the
//! thread pauses [`COALESCE`] so the next read takes a batch. Large reads never pause, so bulk
//! input (`cat big.log |`) runs at full speed.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use super::lines::{LineSplitter, Piece};
use super::outbox::{Outbox, Stopped};
use super::reader::READ_CHUNK;
use super::{TailEvent, TailSpec, STDIN_PATTERN};

pub(crate) const COALESCE: Duration = Duration::from_millis(10);
const SMALL_READ: usize = 16 * 1024;

pub(crate) fn follow_stdin(spec: &TailSpec, outbox: &Outbox<TailEvent>) {
    follow_stream(Arc::from(STDIN_PATTERN), io::stdin().lock(), spec, outbox);
}

pub(crate) fn follow_stream(
    name: Arc<str>,
    input: impl Read,
    spec: &TailSpec,
    outbox: &Outbox<TailEvent>,
) {
    // The only way out is the end of input or a stop; both are fine.
    let _ = pump(&name, input, spec, outbox);
}

fn pump(
    name: &Arc<str>,
    mut input: impl Read,
    spec: &TailSpec,
    outbox: &Outbox<TailEvent>,
) -> Result<(), Stopped> {
    if !spec.from_start {
        outbox.send(TailEvent::BackfillDone)?;
    }
    let mut splitter = LineSplitter::new(spec.max_line_bytes);
    let mut pieces = Vec::new();
    loop {
        if outbox.stopping() {
            return Err(Stopped);
        }
        let mut buf = splitter.take_buffer(READ_CHUNK);
        let held = buf.len();
        buf.resize(held + READ_CHUNK, 0);
        let got = match input.read(&mut buf[held..]) {
            Ok(got) => got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                buf.truncate(held);
                splitter.accept(buf, &mut |p| pieces.push(p));
                continue;
            }
            Err(e) => {
                buf.truncate(held);
                splitter.accept(buf, &mut |p| pieces.push(p));
                send_pieces(name, &mut pieces, outbox)?;
                outbox.send(TailEvent::Problem {
                    file: Arc::clone(name),
                    reason: format!("read failed: {e}"),
                })?;
                return end(name, spec, splitter, outbox);
            }
        };
        buf.truncate(held + got);
        splitter.accept(buf, &mut |p| pieces.push(p));
        send_pieces(name, &mut pieces, outbox)?;
        if got == 0 {
            return end(name, spec, splitter, outbox);
        }
        if got < SMALL_READ {
            std::thread::sleep(COALESCE);
        }
    }
}

fn end(
    name: &Arc<str>,
    spec: &TailSpec,
    mut splitter: LineSplitter,
    outbox: &Outbox<TailEvent>,
) -> Result<(), Stopped> {
    let mut pieces = Vec::new();
    splitter.finish(&mut |p| pieces.push(p));
    send_pieces(name, &mut pieces, outbox)?;
    if spec.from_start {
        outbox.send(TailEvent::BackfillDone)?;
    }
    outbox.send(TailEvent::Ended {
        file: Arc::clone(name),
    })
}

pub(crate) fn send_pieces(
    name: &Arc<str>,
    pieces: &mut Vec<Piece>,
    outbox: &Outbox<TailEvent>,
) -> Result<(), Stopped> {
    for piece in pieces.drain(..) {
        let event = match piece {
            Piece::Lines(data) => TailEvent::Lines {
                file: Arc::clone(name),
                data,
            },
            Piece::Oversize(bytes) => TailEvent::Oversize {
                file: Arc::clone(name),
                bytes,
            },
        };
        outbox.send(event)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    /// A stream that yields its chunks one read at a time, then fails or ends.
    struct Chunks(Vec<io::Result<Vec<u8>>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let chunk = self.0.remove(0)?;
            buf[..chunk.len()].copy_from_slice(&chunk);
            Ok(chunk.len())
        }
    }

    fn events(input: Chunks, from_start: bool) -> Vec<TailEvent> {
        let (tx, rx) = mpsc::sync_channel(64);
        let outbox = Outbox::new(tx, Arc::new(AtomicBool::new(false)));
        let mut spec = TailSpec::new("-");
        spec.from_start = from_start;
        spec.max_line_bytes = 8;
        follow_stream(Arc::from("-"), input, &spec, &outbox);
        drop(outbox);
        rx.iter().collect()
    }

    fn lines(data: &[u8]) -> TailEvent {
        TailEvent::Lines {
            file: Arc::from("-"),
            data: data.to_vec(),
        }
    }

    #[test]
    fn stream_lines_partial_flush_and_end() {
        let got = events(
            Chunks(vec![
                Ok(b"a\nb".to_vec()),
                Err(io::Error::from(io::ErrorKind::Interrupted)),
                Ok(b"c\nverylongline\nd".to_vec()),
            ]),
            true,
        );
        let file: Arc<str> = Arc::from("-");
        assert_eq!(
            got,
            vec![
                lines(b"a\n"),
                lines(b"bc\n"),
                TailEvent::Oversize {
                    file: Arc::clone(&file),
                    bytes: 12
                },
                lines(b"d\n"),
                TailEvent::BackfillDone,
                TailEvent::Ended { file },
            ]
        );
    }

    #[test]
    fn read_error_is_reported_and_ends_the_stream() {
        let got = events(
            Chunks(vec![Ok(b"x\n".to_vec()), Err(io::Error::other("boom"))]),
            false,
        );
        assert_eq!(got.first(), Some(&TailEvent::BackfillDone));
        assert_eq!(got.get(1), Some(&lines(b"x\n")));
        assert!(matches!(
            got.get(2),
            Some(TailEvent::Problem { reason, .. }) if reason.contains("boom")
        ));
        assert!(matches!(got.last(), Some(TailEvent::Ended { .. })));
    }
}
