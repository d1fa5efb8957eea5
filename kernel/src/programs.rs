//! The built-in user programs, written in assembly.
//!
//! They are one position-independent blob (`user_image_start` ..
//! `user_image_end`) kept in the kernel's read-only data; `process` copies
//! the whole blob into every new process at `USER_CODE` and starts it at
//! the chosen program's offset, with RDI = the argument. The programs talk
//! to the kernel only through `int 0x80` (see `syscall.rs`: RAX = number,
//! RDI/RSI = arguments, result in RAX; every register but RAX survives).
//!
//! | program   | what it does                                                  |
//! |-----------|---------------------------------------------------------------|
//! | `counter` | prints `counter[PID]: N` for N = 1..10, sleeping 500 ms between |
//! | `hog`     | says hello, then spins forever (a CPU-bound process)          |
//! | `sleeper` | wakes every 700 ms five times and says so                     |
//! | `hello`   | prints a greeting and exits with its own pid                  |
//! | `poke`    | writes to kernel memory at 0x100000: killed by a page fault   |
//! | `badptr`  | passes a kernel pointer to `write`; exits with the result     |
//! | `spawner` | starts `counter` and `sleeper` with the spawn system call     |
//! | `yielder` | yields RDI times, then exits (the `bench` command uses it)    |

core::arch::global_asm!(
    r#"
    .section .rodata.user_image, "a"
    .balign 16
    .global user_image_start
user_image_start:

/* write(rdi = text, rsi = length) */
.macro SYS_WRITE text, len
    lea rdi, [rip + \text]
    mov esi, \len
    mov eax, 1
    int 0x80
.endm

    .global user_prog_counter
user_prog_counter:
    mov r12, 1
1:
    lea rdi, [rip + msg_counter]
    mov esi, 7
    call print_tagged
    mov rdi, r12
    call print_num_nl
    mov edi, 500
    mov eax, 3                  /* sleep(500 ms) */
    int 0x80
    inc r12
    cmp r12, 10
    jbe 1b
    xor edi, edi
    xor eax, eax                /* exit(0) */
    int 0x80

    .global user_prog_hog
user_prog_hog:
    lea rdi, [rip + msg_hog]
    mov esi, 3
    call print_tagged
    SYS_WRITE msg_spinning, 9
1:
    inc rbx
    jmp 1b

    .global user_prog_sleeper
user_prog_sleeper:
    mov r12, 1
1:
    mov edi, 700
    mov eax, 3
    int 0x80
    lea rdi, [rip + msg_sleeper]
    mov esi, 7
    call print_tagged
    SYS_WRITE msg_awake, 7
    mov rdi, r12
    call print_num_nl
    inc r12
    cmp r12, 5
    jbe 1b
    xor edi, edi
    xor eax, eax
    int 0x80

    .global user_prog_hello
user_prog_hello:
    lea rdi, [rip + msg_hello]
    mov esi, 5
    call print_tagged
    SYS_WRITE msg_hello_text, 18
    mov eax, 4                  /* getpid */
    int 0x80
    mov rdi, rax
    xor eax, eax                /* exit(pid) */
    int 0x80

    .global user_prog_poke
user_prog_poke:
    lea rdi, [rip + msg_poke]
    mov esi, 4
    call print_tagged
    SYS_WRITE msg_poke_text, 37
    mov rax, 0x100000
    mov qword ptr [rax], 0x0BADC0DE
    SYS_WRITE msg_poke_alive, 23
    xor edi, edi
    xor eax, eax
    int 0x80

    .global user_prog_badptr
user_prog_badptr:
    mov rdi, 0x100000           /* kernel memory */
    mov esi, 16
    mov eax, 1
    int 0x80
    mov rdi, rax                /* exit(result of write) */
    xor eax, eax
    int 0x80

    .global user_prog_spawner
user_prog_spawner:
    lea rdi, [rip + name_counter]
    mov esi, 7
    mov eax, 5                  /* spawn("counter") */
    int 0x80
    mov r12, rax
    lea rdi, [rip + name_sleeper]
    mov esi, 7
    mov eax, 5                  /* spawn("sleeper") */
    int 0x80
    mov r13, rax
    lea rdi, [rip + msg_spawner]
    mov esi, 7
    call print_tagged
    SYS_WRITE msg_started, 8
    mov rdi, r12
    call print_num_nl
    lea rdi, [rip + msg_spawner]
    mov esi, 7
    call print_tagged
    SYS_WRITE msg_started, 8
    mov rdi, r13
    call print_num_nl
    xor edi, edi
    xor eax, eax
    int 0x80

    .global user_prog_yielder
user_prog_yielder:
    mov r12, rdi
1:
    test r12, r12
    jz 2f
    mov eax, 2                  /* yield */
    int 0x80
    dec r12
    jmp 1b
2:
    xor edi, edi
    xor eax, eax
    int 0x80

/* print_tagged(rdi = name, rsi = length): writes "NAME[PID]: " */
print_tagged:
    mov eax, 1
    int 0x80
    SYS_WRITE msg_open, 1
    mov eax, 4
    int 0x80
    mov rdi, rax
    call print_num
    SYS_WRITE msg_close, 3
    ret

/* print_num_nl(rdi = n): the number in decimal, then a newline */
print_num_nl:
    mov al, 10
    jmp 3f
/* print_num(rdi = n): the number in decimal */
print_num:
    xor eax, eax
3:
    push rbx
    sub rsp, 32
    lea rsi, [rsp + 32]
    test al, al
    jz 4f
    dec rsi
    mov byte ptr [rsi], 10
4:
    lea rbx, [rsp + 32]
    mov rax, rdi
    mov ecx, 10
5:
    xor edx, edx
    div rcx
    add dl, 48
    dec rsi
    mov [rsi], dl
    test rax, rax
    jnz 5b
    mov rdi, rsi
    sub rbx, rsi
    mov rsi, rbx
    mov eax, 1
    int 0x80
    add rsp, 32
    pop rbx
    ret

msg_counter: .ascii "counter"
msg_hog: .ascii "hog"
msg_spinning: .ascii "spinning\n"
msg_sleeper: .ascii "sleeper"
msg_awake: .ascii "awake #"
msg_hello: .ascii "hello"
msg_hello_text: .ascii "hello from ring 3\n"
msg_poke: .ascii "poke"
msg_poke_text: .ascii "writing to kernel memory at 0x100000\n"
msg_poke_alive: .ascii "the write went through\n"
msg_spawner: .ascii "spawner"
msg_started: .ascii "started "
msg_open: .ascii "["
msg_close: .ascii "]: "
name_counter: .ascii "counter"
name_sleeper: .ascii "sleeper"

    .global user_image_end
user_image_end:
    "#
);

