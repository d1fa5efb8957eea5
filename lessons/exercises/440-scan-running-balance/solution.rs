pub fn balances(opening: i64, txs: &[i64]) -> Vec<i64> {
    txs.iter()
        .scan(opening, |bal, tx| {
            *bal += tx;
            Some(*bal)
        })
        .collect()
}

pub fn until_overdraft(opening: i64, txs: &[i64]) -> Vec<i64> {
    txs.iter()
        .scan(opening, |bal, tx| {
            let next = *bal + tx;
            if next < 0 {
                return None;
            }
            *bal = next;
            Some(next)
        })
        .collect()
}

pub fn first_overdraft(opening: i64, txs: &[i64]) -> Option<usize> {
    balances(opening, txs).iter().position(|&b| b < 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXS: [i64; 5] = [50, -30, -40, 100, -200];

    #[test]
    fn every_balance() {
        assert_eq!(balances(10, &TXS), vec![60, 30, -10, 90, -110]);
        assert!(balances(10, &[]).is_empty());
    }

    #[test]
    fn stops_before_the_overdraft() {
        assert_eq!(until_overdraft(10, &TXS), vec![60, 30]);
        assert_eq!(until_overdraft(100, &TXS), vec![150, 120, 80, 180]);
        assert_eq!(until_overdraft(0, &[-1, 5]), Vec::<i64>::new());
        assert_eq!(until_overdraft(0, &[0, 0]), vec![0, 0]);
    }

    #[test]
    fn finds_the_first_overdraft() {
        assert_eq!(first_overdraft(10, &TXS), Some(2));
        assert_eq!(first_overdraft(100, &TXS), Some(4));
        assert_eq!(first_overdraft(1000, &TXS), None);
        assert_eq!(first_overdraft(0, &[]), None);
    }
}
