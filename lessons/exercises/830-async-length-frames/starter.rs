use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, payload: &[u8], max_len: usize) -> io::Result<()> {
    w.write_all(&(payload.len() as u32).to_be_bytes()).await?;
    let _ = max_len;
    todo!("write the payload")
}

pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R, max_len: usize) -> io::Result<Option<Vec<u8>>> {
    let len = r.read_u32().await? as usize;
    let _ = (len, max_len);
    todo!("read the payload")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    /// Sends `bytes` in pieces of `chunk` bytes, then closes the stream.
    async fn reader_for(bytes: Vec<u8>, chunk: usize) -> tokio::io::DuplexStream {
        let (mut tx, rx) = duplex(16);
        tokio::spawn(async move {
            for piece in bytes.chunks(chunk.max(1)) {
                tx.write_all(piece).await.unwrap();
                tokio::task::yield_now().await;
            }
        });
        rx
    }

    async fn encoded(frames: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for f in frames {
            write_frame(&mut out, f, 1024).await.unwrap();
        }
        out
    }

    #[tokio::test]
    async fn frames_round_trip_in_any_chunking() {
        let bytes = encoded(&[b"hello", b"", &[7u8; 100]]).await;
        assert_eq!(&bytes[..9], &[0, 0, 0, 5, b'h', b'e', b'l', b'l', b'o']);
        for chunk in [1, 3, 4, 7, 1000] {
            let mut r = reader_for(bytes.clone(), chunk).await;
            assert_eq!(read_frame(&mut r, 1024).await.unwrap(), Some(b"hello".to_vec()));
            assert_eq!(read_frame(&mut r, 1024).await.unwrap(), Some(vec![]));
            assert_eq!(read_frame(&mut r, 1024).await.unwrap(), Some(vec![7u8; 100]));
            assert_eq!(read_frame(&mut r, 1024).await.unwrap(), None, "clean end, chunk {chunk}");
        }
    }

    #[tokio::test]
    async fn truncation_is_an_error() {
        let bytes = encoded(&[b"abcdef"]).await;
        for cut in 1..bytes.len() {
            let mut r = reader_for(bytes[..cut].to_vec(), 2).await;
            let err = read_frame(&mut r, 1024).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
        }
    }

    #[tokio::test]
    async fn length_limits() {
        let mut sink = Vec::new();
        let err = write_frame(&mut sink, &[0; 11], 10).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(sink.is_empty());
        let mut r = reader_for(vec![0xFF, 0xFF, 0xFF, 0xFF], 4).await;
        let err = read_frame(&mut r, 1 << 20).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
