//! The one place the I/O side reads the wall clock; pure code gets time as an argument.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::time::Timestamp;

pub fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp::from_millis(ms)
}
