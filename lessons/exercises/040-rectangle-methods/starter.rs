#[derive(Debug, PartialEq)]
struct Rectangle {
    width: u32,
    height: u32,
}

impl Rectangle {
    fn area(&self) -> u32 {
        todo!()
    }

    fn can_hold(&self, other: &Rectangle) -> bool {
        todo!("{other:?}")
    }

    fn square(size: u32) -> Self {
        todo!("{size}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_and_square() {
        assert_eq!(Rectangle { width: 3, height: 4 }.area(), 12);
        assert_eq!(Rectangle::square(5), Rectangle { width: 5, height: 5 });
    }

    #[test]
    fn holding() {
        let big = Rectangle { width: 10, height: 5 };
        assert!(big.can_hold(&Rectangle { width: 10, height: 5 }));
        assert!(big.can_hold(&Rectangle { width: 2, height: 2 }));
        assert!(!big.can_hold(&Rectangle { width: 5, height: 10 }));
    }
}
