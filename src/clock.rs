//! What time it is: the system clock, or `LEADBOX_NOW` (RFC 3339) for reproducible runs.
//! The one place that reads the clock; the command line and the inbox both ask it.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// The current time: `LEADBOX_NOW` when set, else the system clock.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var("LEADBOX_NOW") {
        Ok(raw) if !raw.trim().is_empty() => {
            crate::domain::time::parse_time(&raw).with_context(|| {
                format!("LEADBOX_NOW: cannot read the time '{raw}' (expected RFC 3339)")
            })
        }
        _ => Ok(Utc::now()),
    }
}
