use std::num::ParseIntError;

fn area(size: &str) -> Result<u32, ParseIntError> {
    let (w, h) = size.split_once('x').unwrap_or((size, ""));
    let w: u32 = w.trim().parse().unwrap();
    let h: u32 = h.trim().parse().unwrap();
    Ok(w * h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_sizes() {
        assert_eq!(area("3x4"), Ok(12));
        assert_eq!(area(" 10 x 2 "), Ok(20));
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(area("3xfour").is_err());
        assert!(area("12").is_err());
        assert!(area("").is_err());
    }
}
