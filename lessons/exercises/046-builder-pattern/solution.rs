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
        RequestBuilder {
            url: url.to_string(),
            method: None,
            headers: Vec::new(),
            timeout_secs: None,
        }
    }

    fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    fn header(mut self, key: &str, value: &str) -> Self {
        self.headers.push((key.to_string(), value.to_string()));
        self
    }

    fn timeout_secs(mut self, secs: u32) -> Self {
        self.timeout_secs = Some(secs);
        self
    }

    fn build(self) -> Request {
        Request {
            url: self.url,
            method: self.method.unwrap_or_else(|| "GET".to_string()),
            headers: self.headers,
            timeout_secs: self.timeout_secs.unwrap_or(30),
        }
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
