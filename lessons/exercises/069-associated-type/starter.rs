trait Parse {
    // TODO: an associated type Output.
    fn parse(text: &str) -> Option<Self::Output>;
}

struct Flag;
struct Celsius;

fn parse_all<P: Parse>(items: &[&str]) -> Vec<Option<P::Output>> {
    items.iter().map(|t| P::parse(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(parse_all::<Flag>(&["yes", "no", "maybe"]), [Some(true), Some(false), None]);
    }

    #[test]
    fn temperatures() {
        assert_eq!(parse_all::<Celsius>(&["21.5C", "-4C", "30F"]), [Some(21.5), Some(-4.0), None]);
    }
}
