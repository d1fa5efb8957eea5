// TODO: define the tuple structs Meters and Feet (Debug, Clone, Copy, PartialEq).

fn to_feet(m: Meters) -> Feet {
    todo!()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts() {
        let f = to_feet(Meters(100.0));
        assert!((f.0 - 328.084).abs() < 1e-9);
        assert_eq!(to_feet(Meters(0.0)), Feet(0.0));
    }
}
