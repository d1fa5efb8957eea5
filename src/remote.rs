//! Commands from the shell to the running app, over a Unix socket in the
//! data folder.
//!
//! The store admits one process. While the app is open it holds the store,
//! so `megarepo checklist done ID` (and every other command that needs the
//! store) is sent to the app instead: the app parses it with the same clap
//! types, applies it in `App::update` like a key press, and answers with
//! exactly what the command would have printed. This module is the wire
//! format and the client; the listener is `runtime::socket`.
//!
//! # Wire format (version 1)
//!
//! One connection per command; one line of JSON each way, UTF-8, ending in
//! `\n`:
//!
//! ```text
//! → {"v":1,"args":["checklist","done","rust-book"]}
//! ← {"v":1,"ok":true,"out":"rust-book: done\n"}
//! ← {"v":1,"ok":false,"error":"unknown item id 'rust-bok' (did you mean 'rust-book'?)"}
//! ```
//!
//! `args` are the command's arguments without the program name (global
//! options such as `--data-dir` may be among them; the app ignores them).
//! A request is at most [`MAX_REQUEST`] bytes and a reply at most
//! [`MAX_REPLY`]; anything else (not JSON, another version, too long, no
//! answer in time) gets a reply with `ok: false` and a one-line `error`,
//! and the app goes on.
//!
//! # Who may talk
//!
//! The socket is `DATA/megarepo.sock`, mode 0600. The app checks each
//! peer's uid with `SO_PEERCRED` and refuses any other user; the client
//! refuses a socket file owned by someone else or open to group or others.

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// Longest request line, in bytes (a journal entry piped in fits easily).
pub const MAX_REQUEST: usize = 256 * 1024;
/// Longest reply line, in bytes (`stats --json` is a few kilobytes).
pub const MAX_REPLY: usize = 8 * 1024 * 1024;
/// How long the client waits for the app's answer.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub v: u32,
    pub args: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub v: u32,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub out: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Reply {
    pub fn ok(out: String) -> Reply {
        Reply {
            v: VERSION,
            ok: true,
            out,
            error: None,
        }
    }

    /// A failure; the message is kept to its first line.
    pub fn error(msg: impl std::fmt::Display) -> Reply {
        let msg = msg.to_string();
        let line = msg.lines().next().unwrap_or("").trim().to_string();
        Reply {
            v: VERSION,
            ok: false,
            out: String::new(),
            error: Some(line),
        }
    }

    /// The reply as one line, `\n` included.
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"v":1,"ok":false,"error":"reply not encodable"}"#.into());
        s.push('\n');
        s
    }
}

/// Parse one request line; the error is the one-line answer to send back.
pub fn parse_request(line: &[u8]) -> Result<Request, String> {
    if line.len() > MAX_REQUEST {
        return Err(format!("request longer than {MAX_REQUEST} bytes"));
    }
    let text = std::str::from_utf8(line).map_err(|_| "request is not UTF-8".to_string())?;
    let text = text.trim_end_matches(['\n', '\r']);
    if text.trim().is_empty() {
        return Err("empty request".into());
    }
    // Read the version first, so a newer client hears "version", not a
    // complaint about fields it added.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!("request is not JSON ({e}); send one line {{\"v\":{VERSION},\"args\":[...]}}")
    })?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "protocol version {v} is not understood (this app speaks {VERSION})"
            ));
        }
        None => {
            return Err(format!(
                "request has no version: send {{\"v\":{VERSION},...}}"
            ));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| format!("bad request ({e}); send one line {{\"v\":{VERSION},\"args\":[...]}}"))
}

/// Where the running app listens: in the data folder, beside the store.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("megarepo.sock")
}

/// This process's effective uid.
pub fn my_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory of ours and
    // cannot fail (POSIX).
    unsafe { libc::geteuid() }
}

/// Why a command could not be handed to the app.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// No app listens (no socket, or a stale one left by a crash).
    #[error("no app answers at {0}")]
    NoApp(PathBuf),
    #[error(
        "refusing the socket {path}: {why}; only your own app's socket (mode 0600) is used (nothing was sent)"
    )]
    Unsafe { path: PathBuf, why: String },
    #[error("the running app did not answer ({0}); nothing is known to have changed")]
    Io(String),
    #[error("the running app sent a reply this megarepo cannot read ({0})")]
    BadReply(String),
}

/// A connection to the app, checked to belong to this user.
pub struct Connection {
    stream: UnixStream,
}

/// Connect to the app listening in `data_dir`, if any. The socket file must
/// be a socket, owned by this user, with no permissions for anyone else.
pub fn connect(data_dir: &Path) -> Result<Connection, RemoteError> {
    let path = socket_path(data_dir);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        // Not there, or the data folder is not usable (not a folder, no
        // permission): no app listens; opening the store says what is wrong.
        Err(_) => return Err(RemoteError::NoApp(path)),
    };
    check_socket_file(&path, &meta, my_uid())?;
    match UnixStream::connect(&path) {
        Ok(stream) => Ok(Connection { stream }),
        // A socket file nobody listens on: the app crashed; the next app
        // replaces it.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
            ) =>
        {
            Err(RemoteError::NoApp(path))
        }
        Err(e) => Err(RemoteError::Io(format!("{}: {e}", path.display()))),
    }
}

