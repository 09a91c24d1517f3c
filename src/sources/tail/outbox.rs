//! Handing events to the consumer with backpressure that still honours a stop request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

/// Sends with backpressure without ever blocking past a stop request: a full channel is
/// retried with short sleeps, so a slow consumer slows the reader down and loses nothing.
#[derive(Debug)]
pub(crate) struct Outbox<T> {
    out: SyncSender<T>,
    stop: Arc<AtomicBool>,
}

/// The tail must end: its handle was dropped or the consumer went away.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stopped;

impl<T> Outbox<T> {
    pub(crate) fn new(out: SyncSender<T>, stop: Arc<AtomicBool>) -> Outbox<T> {
        Outbox { out, stop }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    pub(crate) fn send(&self, item: T) -> Result<(), Stopped> {
        let mut item = item;
        let mut backoff = Duration::from_micros(200);
        loop {
            match self.out.try_send(item) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(_)) => return Err(Stopped),
                Err(TrySendError::Full(back)) => {
                    if self.stopping() {
                        return Err(Stopped);
                    }
                    item = back;
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_millis(5));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn outbox_waits_for_room_and_gives_up_on_stop() {
        let (tx, rx) = mpsc::sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let outbox = Outbox::new(tx, Arc::clone(&stop));
        assert_eq!(outbox.send(1), Ok(()));
        let consumer = std::thread::spawn(move || {
            let first = rx.recv();
            let second = rx.recv();
            (first, second)
        });
        assert_eq!(
            outbox.send(2),
            Ok(()),
            "blocks until the consumer takes one"
        );
        let (first, second) = consumer
            .join()
            .unwrap_or((Err(mpsc::RecvError), Err(mpsc::RecvError)));
        assert_eq!((first, second), (Ok(1), Ok(2)));
        assert_eq!(outbox.send(3), Err(Stopped), "consumer gone");

        let (tx, _rx) = mpsc::sync_channel(1);
        let outbox = Outbox::new(tx, Arc::clone(&stop));
        assert_eq!(outbox.send(1), Ok(()));
        stop.store(true, Ordering::Release);
        assert_eq!(outbox.send(2), Err(Stopped), "full and stopping");
    }
}
