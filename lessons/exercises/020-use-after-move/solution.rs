fn register(name: &str) -> usize {
    name.len()
}

fn welcome(name: String) -> String {
    let letters = register(&name);
    format!("{name} ({letters} letters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_name() {
        assert_eq!(welcome("Ferris".to_string()), "Ferris (6 letters)");
        assert_eq!(welcome(String::new()), " (0 letters)");
    }
}
