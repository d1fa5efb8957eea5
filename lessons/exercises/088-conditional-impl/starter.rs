use std::fmt::Display;

struct Pair<T> {
    a: T,
    b: T,
}

impl<T> Pair<T> {
    fn new(a: T, b: T) -> Self {
        Pair { a, b }
    }
}

// TODO: an impl block for T: PartialOrd + Display with describe_larger.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparable_pairs() {
        assert_eq!(Pair::new(3, 9).describe_larger(), "larger: 9");
        assert_eq!(Pair::new("pear", "apple").describe_larger(), "larger: pear");
    }

    #[test]
    fn any_pair_can_be_built() {
        struct Opaque;
        let p = Pair::new(Opaque, Opaque);
        let Pair { a: Opaque, b: Opaque } = p;
    }
}
