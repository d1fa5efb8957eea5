fn status_text(code: u16) -> &'static str {
    todo!("{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        assert_eq!(status_text(200), "OK");
        assert_eq!(status_text(404), "Not Found");
        assert_eq!(status_text(500), "Internal Server Error");
        assert_eq!(status_text(299), "Unknown");
    }

    #[test]
    fn the_phrase_outlives_everything() {
        let phrase: &'static str = {
            let code = String::from("201").parse::<u16>().unwrap();
            status_text(code)
        };
        assert_eq!(phrase, "Created");
    }
}
