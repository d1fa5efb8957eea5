//! The app's end of `crate::remote`: a Unix socket in the data folder that
//! turns each command from the shell into an [`Action::Remote`].
//!
//! [`bind`] runs once the app holds the store (so no other app owns this
//! data folder): a socket file left by a crashed app is found by a failed
//! connect and replaced; a file that is not a socket is never touched. The
//! socket is made mode 0600. [`serve`] accepts connections on the app's
//! tokio runtime; each one is read (one line, bounded, with a deadline),
//! checked (the peer's uid from `SO_PEERCRED` must be the app's), handed to
//! `App::update` with a oneshot for the answer, and answered in one line.
//! Nothing a peer sends can stop the app: every failure is a reply.

use crate::action::{Action, RemoteCall, Sender};
use crate::remote::{self, MAX_REQUEST, Reply};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

/// How long a peer has to send its request, and the app to answer it.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(8);

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error(
        "{0} exists and is not a socket; it was left alone, so shell commands cannot reach the app (move it away)"
    )]
    NotASocket(PathBuf),
    #[error("another program listens on {0}; shell commands cannot reach this app")]
    InUse(PathBuf),
    #[error("cannot listen on {path}: {message}; shell commands cannot reach the app")]
    Io { path: PathBuf, message: String },
}

/// The bound socket; dropping it does not remove the file, [`Bound::remove`]
/// does (on a clean exit).
pub struct Bound {
    pub path: PathBuf,
    listener: UnixListener,
}

