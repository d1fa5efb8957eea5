//! Our own in-kernel test runner (stable Rust has no custom test frameworks).
//!
//! `test=all` boots the kernel normally, then runs every case below in
//! order, printing `[test] ... ok NAME` or `[test] ... FAILED NAME: why`, and
//! leaves QEMU through isa-debug-exit: success only if all passed. Cases
//! that cannot return (the stack overflow) run alone: `test=stack_overflow`.
//! The host side (`kernel-runner`'s tests) boots these kernels and checks
//! both the exit status and the per-case lines.

extern crate alloc;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::Layout;

use crate::heap::fixed_block::FixedBlockHeap;
use crate::heap::global as heap;
use crate::heap::linked_list::LinkedListHeap;
use crate::interrupts::{self, probe_read, probe_write};
use crate::memory::frames::{FRAMES, FrameError};
use crate::memory::kernel_space::{KERNEL_MAPPER, data_flags};
use crate::memory::layout::{PAGE_SIZE, TEST_BASE, kernel_image};
use crate::memory::paging::{Flags, MapError};
use crate::{BOOT_INFO, cpu, qemu, time, timer};

mod sched;
mod user;

type TestResult = Result<(), ()>;

/// Fails the current case with a message (logged with its values).
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            error!(Test, "check failed at {}:{}: {}", file!(), line!(), format_args!($($arg)*));
            return Err(());
        }
    };
}
pub(crate) use ensure;

