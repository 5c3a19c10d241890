/*
 * crt0: the first instructions of a Splitvisor guest (ABI.md section 1).
 *
 * Entered in 64-bit mode with paging on, interrupts off, RDI = the start-info page and RSP = a
 * loader stack. Zeroes .bss, switches to the SDK's own stack (64 KiB in .bss, with an unmapped
 * guard page below it once the runtime is up) and calls sv_start(start_info), which never returns.
 */
    .section .text.boot, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    movq    %rdi, %r12                  /* keep the start-info address */
    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    xorl    %eax, %eax
    rep stosb
    leaq    sv_boot_stack_top(%rip), %rsp
    xorl    %ebp, %ebp
    movq    %r12, %rdi
    call    sv_start
1:  cli
    hlt
    jmp     1b
    .size _start, . - _start

/* The boot stack: a guard page (unmapped by the runtime when it can), then 64 KiB. */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl sv_stack_guard
sv_stack_guard:
    .skip 4096
    .globl sv_boot_stack_bottom
sv_boot_stack_bottom:
    .skip 65536
    .globl sv_boot_stack_top
sv_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
