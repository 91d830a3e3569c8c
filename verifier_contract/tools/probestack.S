/* __rust_probestack for x86-64 Linux: the stack probe wasmer 4.2 (cosmwasm-vm / cosmwasm-check
 * 1.5) calls but current Rust no longer exports from compiler-builtins. Frame size in rax; touches
 * the stack one page at a time down to rsp - rax; every register is preserved. Linked in by
 * cc-with-probestack.sh when installing cosmwasm-check (see scripts/build_contracts.sh). */
    .intel_syntax noprefix
    .text
    .globl __rust_probestack
    .type __rust_probestack, @function
__rust_probestack:
    push rbp
    mov rbp, rsp
    mov r11, rax
    cmp r11, 0x1000
    jna 3f
2:
    sub rsp, 0x1000
    test qword ptr [rsp + 8], rsp
    sub r11, 0x1000
    cmp r11, 0x1000
    ja 2b
3:
    sub rsp, r11
    test qword ptr [rsp + 8], rsp
    add rsp, rax
    leave
    ret
    .size __rust_probestack, . - __rust_probestack
    .section .note.GNU-stack,"",@progbits
