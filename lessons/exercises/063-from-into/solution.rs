#[derive(Debug, PartialEq, Clone, Copy)]
struct Rgb {
    r: u8,
    g: u8,
    b: u8,
}

impl From<(u8, u8, u8)> for Rgb {
    fn from((r, g, b): (u8, u8, u8)) -> Rgb {
        Rgb { r, g, b }
    }
}

impl From<Rgb> for String {
    fn from(c: Rgb) -> String {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways() {
        let c: Rgb = (255, 128, 0).into();
        assert_eq!(c, Rgb { r: 255, g: 128, b: 0 });
        let s: String = c.into();
        assert_eq!(s, "#ff8000");
        assert_eq!(String::from(Rgb::from((0, 0, 10))), "#00000a");
    }
}
