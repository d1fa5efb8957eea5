use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Disk {
    pub log: Mutex<Vec<u8>>,
    pub syncs: AtomicUsize,
}

impl Disk {
    /// Appends the bytes and "fsyncs" (slowly).
    pub fn write_and_sync(&self, bytes: &[u8]) {
        self.log.lock().unwrap().extend_from_slice(bytes);
        std::thread::sleep(Duration::from_millis(1));
        self.syncs.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct State {
    next_seq: u64,
    durable_seq: u64,
    pending: Vec<u8>,
    flushing: bool,
}

#[derive(Default)]
pub struct GroupCommit {
    pub disk: Disk,
    state: Mutex<State>,
    flushed: Condvar,
}

impl GroupCommit {
    pub fn commit(&self, record: &[u8]) -> u64 {
        let mut st = self.state.lock().unwrap();
        st.next_seq += 1;
        let mine = st.next_seq;
        st.pending.extend_from_slice(record);
        loop {
            if st.durable_seq >= mine {
                return mine;
            }
            if st.flushing {
                st = self.flushed.wait(st).unwrap();
                continue;
            }
            // Lead one flush of everything pending so far.
            st.flushing = true;
            let batch = std::mem::take(&mut st.pending);
            let upto = st.next_seq;
            drop(st);
            self.disk.write_and_sync(&batch); // slow, and the lock is free meanwhile
            st = self.state.lock().unwrap();
            st.durable_seq = upto;
            st.flushing = false;
            self.flushed.notify_all();
        }
    }

    pub fn durable_seq(&self) -> u64 {
        self.state.lock().unwrap().durable_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::thread;

    #[test]
    fn one_writer_gets_sequence_numbers_in_order() {
        let gc = GroupCommit::default();
        assert_eq!(gc.commit(b"a"), 1);
        assert_eq!(gc.commit(b"bc"), 2);
        assert_eq!(gc.durable_seq(), 2);
        assert_eq!(*gc.disk.log.lock().unwrap(), b"abc");
        assert_eq!(gc.disk.syncs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn many_writers_share_syncs() {
        let gc = GroupCommit::default();
        let per_thread: Vec<Vec<(u64, u8)>> = thread::scope(|s| {
            let hs: Vec<_> = (0..8u8)
                .map(|t| {
                    let gc = &gc;
                    s.spawn(move || {
                        (0..50)
                            .map(|_| {
                                let seq = gc.commit(&[t]);
                                assert!(gc.durable_seq() >= seq, "returned before it was durable");
                                (seq, t)
                            })
                            .collect()
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // Every sequence number exactly once, and the log holds the records in that order.
        let by_seq: BTreeMap<u64, u8> = per_thread.iter().flatten().copied().collect();
        assert_eq!(by_seq.len(), 400);
        assert_eq!(by_seq.keys().copied().collect::<Vec<_>>(), (1..=400).collect::<Vec<_>>());
        let log = gc.disk.log.lock().unwrap().clone();
        assert_eq!(log, by_seq.values().copied().collect::<Vec<_>>());
        let syncs = gc.disk.syncs.load(Ordering::SeqCst);
        assert!(syncs < 350, "{syncs} syncs for 400 commits: not grouped");
        assert!(syncs >= 50, "each thread's commits are sequential, so at least 50 syncs");
    }
}
