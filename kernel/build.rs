//! Links the kernel at its fixed physical address with our linker script.
//! Passing the script from here (not from .cargo/config.toml) makes a plain
//! `cargo build --manifest-path kernel/Cargo.toml` work from any directory.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rustc-link-arg-bins=-T{dir}/linker.ld");
    // The target defaults to a static PIE; our loaders place the image at
    // its link address and apply no relocations, so ask for a plain ELF.
    println!("cargo:rustc-link-arg-bins=--no-pie");
    println!("cargo:rerun-if-changed=linker.ld");
}