/// A named test case.
type Case = (&'static str, fn() -> TestResult);

const CASES: &[Case] = &[
    ("frames", frames),
    ("paging", paging),
    ("heap_list", heap_list),
    ("heap_blocks", heap_blocks),
    ("global_alloc", global_alloc),
    ("breakpoint", breakpoint),
    ("page_fault", page_fault),
    ("timer", timer_ticks),
    ("extable", extable),
    ("nested_fault", nested_fault),
    ("stacks", stacks_guarded_and_freed),
    ("oom_message", oom_message),
    ("threads", sched::threads_run_and_join),
    ("sleep", sched::sleep_wakes_on_time),
    ("preempt", sched::two_hogs_both_progress),
    ("nice", sched::nice_shifts_shares),
    ("idle", sched::idle_runs_when_all_sleep),
    ("mutex", sched::mutex_waiter_blocks_without_cpu),
    ("mutex_counts", sched::mutex_serialises_increments),
    ("prodcons", sched::producer_consumer),
    ("user_hello", user::hello_runs_and_cleans_up),
    ("user_poke", user::poke_is_killed_and_kernel_survives),
    ("user_badptr", user::bad_pointer_is_refused),
    ("user_hogs", user::hogs_share_and_can_be_killed),
    ("user_spawn", user::spawn_from_user_mode),
];

pub fn run(selection: &str) -> ! {
    if selection == "stack_overflow" {
        stack_overflow();
    }
    let mut passed = 0;
    let mut failed = 0;
    for (name, case) in CASES {
        if selection != "all" && selection != *name {
            continue;
        }
        info!(Test, "running {name}");
        match case() {
            Ok(()) => {
                info!(Test, "ok {name}");
                passed += 1;
            }
            Err(()) => {
                error!(Test, "FAILED {name}");
                failed += 1;
            }
        }
    }
    if passed + failed == 0 {
        error!(Test, "no test named {selection:?}");
        qemu::exit(qemu::ExitCode::Failure);
    }
    info!(Test, "result: {passed} passed, {failed} failed");
    qemu::exit(if failed == 0 {
        qemu::ExitCode::Success
    } else {
        qemu::ExitCode::Failure
    })
}

fn frames() -> TestResult {
    let image = kernel_image();
    let regions = BOOT_INFO.get().map(|i| i.regions()).unwrap_or(&[]);
    let mut f = FRAMES.lock();
    let before = f.stats().free;
    let mut got = [0u64; 64];
    for slot in got.iter_mut() {
        let Some(frame) = f.alloc() else {
            ensure!(
                false,
                "allocator ran dry after {} frames",
                before - f.stats().free
            );
            unreachable!()
        };
        *slot = frame;
    }
    ensure!(
        f.stats().free == before - 64,
        "free count {} after 64 allocations from {}",
        f.stats().free,
        before
    );
    for (i, &a) in got.iter().enumerate() {
        ensure!(a % PAGE_SIZE == 0, "frame {a:#x} not aligned");
        ensure!(a >= 0x10_0000, "frame {a:#x} below 1 MiB");
        ensure!(
            a + PAGE_SIZE <= image.start || a >= image.end,
            "frame {a:#x} inside the kernel image"
        );
        ensure!(
            regions
                .iter()
                .any(|r| r.is_usable() && a >= r.start && a + PAGE_SIZE <= r.end()),
            "frame {a:#x} outside every usable region"
        );
        ensure!(!f.is_free(a), "frame {a:#x} still marked free");
        ensure!(!got[..i].contains(&a), "frame {a:#x} handed out twice");
    }
    for &a in &got {
        ensure!(f.free(a).is_ok(), "freeing {a:#x} failed");
    }
    ensure!(
        f.stats().free == before,
        "free count {} after freeing, expected {}",
        f.stats().free,
        before
    );
    ensure!(
        f.free(got[0]) == Err(FrameError::DoubleFree { addr: got[0] }),
        "double free not detected"
    );
    ensure!(
        f.free(image.start) == Err(FrameError::NotManaged { addr: image.start }),
        "freeing the kernel image accepted"
    );
    ensure!(
        f.free(got[0] + 8) == Err(FrameError::Unaligned { addr: got[0] + 8 }),
        "unaligned free accepted"
    );
    Ok(())
}

fn paging() -> TestResult {
    let virt = TEST_BASE;
    let mut mapper_slot = KERNEL_MAPPER.lock();
    let Some(mapper) = mapper_slot.as_mut() else {
        ensure!(false, "no kernel mapper");
        unreachable!()
    };
    let mut frames = FRAMES.lock();
    let Some(frame) = frames.alloc() else {
        ensure!(false, "no free frame");
        unreachable!()
    };
    ensure!(
        mapper.translate(virt).is_none(),
        "test page mapped before the test"
    );
    ensure!(
        mapper.map(virt, frame, data_flags(), &mut *frames).is_ok(),
        "map failed"
    );
    ensure!(
        mapper.translate(virt + 0x123) == Some(frame + 0x123),
        "translate gave {:?}",
        mapper.translate(virt + 0x123)
    );
    // The same memory seen through the new page and through the identity map.
    // SAFETY: the scratch page was just mapped to a frame this test owns.
    let write = unsafe { probe_write(virt + 8, 0xC0FFEE) };
    ensure!(
        write.is_ok(),
        "write through new mapping faulted: {:?}",
        write
    );
    ensure!(
        probe_read(frame + 8) == Ok(0xC0FFEE),
        "identity view disagrees: {:?}",
        probe_read(frame + 8)
    );
    let flags = mapper.flags(virt).unwrap_or(Flags(0));
    ensure!(
        flags.contains(Flags::PRESENT | Flags::WRITABLE),
        "flags {:#x}",
        flags.0
    );
    ensure!(
        mapper.map(virt, frame, data_flags(), &mut *frames)
            == Err(MapError::AlreadyMapped { virt, phys: frame }),
        "double map not refused"
    );
    // Read-only now: a write must fault with "present + write" in the error code.
    ensure!(
        mapper
            .set_flags(virt, data_flags().without(Flags::WRITABLE))
            .is_ok(),
        "set_flags failed"
    );
    // SAFETY: the page is our scratch page; the write is expected to fault.
    let fault = unsafe { probe_write(virt, 1) };
    match fault {
        Err(r) => ensure!(
            r.address == virt && r.error_code & 0b11 == 0b11,
            "fault {:?}",
            r
        ),
        Ok(()) => ensure!(false, "write to a read-only page did not fault"),
    }
    ensure!(
        mapper.unmap(virt) == Ok(frame),
        "unmap did not return the frame"
    );
    ensure!(mapper.translate(virt).is_none(), "still mapped after unmap");
    ensure!(
        mapper.unmap(virt) == Err(MapError::NotMapped { virt }),
        "second unmap not refused"
    );
    ensure!(
        mapper.map(virt + 1, frame, data_flags(), &mut *frames)
            == Err(MapError::Unaligned { addr: virt + 1 }),
        "unaligned map not refused"
    );
    let bad = 0x0000_8000_0000_0000;
    ensure!(
        mapper.map(bad, frame, data_flags(), &mut *frames)
            == Err(MapError::NonCanonical { virt: bad }),
        "non-canonical map not refused"
    );
    // The kernel's own tables: text is identity-mapped and executable, page 0 is not mapped.
    let text = kernel_image().text.0;
    ensure!(
        mapper.translate(text) == Some(text),
        "kernel text not identity-mapped"
    );
    let tf = mapper.flags(text).unwrap_or(Flags(0));
    ensure!(
        !tf.contains(Flags::WRITABLE) && !tf.contains(Flags::NO_EXECUTE),
        "text flags {:#x}",
        tf.0
    );
    ensure!(mapper.translate(0).is_none(), "page 0 is mapped");
    ensure!(frames.free(frame).is_ok(), "frame release failed");
    Ok(())
}

/// The operations the heap exercise needs from either strategy.
trait TestHeap {
    fn alloc(&mut self, l: Layout) -> *mut u8;
    /// # Safety
    /// `p` must come from `alloc` on this heap with layout `l`, not freed yet.
    unsafe fn dealloc(&mut self, p: *mut u8, l: Layout);
    fn free_bytes(&self) -> usize;
    fn contains(&self, p: *const u8) -> bool;
}

impl TestHeap for LinkedListHeap {
    fn alloc(&mut self, l: Layout) -> *mut u8 {
        LinkedListHeap::alloc(self, l)
    }
    unsafe fn dealloc(&mut self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded contract.
        unsafe { LinkedListHeap::dealloc(self, p, l) }
    }
    fn free_bytes(&self) -> usize {
        LinkedListHeap::free_bytes(self)
    }
    fn contains(&self, p: *const u8) -> bool {
        LinkedListHeap::contains(self, p)
    }
}

impl TestHeap for FixedBlockHeap {
    fn alloc(&mut self, l: Layout) -> *mut u8 {
        FixedBlockHeap::alloc(self, l)
    }
    unsafe fn dealloc(&mut self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded contract.
        unsafe { FixedBlockHeap::dealloc(self, p, l) }
    }
    fn free_bytes(&self) -> usize {
        FixedBlockHeap::free_bytes(self)
    }
    fn contains(&self, p: *const u8) -> bool {
        FixedBlockHeap::contains(self, p)
    }
}

const HEAP_TEST_BASE: u64 = TEST_BASE + 0x10_0000;
const HEAP_TEST_PAGES: u64 = 32;

/// Maps a scratch region, runs `f` on it, and unmaps it again.
fn with_scratch(f: impl FnOnce(usize, usize) -> TestResult) -> TestResult {
    {
        let mut m = KERNEL_MAPPER.lock();
        let Some(mapper) = m.as_mut() else {
            ensure!(false, "no kernel mapper");
            unreachable!()
        };
        let mut frames = FRAMES.lock();
        for i in 0..HEAP_TEST_PAGES {
            let frame = frames.alloc();
            ensure!(frame.is_some(), "out of frames");
            let r = mapper.map(
                HEAP_TEST_BASE + i * PAGE_SIZE,
                frame.unwrap_or(0),
                data_flags(),
                &mut *frames,
            );
            ensure!(r.is_ok(), "map: {:?}", r);
        }
    }
    let result = f(
        HEAP_TEST_BASE as usize,
        (HEAP_TEST_PAGES * PAGE_SIZE) as usize,
    );
    let mut m = KERNEL_MAPPER.lock();
    if let Some(mapper) = m.as_mut() {
        let mut frames = FRAMES.lock();
        for i in 0..HEAP_TEST_PAGES {
            if let Ok(frame) = mapper.unmap(HEAP_TEST_BASE + i * PAGE_SIZE) {
                let _ = frames.free(frame);
            }
        }
    }
    result
}

/// Random allocations and frees; every live block carries a byte pattern
/// that is checked before it is freed, so overlapping blocks are caught.
fn exercise(h: &mut impl TestHeap, size: usize) -> TestResult {
    const LIVE: usize = 24;
    let mut live: [Option<(*mut u8, Layout, u8)>; LIVE] = [None; LIVE];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let full = h.free_bytes();
    ensure!(full == size, "fresh heap has {} free of {}", full, size);
    for step in 0..600u32 {
        let slot = (next() % LIVE as u64) as usize;
        if let Some((p, l, tag)) = live[slot].take() {
            // SAFETY: p points to l.size() bytes we allocated and filled.
            let bytes = unsafe { core::slice::from_raw_parts(p, l.size()) };
            ensure!(
                bytes.iter().all(|&b| b == tag),
                "block {p:?} overwritten (step {step})"
            );
            // SAFETY: p came from this heap with layout l.
            unsafe { h.dealloc(p, l) };
        } else {
            let size = 1 + (next() % 3000) as usize;
            let align = [1, 8, 16, 64, 256, 4096][(next() % 6) as usize];
            let Ok(l) = Layout::from_size_align(size, align) else {
                continue;
            };
            let p = h.alloc(l);
            if p.is_null() {
                continue; // exhaustion is allowed; corruption is not
            }
            ensure!(
                (p as usize).is_multiple_of(align),
                "{p:?} not aligned to {align}"
            );
            ensure!(
                h.contains(p) && h.contains(p.wrapping_add(size - 1)),
                "{p:?}+{size} outside the heap"
            );
            let tag = (step % 251) as u8 + 1;
            // SAFETY: the heap just gave us these bytes.
            unsafe { core::ptr::write_bytes(p, tag, size) };
            live[slot] = Some((p, l, tag));
        }
    }
    for (p, l, tag) in live.iter().flatten() {
        // SAFETY: as above.
        let bytes = unsafe { core::slice::from_raw_parts(*p, l.size()) };
        ensure!(
            bytes.iter().all(|b| b == tag),
            "block {p:?} overwritten at the end"
        );
        // SAFETY: as above.
        unsafe { h.dealloc(*p, *l) };
    }
    ensure!(
        h.free_bytes() == size,
        "{} bytes free after freeing everything, expected {}",
        h.free_bytes(),
        size
    );
    Ok(())
}

fn heap_list() -> TestResult {
    with_scratch(|start, size| {
        let mut h = LinkedListHeap::empty();
        // SAFETY: with_scratch mapped this region for us alone.
        unsafe { h.init(start, size) };
        exercise(&mut h, size)?;
        ensure!(
            h.free_blocks() == (1, size),
            "not coalesced back into one block: {:?}",
            h.free_blocks()
        );
        Ok(())
    })
}

fn heap_blocks() -> TestResult {
    with_scratch(|start, size| {
        let mut h = FixedBlockHeap::empty();
        // SAFETY: with_scratch mapped this region for us alone.
        unsafe { h.init(start, size) };
        exercise(&mut h, size)?;
        ensure!(
            h.cached_bytes() > 0,
            "no block was ever recycled through a size class"
        );
        // A freed small block is reused at once.
        let l = Layout::from_size_align(40, 8).map_err(|_| ())?;
        let a = h.alloc(l);
        // SAFETY: a came from h with layout l.
        unsafe { h.dealloc(a, l) };
        ensure!(
            h.alloc(l) == a,
            "size class did not hand back the block just freed"
        );
        Ok(())
    })
}

fn global_alloc() -> TestResult {
    let before = heap::stats();
    {
        let v: Vec<u64> = (0..2000).collect();
        ensure!(v.iter().sum::<u64>() == 1999 * 2000 / 2, "vector sum wrong");
        let b = Box::new([7u8; 300]);
        let mut s = String::new();
        for i in 0..50 {
            s.push_str(if i % 2 == 0 { "ab" } else { "c" });
        }
        ensure!(s.len() == 75 && b.iter().all(|&x| x == 7), "contents wrong");
        let during = heap::stats();
        ensure!(
            during.allocations > before.allocations,
            "allocation counter did not move"
        );
        ensure!(
            during.live_bytes >= before.live_bytes + 16_000 + 300,
            "live bytes {}",
            during.live_bytes
        );
    }
    let after = heap::stats();
    ensure!(
        after.live_bytes == before.live_bytes,
        "leak: {} live bytes, was {}",
        after.live_bytes,
        before.live_bytes
    );
    Ok(())
}

fn breakpoint() -> TestResult {
    let before = interrupts::breakpoint_count();
    // SAFETY: int3 enters our breakpoint handler, which returns.
    unsafe { core::arch::asm!("int3") };
    // SAFETY: as above.
    unsafe { core::arch::asm!("int3") };
    let after = interrupts::breakpoint_count();
    ensure!(after == before + 2, "breakpoint count {before} -> {after}");
    Ok(())
}

fn page_fault() -> TestResult {
    let addr = TEST_BASE + 0x40_0000_0123;
    match probe_read(addr) {
        Ok(v) => ensure!(false, "read of unmapped {addr:#x} returned {v:#x}"),
        Err(r) => {
            ensure!(
                r.address == addr,
                "cr2 {:#x}, expected {addr:#x}",
                r.address
            );
            ensure!(
                r.error_code & 0b11 == 0,
                "error code {:#x}: expected not-present read",
                r.error_code
            );
        }
    }
    // The kernel's text is mapped read-only.
    let text = kernel_image().text.0;
    // SAFETY: the write must fault; if it did not, the test fails anyway.
    match unsafe { probe_write(text, 0) } {
        Ok(()) => ensure!(false, "kernel text is writable"),
        Err(r) => ensure!(
            r.address == text && r.error_code & 0b11 == 0b11,
            "fault {:?}",
            r
        ),
    }
    Ok(())
}

fn timer_ticks() -> TestResult {
    let start = timer::ticks();
    let deadline = time::uptime_us() + 2_000_000;
    while timer::ticks() < start + 3 && time::uptime_us() < deadline {
        cpu::enable_interrupts_and_halt();
    }
    ensure!(
        timer::ticks() >= start + 3,
        "timer stuck at {} ticks",
        timer::ticks()
    );
    Ok(())
}

/// Overflows the (guarded) kernel stack. Page faults run on the current
/// stack, so the CPU cannot push the page-fault frame onto the dead stack
/// and raises a double fault, which runs on its own IST stack, names the
/// guard page and ends the test.
fn stack_overflow() -> ! {
    info!(Test, "running stack_overflow");
    interrupts::expect_double_fault("stack_overflow");
    let depth = recurse(0);
    error!(
        Test,
        "FAILED stack_overflow: recursion returned at depth {depth}"
    );
    qemu::exit(qemu::ExitCode::Failure)
}

#[inline(never)]
fn recurse(depth: u64) -> u64 {
    let pad = core::hint::black_box([depth; 64]);
    if depth > 1 << 40 {
        return depth;
    }
    core::hint::black_box(recurse(depth + 1)) + pad[3]
}

/// The exception table only covers the probing instructions: a fault at any
/// other address is not resumed (review L2), and the probes report faults
/// of both kinds with the right vector.
fn extable() -> TestResult {
    let here = extable as fn() -> TestResult as usize as u64;
    ensure!(
        interrupts::fixup_for(here).is_none(),
        "an ordinary function is in the exception table"
    );
    ensure!(
        interrupts::fixup_for(0).is_none(),
        "address 0 is in the exception table"
    );
    let bad = 0x0000_8000_0000_0000;
    match probe_read(bad) {
        Err(r) => ensure!(
            r.vector == 13,
            "non-canonical read gave vector {}",
            r.vector
        ),
        Ok(v) => ensure!(false, "non-canonical read returned {v:#x}"),
    }
    let src = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
    let mut dst = [0u8; 9];
    ensure!(
        interrupts::copy_in(&mut dst, src.as_ptr() as u64).is_ok() && dst == src,
        "copy_in of mapped bytes: {:?}",
        dst
    );
    let hole = TEST_BASE + 0x30_0000;
    match interrupts::copy_in(&mut dst, hole - 4) {
        Err(r) => ensure!(
            r.vector == 14 && r.address == hole - 4,
            "copy_in fault {:?}",
            r
        ),
        Ok(()) => ensure!(false, "copy_in from unmapped memory succeeded"),
    }
    Ok(())
}

/// A page fault inside the page-fault handler (review L3): with #PF on an
/// IST stack the inner fault would restart at the same stack top and
/// overwrite the outer fault's frame, and the outer return would crash.
fn nested_fault() -> TestResult {
    let outer = TEST_BASE + 0x50_0008;
    let inner = TEST_BASE + 0x60_0010;
    interrupts::set_nested_probe(inner);
    let r = probe_read(outer);
    ensure!(
        interrupts::nested_probe_seen() == inner,
        "the handler's own probe saw {:#x}, expected {inner:#x}",
        interrupts::nested_probe_seen()
    );
    match r {
        Err(f) => ensure!(
            f.address == outer && f.vector == 14,
            "outer fault {:?} (cr2 must be the outer address)",
            f
        ),
        Ok(v) => ensure!(false, "read of unmapped {outer:#x} returned {v:#x}"),
    }
    Ok(())
}

/// Stacks: the guard page below a stack is unmapped, the stack itself is
/// mapped, and freeing returns every frame and the slot.
fn stacks_guarded_and_freed() -> TestResult {
    use crate::memory::stacks;
    let frames_before = FRAMES.lock().stats().free;
    let count_before = stacks::count();
    let s = match stacks::allocate("ktest", 3) {
        Ok(s) => s,
        Err(e) => {
            ensure!(false, "allocate: {e}");
            unreachable!()
        }
    };
    ensure!(
        s.top - s.bottom == 3 * PAGE_SIZE,
        "size {:#x}",
        s.top - s.bottom
    );
    ensure!(probe_read(s.guard + 8).is_err(), "guard page is mapped");
    ensure!(probe_read(s.bottom).is_ok(), "stack bottom not mapped");
    ensure!(probe_read(s.top - 8).is_ok(), "stack top not mapped");
    ensure!(
        stacks::guard_hit(s.guard + 100) == Some("ktest"),
        "guard not named"
    );
    ensure!(stacks::count() == count_before + 1, "stack not counted");
    // SAFETY: nothing runs on this stack; it was only probed.
    unsafe { stacks::free(&s) };
    ensure!(stacks::count() == count_before, "slot not freed");
    ensure!(probe_read(s.bottom).is_err(), "freed stack still mapped");
    ensure!(
        FRAMES.lock().stats().free == frames_before,
        "frames leaked: {} free, was {}",
        FRAMES.lock().stats().free,
        frames_before
    );
    Ok(())
}

/// With no frame left, a stack mapping says "out of physical memory", not
/// "no free frame for a page table" (review D8).
fn oom_message() -> TestResult {
    use crate::memory::stacks::{self, StackError};
    let mut taken: Vec<u64> = Vec::new();
    {
        let mut f = FRAMES.lock();
        taken.reserve(f.stats().free as usize);
        while let Some(frame) = f.alloc() {
            taken.push(frame);
        }
    }
    let result = stacks::allocate("oom", 2);
    {
        let mut f = FRAMES.lock();
        for frame in taken.drain(..) {
            let _ = f.free(frame);
        }
    }
    match result {
        Err(
            e @ StackError::Map {
                error: MapError::OutOfMemory { .. },
                ..
            },
        ) => {
            let mut text = String::new();
            let _ = core::fmt::write(&mut text, format_args!("{e}"));
            ensure!(text.contains("out of physical memory"), "message {text:?}");
        }
        Err(e) => ensure!(false, "wrong error: {e}"),
        Ok(s) => {
            // SAFETY: just allocated, never used.
            unsafe { stacks::free(&s) };
            ensure!(false, "allocation succeeded with no free frames");
        }
    }
    Ok(())
}
