use std::marker::PhantomData;

struct Open;
struct Closed;

struct Door<State> {
    name: String,
    _state: PhantomData<State>,
}

impl Door<Closed> {
    fn new(name: &str) -> Self {
        Door { name: name.to_string(), _state: PhantomData }
    }

    fn open(self) -> Door<Open> {
        Door { name: self.name, _state: PhantomData }
    }
}

impl Door<Open> {
    fn close(self) -> Door<Closed> {
        Door { name: self.name, _state: PhantomData }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_then_close() {
        let door = Door::new("front");
        let open: Door<Open> = door.open();
        assert_eq!(open.name, "front");
        let closed: Door<Closed> = open.close();
        assert_eq!(closed.open().name, "front");
    }
}
