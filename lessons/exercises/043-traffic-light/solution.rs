#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Light {
    Red,
    Green,
    Yellow,
}

impl Light {
    fn next(self) -> Light {
        match self {
            Light::Red => Light::Green,
            Light::Green => Light::Yellow,
            Light::Yellow => Light::Red,
        }
    }

    fn duration(self) -> u32 {
        match self {
            Light::Red => 30,
            Light::Green => 25,
            Light::Yellow => 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cycle_takes_a_minute() {
        let mut light = Light::Red;
        let mut total = 0;
        for _ in 0..3 {
            total += light.duration();
            light = light.next();
        }
        assert_eq!(light, Light::Red);
        assert_eq!(total, 60);
        assert_eq!(Light::Green.next(), Light::Yellow);
    }
}
