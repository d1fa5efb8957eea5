use std::collections::HashMap;

fn remaining(quotas: &HashMap<String, u64>, name: &str, used: u64) -> Result<u64, String> {
    let quota = quotas.get(name).ok_or_else(|| format!("no user {name}"))?;
    quota
        .checked_sub(used)
        .ok_or_else(|| format!("{name} is over quota by {}", used - quota))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas() {
        let q: HashMap<String, u64> = [("ada".to_string(), 100)].into();
        assert_eq!(remaining(&q, "ada", 30), Ok(70));
        assert_eq!(remaining(&q, "ada", 100), Ok(0));
        assert_eq!(remaining(&q, "bob", 1), Err("no user bob".to_string()));
        assert_eq!(remaining(&q, "ada", 130), Err("ada is over quota by 30".to_string()));
    }
}
