//! Read buffers handed back by the consumer once its lines are parsed, for the next read.
//!
//! A chunk buffer is a few hundred KiB: allocated fresh for every read, each one costs the
//! allocator a new mapping and the kernel a page fault per 4 KiB. During a backfill that is a
//! few percent of the whole ingest; a handful of recycled buffers removes it. The pool is shared
//! by every tailer in the process and bounded, so it holds at most a few MiB.

use std::sync::Mutex;

/// Buffers kept for reuse; more are dropped.
const KEEP: usize = 8;
/// Buffers with more capacity than this are not kept (a one-off giant line).
const MAX_KEPT_CAPACITY: usize = 2 * super::reader::READ_CHUNK;
/// Room beyond what is asked for in a new buffer, for a partial line carried over.
const HEADROOM: usize = 16 * 1024;

/// A bounded stack of spare buffers.
struct Pool(Mutex<Vec<Vec<u8>>>);

impl Pool {
    const fn new() -> Pool {
        Pool(Mutex::new(Vec::new()))
    }

    fn put(&self, mut buf: Vec<u8>) {
        if buf.capacity() < super::reader::READ_CHUNK / 2 || buf.capacity() > MAX_KEPT_CAPACITY {
            return;
        }
        buf.clear();
        if let Ok(mut pool) = self.0.lock() {
            if pool.len() < KEEP {
                pool.push(buf);
            }
        }
    }

    fn take(&self, room: usize) -> Vec<u8> {
        let reused = self.0.lock().ok().and_then(|mut pool| pool.pop());
        match reused {
            Some(buf) if buf.capacity() >= room => buf,
            // A new buffer gets headroom: the next read asks for a full chunk plus whatever
            // partial line it carries over, and must fit without growing.
            _ => Vec::with_capacity(room + HEADROOM),
        }
    }
}

static POOL: Pool = Pool::new();

/// Gives a buffer back once its lines have been consumed.
pub fn recycle(buf: Vec<u8>) {
    POOL.put(buf);
}

/// An empty buffer with room for at least `room` bytes: a recycled one when there is one.
pub(crate) fn take(room: usize) -> Vec<u8> {
    POOL.take(room)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::tail::reader::READ_CHUNK;

    #[test]
    fn a_recycled_buffer_comes_back_empty_with_its_room() {
        let pool = Pool::new();
        let mut big = Vec::with_capacity(READ_CHUNK);
        big.extend_from_slice(b"old line\n");
        let ptr = big.as_ptr();
        pool.put(big);
        let again = pool.take(16);
        assert!(again.is_empty());
        assert_eq!(
            again.as_ptr(),
            ptr,
            "the recycled buffer was not handed out again"
        );
        assert!(again.capacity() >= READ_CHUNK);
        // An empty pool allocates, with headroom for a carried-over partial line.
        assert!(pool.take(100).capacity() >= 100 + HEADROOM);
        // A kept buffer too small for what is asked is not handed out.
        pool.put(Vec::with_capacity(READ_CHUNK));
        assert!(pool.take(READ_CHUNK + 10).capacity() >= READ_CHUNK + 10);
    }

    #[test]
    fn the_pool_is_bounded_and_skips_odd_sizes() {
        let pool = Pool::new();
        pool.put(Vec::with_capacity(10));
        pool.put(Vec::with_capacity(MAX_KEPT_CAPACITY + 1));
        assert!(pool.0.lock().unwrap().is_empty());
        for _ in 0..KEEP + 3 {
            pool.put(Vec::with_capacity(READ_CHUNK));
        }
        assert_eq!(pool.0.lock().unwrap().len(), KEEP);
    }
}
