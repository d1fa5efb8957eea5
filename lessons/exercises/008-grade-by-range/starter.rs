fn grade(score: u8) -> Option<char> {
    todo!("grade {score}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(grade(100), Some('A'));
        assert_eq!(grade(90), Some('A'));
        assert_eq!(grade(89), Some('B'));
        assert_eq!(grade(70), Some('C'));
        assert_eq!(grade(60), Some('D'));
        assert_eq!(grade(59), Some('F'));
        assert_eq!(grade(0), Some('F'));
    }

    #[test]
    fn out_of_range() {
        assert_eq!(grade(101), None);
        assert_eq!(grade(255), None);
    }
}
