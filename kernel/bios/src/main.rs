//! Our BIOS bootloader: MBR, second stage, and the 64-bit ELF loader.
//!
//! 1. The BIOS loads sector 0 (the MBR, `mbr_start`) at 0x7C00 and jumps to
//!    it in 16-bit real mode. The MBR records the TSC and the boot drive,
//!    reads the second stage (its sector count is in the loader header the
//!    image builder filled in at 0x1A0) to 0x7E00 with INT 13h extended
//!    reads, and jumps there.
//! 2. The second stage (`stage2_start`, still real mode) enables A20, reads
//!    the E820 memory map with INT 15h, reads the command-line sector and the
//!    kernel ELF file into a buffer at 0x10000, then loads a GDT and enters
//!    32-bit protected mode.
//! 3. In 32-bit mode it identity-maps the first 4 GiB with 2 MiB pages
//!    (tables at 0x80000), enables PAE, long mode and paging, and far-jumps
//!    to 64-bit code, which calls [`loader_main`].
//! 4. `loader_main` (Rust) checks the ELF, copies each PT_LOAD segment to its
//!    physical address and zeroes the rest of it, fills a `BootInfo`, and
//!    jumps to the ELF entry with RDI pointing at it.
//!
//! Any failure prints a reason on COM1 and leaves QEMU through isa-debug-exit
//! with the failure code, so a broken image is reported, not hung.
//!
//! Low-memory map while loading:
//! ```text
//! 0x0600  u64 TSC at MBR entry, 0x0608 u8 boot drive
//! 0x0500..0x7C00  stack (grows down from 0x7C00)
//! 0x7C00  MBR (loader header at 0x7DA0)
//! 0x7E00  second stage: code, data, E820 and command-line buffers, BootInfo
//! 0x10000..0x80000  kernel ELF file buffer (448 KiB)
//! 0x80000..0x86000  page tables: PML4, PDPT, 4 page directories
//! ```
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use core::fmt::{self, Write};

use bootinfo::{BootInfo, BootMethod, MemoryRegion};

