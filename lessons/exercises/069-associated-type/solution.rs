trait Parse {
    type Output;
    fn parse(text: &str) -> Option<Self::Output>;
}

struct Flag;
struct Celsius;

impl Parse for Flag {
    type Output = bool;
    fn parse(text: &str) -> Option<bool> {
        match text {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }
}

impl Parse for Celsius {
    type Output = f64;
    fn parse(text: &str) -> Option<f64> {
        text.strip_suffix('C')?.parse().ok()
    }
}

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