unsafe extern "C" {
    static user_image_start: u8;
    static user_image_end: u8;
    static user_prog_counter: u8;
    static user_prog_hog: u8;
    static user_prog_sleeper: u8;
    static user_prog_hello: u8;
    static user_prog_poke: u8;
    static user_prog_badptr: u8;
    static user_prog_spawner: u8;
    static user_prog_yielder: u8;
}

/// A built-in program: its name and its entry's offset in the image.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    pub name: &'static str,
    pub offset: u64,
}

/// The whole image, to be copied into a process.
pub fn image() -> &'static [u8] {
    let start = &raw const user_image_start;
    let end = &raw const user_image_end;
    // SAFETY: the two symbols bracket the blob in .rodata (global_asm above).
    unsafe { core::slice::from_raw_parts(start, end as usize - start as usize) }
}

/// The program called `name`, if there is one.
pub fn find(name: &str) -> Option<Program> {
    let start = &raw const user_image_start as u64;
    let entries: [(&str, *const u8); 8] = [
        ("counter", &raw const user_prog_counter),
        ("hog", &raw const user_prog_hog),
        ("sleeper", &raw const user_prog_sleeper),
        ("hello", &raw const user_prog_hello),
        ("poke", &raw const user_prog_poke),
        ("badptr", &raw const user_prog_badptr),
        ("spawner", &raw const user_prog_spawner),
        ("yielder", &raw const user_prog_yielder),
    ];
    entries
        .iter()
        .find(|e| e.0 == name)
        .map(|&(name, p)| Program {
            name,
            offset: p as u64 - start,
        })
}

/// The names, for `run` without an argument and error messages.
pub const NAMES: &str = "counter hog sleeper hello poke badptr spawner yielder";
