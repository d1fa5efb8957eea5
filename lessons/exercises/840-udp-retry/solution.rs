use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn frame(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + payload.len());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

pub fn parse(datagram: &[u8]) -> Option<(u32, &[u8])> {
    let (id, payload) = datagram.split_first_chunk::<4>()?;
    Some((u32::from_be_bytes(*id), payload))
}

pub fn request(
    sock: &UdpSocket,
    server: SocketAddr,
    id: u32,
    payload: &[u8],
    attempts: u32,
    wait: Duration,
) -> io::Result<Vec<u8>> {
    let datagram = frame(id, payload);
    let mut buf = [0u8; 1500];
    for _ in 0..attempts {
        sock.send_to(&datagram, server)?;
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            sock.set_read_timeout(Some(left))?;
            match sock.recv_from(&mut buf) {
                Ok((n, from)) => {
                    if from != server {
                        continue;
                    }
                    if let Some((got, reply)) = parse(&buf[..n])
                        && got == id
                    {
                        return Ok(reply.to_vec());
                    }
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
                Err(e) => return Err(e),
            }
        }
    }
    Err(io::Error::new(io::ErrorKind::TimedOut, format!("no reply after {attempts} attempts")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    const WAIT: Duration = Duration::from_millis(50);

    /// Answers `id` + uppercased payload, but ignores the first `drop_first` datagrams.
    fn server(drop_first: usize) -> (SocketAddr, thread::JoinHandle<usize>) {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        let addr = sock.local_addr().unwrap();
        let handle = thread::spawn(move || {
            let mut seen = 0;
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = sock.recv_from(&mut buf) {
                seen += 1;
                if seen <= drop_first {
                    continue;
                }
                let (id, payload) = parse(&buf[..n]).unwrap();
                let reply = frame(id, &payload.to_ascii_uppercase());
                sock.send_to(&reply, from).unwrap();
            }
            seen
        });
        (addr, handle)
    }

    fn client() -> UdpSocket {
        let c = UdpSocket::bind("127.0.0.1:0").unwrap();
        // A safety net so that a request without its own timeout fails instead of hanging.
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        c
    }

    #[test]
    fn framing() {
        assert_eq!(frame(0x0102_0304, b"hi"), vec![1, 2, 3, 4, b'h', b'i']);
        assert_eq!(parse(&[0, 0, 0, 7, b'x']), Some((7, &b"x"[..])));
        assert_eq!(parse(&[0, 0, 0, 7]), Some((7, &b""[..])));
        assert_eq!(parse(&[1, 2, 3]), None);
    }

    #[test]
    fn answered_on_the_first_try() {
        let (addr, _srv) = server(0);
        let c = client();
        assert_eq!(request(&c, addr, 1, b"ping", 10, WAIT).unwrap(), b"PING");
        assert_eq!(request(&c, addr, 2, b"again", 10, WAIT).unwrap(), b"AGAIN");
    }

    #[test]
    fn retries_after_lost_datagrams() {
        let (addr, _srv) = server(2);
        let c = client();
        assert_eq!(request(&c, addr, 9, b"third time lucky", 10, WAIT).unwrap(), b"THIRD TIME LUCKY");
    }

    #[test]
    fn gives_up_with_timed_out() {
        let (addr, _srv) = server(usize::MAX);
        let c = client();
        let err = request(&c, addr, 5, b"anyone?", 2, WAIT).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn ignores_strangers_and_wrong_ids() {
        let (addr, _srv) = server(1);
        let c = client();
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        // Junk from a stranger and a reply with the wrong id arrive first.
        stranger.send_to(&frame(42, b"FORGED"), c.local_addr().unwrap()).unwrap();
        let srv_like = UdpSocket::bind("127.0.0.1:0").unwrap();
        srv_like.send_to(&[1, 2], c.local_addr().unwrap()).unwrap();
        assert_eq!(request(&c, addr, 42, b"real", 10, WAIT).unwrap(), b"REAL");
    }
}
