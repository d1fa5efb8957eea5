use std::sync::Mutex;

#[derive(Debug, PartialEq)]
pub enum TransferError {
    SameAccount,
    NoSuchAccount,
    Insufficient,
}

pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    pub fn new(balances: &[u64]) -> Self {
        Bank {
            accounts: balances.iter().map(|&b| Mutex::new(b)).collect(),
        }
    }

    pub fn balance(&self, i: usize) -> Option<u64> {
        self.accounts.get(i).map(|m| *m.lock().unwrap())
    }

    pub fn total(&self) -> u64 {
        self.accounts.iter().map(|m| *m.lock().unwrap()).sum()
    }

    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        // Naive: locks `from` first. Two opposite transfers can deadlock.
        let mut a = self.accounts[from].lock().unwrap();
        let mut b = self.accounts[to].lock().unwrap();
        *a -= amount;
        *b += amount;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, mpsc};
    use std::thread;
    use std::time::Duration;

    #[test]
    fn simple_transfers_and_errors() {
        let bank = Bank::new(&[100, 50]);
        assert_eq!(bank.transfer(0, 1, 30), Ok(()));
        assert_eq!(bank.balance(0), Some(70));
        assert_eq!(bank.balance(1), Some(80));
        assert_eq!(bank.transfer(1, 0, 81), Err(TransferError::Insufficient));
        assert_eq!(bank.balance(1), Some(80));
        assert_eq!(bank.transfer(0, 0, 1), Err(TransferError::SameAccount));
        assert_eq!(bank.transfer(0, 9, 1), Err(TransferError::NoSuchAccount));
        assert_eq!(bank.transfer(9, 0, 1), Err(TransferError::NoSuchAccount));
        assert_eq!(bank.transfer(1, 0, 80), Ok(()));
        assert_eq!(bank.balance(1), Some(0));
    }

    #[test]
    fn opposite_transfers_do_not_deadlock() {
        let bank = Arc::new(Bank::new(&[1_000_000, 1_000_000, 1_000_000]));
        let (done_tx, done_rx) = mpsc::channel();
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let bank = Arc::clone(&bank);
                let done_tx = done_tx.clone();
                thread::spawn(move || {
                    for i in 0..2_000usize {
                        let (a, b) = if (i + t) % 2 == 0 { (0, 1) } else { (1, 0) };
                        let c = (i + t) % 3;
                        let _ = bank.transfer(a, b, 3);
                        let _ = bank.transfer(b, a, 2);
                        let _ = bank.transfer(c, (c + 1) % 3, 1);
                    }
                    done_tx.send(()).unwrap();
                })
            })
            .collect();
        for _ in 0..handles.len() {
            // A watchdog, so that a deadlock fails the test instead of hanging it.
            done_rx
                .recv_timeout(Duration::from_secs(5))
                .expect("deadlock: the transfers stopped making progress");
        }
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(bank.total(), 3_000_000, "money is conserved");
    }
}
