#[derive(Debug, PartialEq)]
struct Request {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    timeout_secs: u32,
}

struct RequestBuilder {
    url: String,
    method: Option<String>,
    headers: Vec<(String, String)>,
    timeout_secs: Option<u32>,
}

impl RequestBuilder {
    fn new(url: &str) -> Self {
        todo!("{url}")
    }

    fn method(self, method: &str) -> Self {
        todo!("{method}")
    }

    fn header(self, key: &str, value: &str) -> Self {
        todo!("{key} {value}")
    }

    fn timeout_secs(self, secs: u32) -> Self {
        todo!("{secs}")
    }

    fn build(self) -> Request {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let r = RequestBuilder::new("https://example.org").build();
        assert_eq!(r.method, "GET");
        assert_eq!(r.timeout_secs, 30);
        assert!(r.headers.is_empty());
    }

    #[test]
    fn chained() {
        let r = RequestBuilder::new("/api")
            .method("POST")
            .header("Accept", "application/json")
            .header("X-Trace", "1")
            .timeout_secs(5)
            .build();
        assert_eq!(
            r,
            Request {
                url: "/api".to_string(),
                method: "POST".to_string(),
                headers: vec![
                    ("Accept".to_string(), "application/json".to_string()),
                    ("X-Trace".to_string(), "1".to_string()),
                ],
                timeout_secs: 5,
            }
        );
    }
}