/// Listen on `DATA/megarepo.sock`. Must be called inside the tokio runtime.
pub fn bind(data_dir: &Path) -> Result<Bound, BindError> {
    let path = remote::socket_path(data_dir);
    let io = |e: std::io::Error| BindError::Io {
        path: path.clone(),
        message: e.to_string(),
    };
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_socket() => {
            match std::os::unix::net::UnixStream::connect(&path) {
                // We hold the store, so no megarepo app listens here.
                Ok(_) => return Err(BindError::InUse(path)),
                Err(_) => {
                    tracing::info!("replacing the stale socket {}", path.display());
                    std::fs::remove_file(&path).map_err(io)?;
                }
            }
        }
        Ok(_) => return Err(BindError::NotASocket(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let std_listener = std::os::unix::net::UnixListener::bind(&path).map_err(io)?;
    // bind creates the file with the umask's mode; SO_PEERCRED below is the
    // real check, the mode keeps other users from even connecting.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    std_listener.set_nonblocking(true).map_err(io)?;
    let listener = UnixListener::from_std(std_listener).map_err(io)?;
    Ok(Bound { path, listener })
}

impl Bound {
    /// Accept connections until the app ends; only peers with `uid` are
    /// served.
    pub fn serve(self, tx: Sender, uid: u32) -> (PathBuf, tokio::task::JoinHandle<()>) {
        let path = self.path.clone();
        let task = tokio::spawn(serve(self.listener, tx, uid));
        (path, task)
    }
}

/// Remove the socket file on a clean exit, if it is still a socket.
pub fn remove(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
        let _ = std::fs::remove_file(path);
    }
}

async fn serve(listener: UnixListener, tx: Sender, uid: u32) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(stream, tx, uid).await {
                        tracing::debug!("shell command connection: {e}");
                    }
                });
            }
            Err(e) => {
                // Out of file descriptors and the like: wait, do not spin.
                tracing::warn!("socket accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

async fn connection(mut stream: UnixStream, tx: Sender, uid: u32) -> std::io::Result<()> {
    let reply = match stream.peer_cred() {
        Ok(cred) if cred.uid() == uid => answer(&mut stream, &tx).await,
        Ok(cred) => {
            tracing::warn!("refused a shell command from uid {}", cred.uid());
            Reply::error(format!(
                "refused: this app belongs to uid {uid}, the request came from uid {}",
                cred.uid()
            ))
        }
        Err(e) => Reply::error(format!("refused: cannot tell who is asking ({e})")),
    };
    stream.write_all(reply.to_line().as_bytes()).await?;
    stream.shutdown().await?;
    // Closing a Unix socket with unread bytes makes the peer's read fail
    // with ECONNRESET (Linux), so a refused caller could lose the reply
    // that says why: read what it sent, unparsed, until it hangs up.
    let mut unread = (&mut stream).take(MAX_REQUEST as u64 + 1);
    let mut sink = tokio::io::sink();
    let drain = tokio::io::copy(&mut unread, &mut sink);
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    Ok(())
}

/// Read one request and get the app's answer; every failure is a reply.
async fn answer(stream: &mut UnixStream, tx: &Sender) -> Reply {
    let mut reader = BufReader::new((&mut *stream).take(MAX_REQUEST as u64 + 1));
    let mut line = Vec::new();
    match tokio::time::timeout(READ_TIMEOUT, reader.read_until(b'\n', &mut line)).await {
        Err(_) => {
            return Reply::error(format!(
                "no request within {}s: send one JSON line",
                READ_TIMEOUT.as_secs()
            ));
        }
        Ok(Err(e)) => return Reply::error(format!("cannot read the request: {e}")),
        Ok(Ok(_)) => {}
    }
    let req = match remote::parse_request(&line) {
        Ok(r) => r,
        Err(why) => return Reply::error(why),
    };
    let (reply_tx, reply_rx) = tokio::sync::oneshot::channel();
    tx.send(Action::Remote(RemoteCall {
        args: req.args,
        reply: reply_tx,
    }));
    match tokio::time::timeout(ANSWER_TIMEOUT, reply_rx).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(_)) => Reply::error("the app is closing; try again once it has"),
        Err(_) => Reply::error(format!(
            "the app did not answer within {}s",
            ANSWER_TIMEOUT.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Write};

    fn ask(path: &Path, bytes: &[u8]) -> String {
        let mut s = std::os::unix::net::UnixStream::connect(path).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Strict on purpose: the listener reads (and drops) a refused
        // peer's request before closing, so the write cannot break and the
        // answer cannot be lost to a reset, as the real client needs.
        s.write_all(bytes).unwrap();
        let mut line = String::new();
        std::io::BufReader::new(s).read_line(&mut line).unwrap();
        line
    }

    /// The listener with an app that answers every command with its args.
    fn echo_app(rt: &tokio::runtime::Runtime, dir: &Path, uid: u32) -> PathBuf {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let bound = rt.block_on(async { bind(dir) }).unwrap();
        let path = bound.path.clone();
        rt.spawn(async move {
            let _ = bound.serve(Sender::new(tx), uid);
            while let Some(a) = rx.recv().await {
                if let Action::Remote(call) = a {
                    let _ = call.reply.send(Reply::ok(call.args.join(" ")));
                }
            }
        });
        path
    }

    #[test]
    fn garbage_gets_one_line_and_the_listener_goes_on() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = echo_app(&rt, dir.path(), remote::my_uid());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let bad = ask(&path, b"GET / HTTP/1.1\r\n\r\n");
        let r: Reply = serde_json::from_str(&bad).unwrap();
        assert!(!r.ok);
        assert!(r.error.unwrap().contains("not JSON"));
        // Too long: cut off at the limit, answered, not read to the end.
        let mut long = vec![b'x'; MAX_REQUEST + 10];
        long.push(b'\n');
        let r: Reply = serde_json::from_str(&ask(&path, &long)).unwrap();
        assert!(r.error.unwrap().contains("longer than"));
        let good = ask(&path, b"{\"v\":1,\"args\":[\"status\",\"x\"]}\n");
        let r: Reply = serde_json::from_str(&good).unwrap();
        assert_eq!(r, Reply::ok("status x".into()));
    }

    #[test]
    fn another_users_connection_is_refused() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        // The app "belongs" to another uid: our own connection is the
        // stranger here, and is refused before its request is read.
        let path = echo_app(&rt, dir.path(), remote::my_uid().wrapping_add(1));
        let r: Reply =
            serde_json::from_str(&ask(&path, b"{\"v\":1,\"args\":[\"status\"]}\n")).unwrap();
        assert!(!r.ok);
        assert!(r.error.unwrap().contains("refused"), "");
    }

    #[test]
    fn a_stale_socket_is_replaced_and_other_files_are_not() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = remote::socket_path(dir.path());
        // A crashed app's socket: bound, then nobody listens; open to all.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let p = echo_app(&rt, dir.path(), remote::my_uid());
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(ask(&p, b"{\"v\":1,\"args\":[\"a\"]}\n").contains("\"ok\":true"));
        // A live listener is not taken over.
        assert!(matches!(
            rt.block_on(async { bind(dir.path()) }),
            Err(BindError::InUse(_))
        ));
        // A plain file of that name is left alone.
        let other = tempfile::tempdir().unwrap();
        std::fs::write(remote::socket_path(other.path()), "mine").unwrap();
        assert!(matches!(
            rt.block_on(async { bind(other.path()) }),
            Err(BindError::NotASocket(_))
        ));
        assert_eq!(
            std::fs::read_to_string(remote::socket_path(other.path())).unwrap(),
            "mine"
        );
    }
}