global_asm!(
    r#"
    .section .mbr, "ax"
    .code16
    .global mbr_start
mbr_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7c00, %sp
    ljmp $0, $mbr_main          /* some BIOSes enter at 07C0:0000 */
mbr_main:
    cld
    movb %dl, 0x608             /* boot drive, before rdtsc overwrites DL */
    rdtsc
    movl %eax, 0x600
    movl %edx, 0x604
    sti
    cmpl $0x444c474d, hdr_magic /* "MGLD": the image builder filled the header */
    jne mbr_no_header
    movw hdr_stage2_sectors, %ax
    movw %ax, dap_count
    movw $0x7e00, dap_off
    movw $0, dap_seg
    movl $1, dap_lba
    movl $0, dap_lba + 4
    call read_sectors
    ljmp $0, $stage2_start
mbr_no_header:
    movw $msg_no_header, %si
    jmp fail16

/* Reads dap_count sectors at dap_lba to dap_seg:dap_off (INT 13h AH=42h). */
read_sectors:
    movw $dap, %si
    movb $0x42, %ah
    movb 0x608, %dl
    int $0x13
    jc 1f
    ret
1:
    movw $msg_disk, %si
    /* fall through */

/* Prints the NUL-terminated string at DS:SI on COM1, then exits QEMU with
   the failure code (or halts where there is no isa-debug-exit device). */
fail16:
    lodsb
    testb %al, %al
    jz 1f
    movw $0x3f8, %dx
    outb %al, %dx
    jmp fail16
1:
    movw $0xf4, %dx
    movl $0x11, %eax
    outl %eax, %dx
2:
    cli
    hlt
    jmp 2b

    .balign 4
dap:
    .byte 0x10, 0
dap_count:
    .word 0
dap_off:
    .word 0
dap_seg:
    .word 0
dap_lba:
    .quad 0

msg_disk:
    .asciz "[loader] disk read failed\r\n"
msg_no_header:
    .asciz "[loader] no loader header: write the image with kernel-runner\r\n"

    .org 0x1a0
    .global hdr_magic
hdr_magic:
    .long 0
hdr_stage2_sectors:
    .word 0
    .word 0
    .global hdr_cmdline_lba
hdr_cmdline_lba:
    .long 0
    .global hdr_kernel_lba
hdr_kernel_lba:
    .long 0
    .global hdr_kernel_bytes
hdr_kernel_bytes:
    .long 0
    .long 0
    .org 0x1fe
    .byte 0x55, 0xaa

    .section .stage2, "ax"
    .code16
stage2_start:
    /* A20 through the "fast A20" port (QEMU already has it on). */
    inb $0x92, %al
    orb $2, %al
    andb $0xfe, %al
    outb %al, $0x92

    /* E820: up to 64 entries of 24 bytes into e820_buf. */
    xorl %ebx, %ebx
    movw $e820_buf, %di
    xorw %bp, %bp
e820_next:
    movl $0xe820, %eax
    movl $0x534d4150, %edx
    movl $24, %ecx
    movl $1, 20(%di)
    int $0x15
    jc e820_done
    cmpl $0x534d4150, %eax
    jne e820_failed
    testl %ecx, %ecx
    jz e820_skip
    incw %bp
    addw $24, %di
    cmpw $64, %bp
    jae e820_done
e820_skip:
    testl %ebx, %ebx
    jnz e820_next
e820_done:
    movw %bp, e820_count
    testw %bp, %bp
    jz e820_failed

    /* The command-line sector. */
    movl hdr_cmdline_lba, %eax
    movl %eax, dap_lba
    movl $0, dap_lba + 4
    movw $1, dap_count
    movw $cmdline_buf, dap_off
    movw $0, dap_seg
    call read_sectors

    /* The kernel ELF, 64 sectors (32 KiB) per call, to 0x10000 onwards. */
    movl hdr_kernel_bytes, %ecx
    addl $511, %ecx
    shrl $9, %ecx
    cmpl $896, %ecx
    ja kernel_too_big
    movl hdr_kernel_lba, %eax
    movl %eax, dap_lba
    movw $0, dap_off
    movw $0x1000, dap_seg
kernel_next:
    testl %ecx, %ecx
    jz kernel_loaded
    movl %ecx, %ebx
    cmpl $64, %ebx
    jbe 1f
    movl $64, %ebx
1:
    movw %bx, dap_count
    pushl %ecx
    pushl %ebx
    call read_sectors
    popl %ebx
    popl %ecx
    subl %ebx, %ecx
    addl %ebx, dap_lba
    shll $5, %ebx               /* sectors * 512 / 16 = paragraphs */
    addw %bx, dap_seg
    jmp kernel_next

e820_failed:
    movw $msg_e820, %si
    jmp fail16
kernel_too_big:
    movw $msg_too_big, %si
    jmp fail16

kernel_loaded:
    cli
    lgdt gdt_ptr
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $pm32

    .code32
pm32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $0x7c00, %esp

    /* Page tables at 0x80000: PML4, PDPT, then 4 PDs of 2 MiB pages = 4 GiB. */
    movl $0x80000, %edi
    movl $(0x6000 / 4), %ecx
    xorl %eax, %eax
    rep stosl
    movl $0x81003, 0x80000
    movl $0x82003, 0x81000
    movl $0x83003, 0x81008
    movl $0x84003, 0x81010
    movl $0x85003, 0x81018
    xorl %ecx, %ecx
1:
    movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, 0x82000(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    movl %cr4, %eax
    orl $(1 << 5), %eax         /* PAE */
    movl %eax, %cr4
    movl $0x80000, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx      /* EFER.LME */
    rdmsr
    orl $(1 << 8), %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80010000, %eax       /* PG, WP */
    movl %eax, %cr0
    ljmp $0x18, $lm64

    .code64
lm64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq $0x7c00, %rsp
    call loader_main
    ud2

    .balign 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
    .quad 0x00AF9A000000FFFF    /* 0x18: 64-bit code */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

msg_e820:
    .asciz "[loader] BIOS gave no E820 memory map\r\n"
msg_too_big:
    .asciz "[loader] kernel larger than the 448 KiB load buffer\r\n"

    .balign 8
    .global e820_count
e820_count:
    .word 0
    .balign 8
    .global e820_buf
e820_buf:
    .skip 64 * 24
    .global cmdline_buf
cmdline_buf:
    .skip 512
    "#,
    options(att_syntax)
);

unsafe extern "C" {
    static hdr_kernel_bytes: u32;
    static e820_count: u16;
    static e820_buf: [u8; 64 * 24];
    static cmdline_buf: [u8; 512];
}

const KERNEL_BUFFER: usize = 0x10000;
const START_TSC: usize = 0x600;
/// Segments must land in this window: above the first MiB (BIOS, loader,
/// buffers) and inside the 4 GiB the loader's page tables map.
const LOAD_MIN: u64 = 0x10_0000;
const LOAD_MAX: u64 = 0x1_0000_0000;

static mut BOOT_INFO: BootInfo = BootInfo::empty(BootMethod::Bios);

struct Com1;

impl Write for Com1 {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            // SAFETY: writing a byte to COM1's data register; QEMU needs no setup.
            unsafe { asm!("out dx, al", in("dx") 0x3F8u16, in("al") b, options(nomem, nostack)) };
        }
        Ok(())
    }
}

