#[derive(Debug, Clone, PartialEq)]
enum Order {
    Placed,
    Paid,
    Shipped { tracking: String },
    Delivered,
    Cancelled,
}

#[derive(Debug)]
enum Event {
    Pay,
    Ship(String),
    Deliver,
    Cancel,
}

impl Order {
    fn apply(self, event: Event) -> Result<Order, String> {
        match (self, event) {
            (Order::Placed, Event::Pay) => Ok(Order::Paid),
            (Order::Paid, Event::Ship(tracking)) => Ok(Order::Shipped { tracking }),
            (Order::Shipped { .. }, Event::Deliver) => Ok(Order::Delivered),
            (Order::Placed | Order::Paid, Event::Cancel) => Ok(Order::Cancelled),
            (state, event) => Err(format!("cannot {event:?} when {state:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path() {
        let o = Order::Placed.apply(Event::Pay).unwrap();
        let o = o.apply(Event::Ship("TRK1".to_string())).unwrap();
        assert_eq!(o, Order::Shipped { tracking: "TRK1".to_string() });
        assert_eq!(o.apply(Event::Deliver).unwrap(), Order::Delivered);
    }

    #[test]
    fn refused_moves() {
        assert!(Order::Placed.apply(Event::Deliver).is_err());
        assert!(Order::Delivered.apply(Event::Cancel).is_err());
        let shipped = Order::Shipped { tracking: "T".to_string() };
        let err = shipped.apply(Event::Cancel).unwrap_err();
        assert!(err.contains("Cancel"), "{err}");
        assert_eq!(Order::Paid.apply(Event::Cancel).unwrap(), Order::Cancelled);
    }
}
