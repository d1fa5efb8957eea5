struct User {
    id: u32,
    email: Option<String>,
}

fn email_of(users: &[User], id: u32) -> Option<&str> {
    todo!("{id} among {}", users.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let users = vec![
            User { id: 1, email: Some("ada@example.org".to_string()) },
            User { id: 2, email: None },
        ];
        assert_eq!(email_of(&users, 1), Some("ada@example.org"));
        assert_eq!(email_of(&users, 2), None);
        assert_eq!(email_of(&users, 3), None);
    }
}