/// Reports a loader failure and leaves QEMU with the failure code.
fn fail(args: fmt::Arguments) -> ! {
    let _ = Com1.write_fmt(format_args!("[loader] {args}\r\n"));
    loop {
        // SAFETY: isa-debug-exit ends QEMU; without the device we halt.
        unsafe {
            asm!("out dx, eax", in("dx") 0xF4u16, in("eax") 0x11u32, options(nomem, nostack));
            asm!("cli; hlt", options(nomem, nostack));
        }
    }
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// Copies the kernel's segments into place and returns its entry point.
fn load_elf(elf: &[u8]) -> Result<u64, &'static str> {
    if elf.get(0..4) != Some(b"\x7fELF") {
        return Err("kernel is not an ELF file");
    }
    if elf.get(4) != Some(&2) || elf.get(5) != Some(&1) || u16_at(elf, 18) != Some(0x3E) {
        return Err("kernel is not a 64-bit little-endian x86_64 ELF");
    }
    let entry = u64_at(elf, 24).ok_or("truncated ELF header")?;
    let phoff = u64_at(elf, 32).ok_or("truncated ELF header")? as usize;
    let phentsize = u16_at(elf, 54).ok_or("truncated ELF header")? as usize;
    let phnum = u16_at(elf, 56).ok_or("truncated ELF header")? as usize;
    if phentsize < 56 {
        return Err("ELF program headers too small");
    }
    let mut loaded = 0;
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        if u32_at(elf, ph).ok_or("truncated program header")? != 1 {
            continue; // only PT_LOAD segments occupy memory
        }
        let offset = u64_at(elf, ph + 8).ok_or("truncated program header")? as usize;
        let paddr = u64_at(elf, ph + 24).ok_or("truncated program header")?;
        let filesz = u64_at(elf, ph + 32).ok_or("truncated program header")? as usize;
        let memsz = u64_at(elf, ph + 40).ok_or("truncated program header")?;
        let data = elf
            .get(offset..offset.checked_add(filesz).ok_or("segment size overflows")?)
            .ok_or("segment runs past the end of the file")?;
        if (memsz as usize) < filesz
            || paddr < LOAD_MIN
            || paddr.checked_add(memsz).is_none_or(|end| end > LOAD_MAX)
        {
            return Err("segment outside the loadable window 1 MiB..4 GiB");
        }
        // SAFETY: the destination lies in 1 MiB..4 GiB, identity-mapped by our
        // page tables and used by nothing of the loader's (its data is below 1 MiB).
        unsafe {
            core::ptr::copy_nonoverlapping(data.as_ptr(), paddr as *mut u8, filesz);
            core::ptr::write_bytes(
                (paddr as usize + filesz) as *mut u8,
                0,
                memsz as usize - filesz,
            );
        }
        loaded += 1;
    }
    if loaded == 0 {
        return Err("kernel ELF has no loadable segments");
    }
    Ok(entry)
}

#[unsafe(no_mangle)]
extern "C" fn loader_main() -> ! {
    // SAFETY: only this function touches BOOT_INFO, once, before the kernel runs.
    let info: &mut BootInfo = unsafe { &mut *core::ptr::addr_of_mut!(BOOT_INFO) };
    // SAFETY: the MBR stored the TSC at 0x600; the header and buffers are
    // statics filled by the real-mode code before we got here.
    let (kernel_bytes, count, e820, cmdline) = unsafe {
        info.start_tsc = core::ptr::read_volatile(START_TSC as *const u64);
        (
            hdr_kernel_bytes as usize,
            e820_count as usize,
            &e820_buf,
            &cmdline_buf,
        )
    };
    for i in 0..count.min(64) {
        let e = &e820[i * 24..i * 24 + 24];
        let (Some(start), Some(len), Some(kind)) = (u64_at(e, 0), u64_at(e, 8), u32_at(e, 16))
        else {
            continue;
        };
        if len > 0
            && !info.push_region(MemoryRegion {
                start,
                len,
                kind,
                reserved: 0,
            })
        {
            break;
        }
    }
    info.set_cmdline(cmdline);
    // SAFETY: stage 2 read exactly kernel_bytes (rounded up to a sector) to
    // the buffer at 0x10000, and the image builder capped the size at 448 KiB.
    let elf = unsafe { core::slice::from_raw_parts(KERNEL_BUFFER as *const u8, kernel_bytes) };
    let entry = match load_elf(elf) {
        Ok(e) => e,
        Err(why) => fail(format_args!("{why}")),
    };
    // SAFETY: entry is the kernel's 64-bit entry (`_start64`), which takes the
    // BootInfo pointer in RDI, sets up its own stack and never returns.
    unsafe {
        asm!("jmp {entry}", entry = in(reg) entry, in("rdi") info as *const BootInfo, options(noreturn))
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    fail(format_args!("loader panicked"))
}