/// The socket file must be a socket owned by `uid` and closed to others.
pub fn check_socket_file(
    path: &Path,
    meta: &std::fs::Metadata,
    uid: u32,
) -> Result<(), RemoteError> {
    let unsafe_because = |why: String| RemoteError::Unsafe {
        path: path.to_path_buf(),
        why,
    };
    if !meta.file_type().is_socket() {
        return Err(unsafe_because("it is not a socket".into()));
    }
    if meta.uid() != uid {
        return Err(unsafe_because(format!(
            "it belongs to uid {}, not to you (uid {uid})",
            meta.uid()
        )));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(unsafe_because(format!(
            "its mode is {mode:04o}, open to other users"
        )));
    }
    Ok(())
}

impl Connection {
    /// Send one command and wait for the app's answer.
    pub fn call(mut self, args: &[String]) -> Result<Reply, RemoteError> {
        let io = |e: std::io::Error| RemoteError::Io(e.to_string());
        let req = Request {
            v: VERSION,
            args: args.to_vec(),
        };
        let mut line = serde_json::to_string(&req).map_err(|e| RemoteError::Io(e.to_string()))?;
        line.push('\n');
        if line.len() > MAX_REQUEST {
            return Err(RemoteError::Io(format!(
                "the command is longer than {MAX_REQUEST} bytes"
            )));
        }
        self.stream
            .set_write_timeout(Some(REPLY_TIMEOUT))
            .map_err(io)?;
        self.stream
            .set_read_timeout(Some(REPLY_TIMEOUT))
            .map_err(io)?;
        self.stream.write_all(line.as_bytes()).map_err(io)?;
        self.stream.flush().map_err(io)?;
        let mut reader = BufReader::new((&self.stream).take(MAX_REPLY as u64 + 1));
        let mut buf = Vec::new();
        reader.read_until(b'\n', &mut buf).map_err(|e| {
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) {
                RemoteError::Io(format!("no answer within {}s", REPLY_TIMEOUT.as_secs()))
            } else {
                io(e)
            }
        })?;
        if buf.is_empty() {
            return Err(RemoteError::Io("it closed the connection".into()));
        }
        if buf.len() > MAX_REPLY {
            return Err(RemoteError::BadReply(format!(
                "longer than {MAX_REPLY} bytes"
            )));
        }
        let reply: Reply =
            serde_json::from_slice(&buf).map_err(|e| RemoteError::BadReply(e.to_string()))?;
        if reply.v != VERSION {
            return Err(RemoteError::BadReply(format!(
                "protocol version {} (this megarepo speaks {VERSION})",
                reply.v
            )));
        }
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_garbage_gets_one_line() {
        let r = parse_request(br#"{"v":1,"args":["status"]}"#).unwrap();
        assert_eq!(r.args, vec!["status".to_string()]);
        for (bad, says) in [
            (&b"hello\n"[..], "not JSON"),
            (br#"{"v":2,"args":[]}"#, "version 2"),
            (br#"{"args":[]}"#, "no version"),
            (br#"{"v":1,"args":"status"}"#, "bad request"),
            (b"\xff\xfe", "not UTF-8"),
            (b"\n", "empty"),
        ] {
            let e = parse_request(bad).unwrap_err();
            assert!(e.contains(says), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
        let long = vec![b'x'; MAX_REQUEST + 1];
        assert!(parse_request(&long).unwrap_err().contains("longer than"));
    }

    #[test]
    fn an_error_reply_is_one_line() {
        let r = Reply::error("first\nsecond");
        assert_eq!(r.error.as_deref(), Some("first"));
        assert_eq!(r.to_line().matches('\n').count(), 1);
    }

    #[test]
    fn socket_files_open_to_others_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = socket_path(dir.path());
        let _l = std::os::unix::net::UnixListener::bind(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        check_socket_file(&path, &meta, my_uid()).unwrap();
        // Someone else's socket.
        let e = check_socket_file(&path, &meta, my_uid() + 1).unwrap_err();
        assert!(e.to_string().contains("belongs to uid"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let e = check_socket_file(&path, &meta, my_uid()).unwrap_err();
        assert!(e.to_string().contains("0666"), "{e}");
        // A plain file is not a socket.
        let file = dir.path().join("plain");
        std::fs::write(&file, "x").unwrap();
        let meta = std::fs::symlink_metadata(&file).unwrap();
        assert!(
            check_socket_file(&file, &meta, my_uid())
                .unwrap_err()
                .to_string()
                .contains("not a socket")
        );
    }
}
