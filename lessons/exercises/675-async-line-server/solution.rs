use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

fn reply(line: &str) -> (String, bool) {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
    match cmd {
        "PING" if rest.is_empty() => ("PONG".into(), false),
        "ECHO" => (rest.to_string(), false),
        "QUIT" => ("BYE".into(), true),
        _ => ("ERR unknown command".into(), false),
    }
}

pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> std::io::Result<usize> {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    let mut answered = 0;
    while let Some(line) = lines.next_line().await? {
        let (text, quit) = reply(&line);
        write.write_all(text.as_bytes()).await?;
        write.write_all(b"\n").await?;
        answered += 1;
        if quit {
            break;
        }
    }
    write.flush().await?;
    Ok(answered)
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
