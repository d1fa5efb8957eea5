//! An async client: send commands, read replies, show them as redis-cli
//! does. Used by `net client`, the load generator, the TUI pane and tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), net::ClientError> {
//! let mut c = net::Client::connect("127.0.0.1:6379").await?;
//! let reply = c.command(&["SET", "lang", "rust"]).await?;
//! assert_eq!(reply.to_string(), "OK");
//! # Ok(()) }
//! ```

use std::fmt;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, ToSocketAddrs};

use crate::frame::{self, Frame, FrameError, Limits};

/// A reply from the server. `Display` prints it the way redis-cli does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    /// An error reply (`ERR ...`): the command failed, the connection is fine.
    Error(String),
    Integer(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
    NilArray,
}

impl From<Frame> for Reply {
    fn from(f: Frame) -> Self {
        match f {
            Frame::Simple(s) => Reply::Status(s),
            Frame::Error(s) => Reply::Error(s),
            Frame::Integer(n) => Reply::Integer(n),
            Frame::Bulk(b) => Reply::Bulk(b),
            Frame::Null => Reply::Nil,
            Frame::Array(items) => Reply::Array(items.into_iter().map(Reply::from).collect()),
            Frame::NullArray => Reply::NilArray,
        }
    }
}

impl Reply {
    /// The bytes of a bulk or status reply.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(b) => Some(b),
            Reply::Status(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    fn write_indented(&self, f: &mut fmt::Formatter<'_>, indent: usize) -> fmt::Result {
        match self {
            Reply::Status(s) => write!(f, "{s}"),
            Reply::Error(s) => write!(f, "(error) {s}"),
            Reply::Integer(n) => write!(f, "(integer) {n}"),
            Reply::Bulk(b) => write_quoted(f, b),
            Reply::Nil | Reply::NilArray => write!(f, "(nil)"),
            Reply::Array(items) if items.is_empty() => write!(f, "(empty array)"),
            Reply::Array(items) => {
                let width = items.len().to_string().len();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, "\n{:indent$}", "")?;
                    }
                    let label = format!("{})", i + 1);
                    write!(f, "{label:>w$} ", w = width + 1)?;
                    item.write_indented(f, indent + width + 2)?;
                }
                Ok(())
            }
        }
    }
}

/// A bulk string in double quotes, escaped like redis-cli's output.
fn write_quoted(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    write!(f, "\"")?;
    for &b in bytes {
        match b {
            b'\\' => write!(f, "\\\\")?,
            b'"' => write!(f, "\\\"")?,
            b'\n' => write!(f, "\\n")?,
            b'\r' => write!(f, "\\r")?,
            b'\t' => write!(f, "\\t")?,
            0x07 => write!(f, "\\a")?,
            0x08 => write!(f, "\\b")?,
            b if b.is_ascii_graphic() || b == b' ' => write!(f, "{}", char::from(b))?,
            b => write!(f, "\\x{b:02x}")?,
        }
    }
    write!(f, "\"")
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_indented(f, 0)
    }
}

/// Why a request got no reply.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("the server sent an invalid reply: {0}")]
    Protocol(#[from] FrameError),
    #[error("the server closed the connection")]
    Closed,
}

/// One connection to a server.
pub struct Client {
    stream: TcpStream,
    buf: BytesMut,
    out: Vec<u8>,
    limits: Limits,
}

impl Client {
    pub async fn connect(addr: impl ToSocketAddrs) -> Result<Client, ClientError> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            buf: BytesMut::with_capacity(4096),
            out: Vec::new(),
            limits: Limits::default(),
        })
    }

    /// Send one command and wait for its reply. An error reply is
    /// `Ok(Reply::Error(..))`, as it leaves the connection usable.
    pub async fn command<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Result<Reply, ClientError> {
        self.send(args).await?;
        self.read_reply().await
    }

    /// Send several commands in one write, then read all their replies.
    pub async fn pipeline<A: AsRef<[u8]>>(
        &mut self,
        commands: &[Vec<A>],
    ) -> Result<Vec<Reply>, ClientError> {
        self.out.clear();
        for c in commands {
            frame::encode_command(c, &mut self.out);
        }
        self.stream.write_all(&self.out).await?;
        let mut replies = Vec::with_capacity(commands.len());
        for _ in commands {
            replies.push(self.read_reply().await?);
        }
        Ok(replies)
    }

    /// Send a command without waiting (for SUBSCRIBE, or hand-made
    /// pipelines); read its reply later with [`Client::read_reply`].
    pub async fn send<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Result<(), ClientError> {
        self.out.clear();
        frame::encode_command(args, &mut self.out);
        self.stream.write_all(&self.out).await?;
        Ok(())
    }

    /// Send raw bytes as they are (tests of malformed input use this).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes).await?;
        Ok(())
    }

    /// The next reply, or the next pub/sub message once subscribed.
    /// Cancel-safe: bytes already read stay in the buffer.
    pub async fn read_reply(&mut self) -> Result<Reply, ClientError> {
        loop {
            if let Some((frame, used)) = frame::parse(&self.buf, &self.limits)? {
                self.buf.advance(used);
                return Ok(frame.into());
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(ClientError::Closed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_redis_cli() {
        assert_eq!(Reply::Status("OK".into()).to_string(), "OK");
        assert_eq!(Reply::Integer(3).to_string(), "(integer) 3");
        assert_eq!(Reply::Nil.to_string(), "(nil)");
        assert_eq!(Reply::Error("ERR x".into()).to_string(), "(error) ERR x");
        assert_eq!(
            Reply::Bulk(b"a\"b\n\x01".to_vec()).to_string(),
            r#""a\"b\n\x01""#
        );
        assert_eq!(Reply::Array(vec![]).to_string(), "(empty array)");
        let scan = Reply::Array(vec![
            Reply::Bulk(b"0".to_vec()),
            Reply::Array(vec![Reply::Bulk(b"a".to_vec()), Reply::Bulk(b"b".to_vec())]),
        ]);
        assert_eq!(scan.to_string(), "1) \"0\"\n2) 1) \"a\"\n   2) \"b\"");
        let ten = Reply::Array((0..10).map(Reply::Integer).collect());
        assert!(ten.to_string().starts_with(" 1) (integer) 0\n 2)"));
        assert!(ten.to_string().ends_with("\n10) (integer) 9"));
    }
}
