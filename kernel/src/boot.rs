//! The kernel's two entry points and the step from 32-bit to 64-bit mode.
//!
//! PVH path: QEMU's `-kernel` finds the `XEN_ELFNOTE_PHYS32_ENTRY` note below
//! and starts `pvh_start32` in 32-bit protected mode, paging off, with EBX
//! pointing at an `hvm_start_info`. That code zeroes .bss, identity-maps the
//! first 4 GiB with 2 MiB pages, turns on PAE + long mode + paging, and jumps
//! to 64-bit code that calls [`pvh_main`], which converts QEMU's structure into
//! our `BootInfo`.
//!
//! BIOS path: our own loader (kernel/bios) has already switched to long mode
//! with identity paging, copied the ELF segments and zeroed .bss; it jumps to
//! the ELF entry `_start64` with RDI pointing at a finished `BootInfo`.
//!
//! Both paths end in `kernel_main` with the same `BootInfo`, on the same
//! boot stack.

use bootinfo::{BootInfo, BootMethod, MemoryRegion};

core::arch::global_asm!(
    r#"
    .section .note.pvh, "a", @note
    .balign 4
    .long 4                     /* name size: "Xen\0" */
    .long 8                     /* descriptor size */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .quad pvh_start32           /* QEMU reads 8 bytes for 64-bit ELF notes */
    .balign 4

    .section .boot32, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    movl %ebx, %esi             /* keep hvm_start_info across the setup */

    /* QEMU zero-fills .bss today, but the PVH contract does not promise it */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx               /* both ends are 16-byte aligned (linker.ld) */
    xorl %eax, %eax
    rep stosl

    rdtsc
    movl %eax, boot_start_tsc
    movl %edx, boot_start_tsc+4
    movl $boot_stack_top, %esp

    /* PML4[0] -> PDPT, PDPT[0..4] -> four page directories of 2 MiB pages */
    movl $boot_pdpt, %eax
    orl $0x3, %eax
    movl %eax, boot_pml4
    movl $boot_pd, %eax
    orl $0x3, %eax
    movl %eax, boot_pdpt
    addl $0x1000, %eax
    movl %eax, boot_pdpt+8
    addl $0x1000, %eax
    movl %eax, boot_pdpt+16
    addl $0x1000, %eax
    movl %eax, boot_pdpt+24
    xorl %ecx, %ecx
1:
    movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax             /* present, writable, 2 MiB page */
    movl %eax, boot_pd(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    movl %cr4, %eax
    orl $(1 << 5), %eax         /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx      /* EFER */
    rdmsr
    orl $(1 << 8), %eax         /* LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80010001, %eax       /* PG, WP, PE */
    movl %eax, %cr0
    lgdt boot_gdt_ptr
    ljmp $0x08, $pvh_start64

    .code64
pvh_start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    leaq boot_stack_top(%rip), %rsp
    movl %esi, %edi
    call pvh_main
    ud2

    .section .text._start64, "ax"
    .global _start64
_start64:
    cli
    cld
    leaq boot_stack_top(%rip), %rsp
    call bios_main
    ud2

    .section .rodata.boot_gdt, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 64-bit code */
    .quad 0x00CF92000000FFFF    /* data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * 4
    .global boot_stack_bottom
boot_stack_bottom:
    .skip 65536
boot_stack_top:
    .global boot_start_tsc
boot_start_tsc:
    .skip 8
    "#,
    options(att_syntax)
);

unsafe extern "C" {
    static boot_start_tsc: u64;
}

/// Xen's `hvm_start_info`, version 1 (what QEMU's PVH option ROM writes).
#[repr(C)]
struct HvmStartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
struct HvmMemmapEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

const HVM_START_MAGIC: u32 = 0x336e_c578;

/// How far we look for the end of QEMU's command line.
const CMDLINE_SCAN_MAX: usize = 4096;

/// The command line's full length when it had to be cut to fit `BootInfo`
/// (0 when it fit). `kernel_main` logs the warning once the console is up.
pub static PVH_CMDLINE_CUT: core::sync::atomic::AtomicUsize =
    core::sync::atomic::AtomicUsize::new(0);

/// PVH entry in 64-bit mode: translate QEMU's start info into a `BootInfo`.
#[unsafe(no_mangle)]
extern "C" fn pvh_main(start_info: u32) -> ! {
    let mut info = BootInfo::empty(BootMethod::Pvh);
    // SAFETY: written by pvh_start32 before the stack existed; read-only now.
    info.start_tsc = unsafe { core::ptr::read_volatile(&raw const boot_start_tsc) };
    // SAFETY: QEMU passes the physical address of an hvm_start_info in EBX,
    // and the first 4 GiB are identity-mapped, so the pointer is readable.
    // We check the magic before trusting any other field.
    let si = unsafe { &*(start_info as usize as *const HvmStartInfo) };
    if si.magic == HVM_START_MAGIC {
        if si.cmdline_paddr != 0 {
            // Find the real length first (up to a sane limit), so that a
            // line too long for BootInfo is reported, not cut silently.
            let base = si.cmdline_paddr as usize as *const u8;
            let mut full = 0;
            // SAFETY: a NUL-terminated string in identity-mapped low memory;
            // we read byte by byte and stop at the NUL or at the limit.
            while full < CMDLINE_SCAN_MAX && unsafe { base.add(full).read() } != 0 {
                full += 1;
            }
            // SAFETY: the `full` bytes just read are part of the string.
            let bytes = unsafe { core::slice::from_raw_parts(base, full) };
            let kept = info.set_cmdline(bytes);
            PVH_CMDLINE_CUT.store(
                if kept < full { full } else { 0 },
                core::sync::atomic::Ordering::Relaxed,
            );
        }
        if si.version >= 1 && si.memmap_paddr != 0 {
            for i in 0..si.memmap_entries as usize {
                // SAFETY: the table has memmap_entries entries at memmap_paddr.
                let e = unsafe { &*((si.memmap_paddr as usize as *const HvmMemmapEntry).add(i)) };
                info.push_region(MemoryRegion {
                    start: e.addr,
                    len: e.size,
                    kind: e.kind,
                    reserved: 0,
                });
            }
        }
    }
    crate::kernel_main(info)
}

/// BIOS-path entry: our loader hands over a finished `BootInfo`.
#[unsafe(no_mangle)]
extern "C" fn bios_main(info: *const BootInfo) -> ! {
    // SAFETY: the loader passes a pointer to a BootInfo in identity-mapped low
    // memory; we copy it at once, before that memory can be reused, and
    // kernel_main checks its magic and version.
    let info = unsafe { core::ptr::read(info) };
    crate::kernel_main(info)
}
