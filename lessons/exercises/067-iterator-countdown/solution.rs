struct Countdown {
    next: Option<u32>,
}

impl Countdown {
    fn from(n: u32) -> Countdown {
        Countdown { next: Some(n) }
    }
}

impl Iterator for Countdown {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let current = self.next?;
        self.next = current.checked_sub(1);
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_to_zero() {
        assert_eq!(Countdown::from(3).collect::<Vec<_>>(), [3, 2, 1, 0]);
        assert_eq!(Countdown::from(0).count(), 1);
        assert_eq!(Countdown::from(10).filter(|n| n % 2 == 0).sum::<u32>(), 30);
    }

    #[test]
    fn stays_finished() {
        let mut c = Countdown::from(0);
        assert_eq!(c.next(), Some(0));
        assert_eq!(c.next(), None);
        assert_eq!(c.next(), None);
    }
}
