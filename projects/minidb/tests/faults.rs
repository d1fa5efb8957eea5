#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fault injection: the database file and the log fail after a given number
//! of writes or syncs, at every point of a transaction and a checkpoint in
//! turn. Whatever failed, reopening the same bytes with working storage
//! must give either the state before the transaction or the state after it,
//! and the state after it whenever COMMIT reported success.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use minidb::storage::io::{MemStorage, Storage};
use minidb::{Database, Options, Value};

/// Passes calls through to memory until its budget of writes and syncs
/// (shared between the file and the log) runs out, then fails them all.
struct Faulty {
    inner: MemStorage,
    budget: Arc<AtomicI64>,
}

impl Faulty {
    fn spend(&self) -> io::Result<()> {
        if self.budget.fetch_sub(1, Ordering::SeqCst) <= 0 {
            return Err(io::Error::other("injected fault"));
        }
        Ok(())
    }
}

impl Storage for Faulty {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.inner.read_at(offset, buf)
    }
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        self.spend()?;
        self.inner.write_at(offset, buf)
    }
    fn len(&mut self) -> io::Result<u64> {
        self.inner.len()
    }
    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.spend()?;
        self.inner.set_len(len)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.spend()?;
        self.inner.sync()
    }
}

fn small() -> Options {
    Options {
        checkpoint_frames: 8,
        ..Options::default()
    }
}

fn count(db: &mut Database) -> i64 {
    match db.execute("SELECT count(*), sum(v) FROM t").unwrap().rows[0][..] {
        [Value::Integer(n), _] => n,
        ref other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn every_injected_fault_leaves_before_or_after() {
    // The committed starting point.
    let (file, wal) = (MemStorage::new(), MemStorage::new());
    {
        let mut db = Database::open_storage(file.clone(), wal.clone(), small()).unwrap();
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, pad TEXT); CREATE INDEX t_v ON t (v)").unwrap();
        for i in 0..10 {
            db.execute(&format!("INSERT INTO t (v, pad) VALUES ({i}, 'start')"))
                .unwrap();
        }
    }
    let (base_file, base_wal) = (file.snapshot(), wal.snapshot());
    let pad = "p".repeat(1500); // overflow pages too
    let tx = format!(
        "BEGIN; INSERT INTO t (v, pad) VALUES {}; UPDATE t SET v = v + 1000 WHERE v < 5; DELETE FROM t WHERE v = 7; COMMIT",
        (0..60)
            .map(|i| format!("({}, '{pad}')", 100 + i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut outcomes = (0, 0);
    for budget in 0..40 {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        file.replace(base_file.clone());
        wal.replace(base_wal.clone());
        let shared = Arc::new(AtomicI64::new(budget));
        let opened = Database::open_storage(
            Faulty {
                inner: file.clone(),
                budget: shared.clone(),
            },
            Faulty {
                inner: wal.clone(),
                budget: shared.clone(),
            },
            small(),
        );
        let committed = match opened {
            Ok(mut db) => {
                let ok = db.execute_batch(&tx).is_ok();
                // Another small commit pushes the log over the checkpoint
                // threshold, so faults also land inside checkpoints.
                let _ = db.execute("INSERT INTO t (v, pad) VALUES (-1, 'x')");
                let _ = db.execute("DELETE FROM t WHERE v = -1");
                std::mem::forget(db); // crash: no clean close
                ok
            }
            Err(_) => false,
        };
        let mut db = Database::open_storage(file, wal, small())
            .unwrap_or_else(|e| panic!("budget {budget}: reopen failed: {e}"));
        let n = count(&mut db);
        assert!(
            n == 10 || n == 69,
            "budget {budget}: {n} rows, neither before (10) nor after (69)"
        );
        if committed {
            assert_eq!(
                n, 69,
                "budget {budget}: COMMIT succeeded but the rows are gone"
            );
        }
        // Index and table agree in both states.
        let via_index = db
            .execute("SELECT count(*) FROM t WHERE v >= 0")
            .unwrap()
            .rows[0][0]
            .clone();
        assert_eq!(via_index, Value::Integer(n), "budget {budget}");
        if n == 10 {
            outcomes.0 += 1
        } else {
            outcomes.1 += 1
        }
    }
    assert!(
        outcomes.0 > 0 && outcomes.1 > 0,
        "the budgets should cover both outcomes: {outcomes:?}"
    );
}
