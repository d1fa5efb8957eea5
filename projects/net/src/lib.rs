//! Phase 3: a tokio server and client speaking RESP2, the Redis protocol.
//!
//! Bytes flow bottom up: [`frame`] parses and encodes RESP values with
//! limits, [`request`] finds commands in a connection's buffer.

pub mod frame;
pub mod request;

pub use frame::{Frame, FrameError, Limits};
pub use request::{Parsed, RequestError, RequestParser};
