fn next_port(port: Option<u16>) -> Option<u16> {
    port.map(|p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_up() {
        assert_eq!(next_port(Some(8080)), Some(8081));
        assert_eq!(next_port(None), None);
    }
}
