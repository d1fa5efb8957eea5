use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> std::io::Result<usize> {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    let _ = lines.next_line();
    write.flush().await?;
    todo!("answer the commands")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, duplex};

    async fn talk(input: &[u8]) -> (usize, String) {
        let (client, server) = duplex(64);
        let server = tokio::spawn(serve(server));
        let (mut rd, mut wr) = tokio::io::split(client);
        // Write from another task: the pipe is small, so the server's replies
        // must be read while we are still sending.
        let input = input.to_vec();
        let writer = tokio::spawn(async move {
            // After QUIT the server stops reading; a failed write is expected then.
            let _ = wr.write_all(&input).await;
            let _ = wr.shutdown().await;
        });
        let mut out = String::new();
        rd.read_to_string(&mut out).await.unwrap();
        writer.await.unwrap();
        (server.await.unwrap().unwrap(), out)
    }

    #[tokio::test]
    async fn answers_each_command() {
        let (n, out) = talk(b"PING\nECHO hello world\nNOPE\n\nPING\r\n").await;
        assert_eq!(n, 5);
        assert_eq!(out, "PONG\nhello world\nERR unknown command\nERR unknown command\nPONG\n");
    }

    #[tokio::test]
    async fn quit_stops_reading() {
        let (n, out) = talk(b"ECHO a\nQUIT\nPING\n").await;
        assert_eq!(n, 2);
        assert_eq!(out, "a\nBYE\n");
    }

    #[tokio::test]
    async fn long_input_and_missing_final_newline() {
        let mut input = "ECHO x\n".repeat(500);
        input.push_str("PING");
        let (n, out) = talk(input.as_bytes()).await;
        assert_eq!(n, 501);
        assert!(out.ends_with("x\nPONG\n"));
        assert_eq!(talk(b"").await, (0, String::new()));
    }
}
