//! Support for the integration tests in tests/: see tests/vm.rs.
//!
//! cosmwasm-vm 1.5 pins wasmer 4.2.2, whose `wasmer_vm_probestack` libcall refers to
//! `__rust_probestack`, a symbol that current Rust toolchains no longer export from
//! compiler-builtins. This crate supplies it so the VM links. It is the usual x86-64 stack probe:
//! called with the frame size in rax, it touches the stack one page at a time down to
//! rsp - rax (so a guard page is hit in order) and returns with every register as it was.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
std::arch::global_asm!(
    ".globl __rust_probestack",
    ".type __rust_probestack, @function",
    "__rust_probestack:",
    "    push rbp",
    "    mov rbp, rsp",
    "    mov r11, rax",
    "    cmp r11, 0x1000",
    "    jna 3f",
    "2:",
    "    sub rsp, 0x1000",
    "    test qword ptr [rsp + 8], rsp",
    "    sub r11, 0x1000",
    "    cmp r11, 0x1000",
    "    ja 2b",
    "3:",
    "    sub rsp, r11",
    "    test qword ptr [rsp + 8], rsp",
    "    add rsp, rax",
    "    leave",
    "    ret",
    ".size __rust_probestack, . - __rust_probestack",
);

/// Referenced by the tests so the linker keeps this object (and its symbol).
pub fn link_probestack() {}
