#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Light {
    Red,
    Green,
    Yellow,
}

impl Light {
    fn next(self) -> Light {
        todo!()
    }

    fn duration(self) -> u32 {
        todo!()
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
