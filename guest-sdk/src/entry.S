/*
 * Interrupt entry points: the 32 CPU exceptions and the event-channel upcall.
 *
 * The CPU aligns RSP to 16 bytes, then pushes SS, RSP, RFLAGS, CS, RIP and, for some vectors, an
 * error code. Exception stubs push a 0 error code where the CPU does not, then the vector, then
 * the 15 general registers, which gives the layout of sv_regs_t (splitvisor/cpu.h) at RSP, and
 * RSP stays 16-byte aligned at the call (22 quadwords).
 */
    .text

.macro EXC_NOERR vec
    .p2align 4
sv_exc_\vec:
    pushq   $0
    pushq   $\vec
    jmp     sv_exception_common
.endm

.macro EXC_ERR vec
    .p2align 4
sv_exc_\vec:
    pushq   $\vec
    jmp     sv_exception_common
.endm

EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR   8
EXC_NOERR 9
EXC_ERR   10
EXC_ERR   11
EXC_ERR   12
EXC_ERR   13
EXC_ERR   14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR   17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR   21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR   29
EXC_ERR   30
EXC_NOERR 31

    .p2align 4
    .type sv_exception_common, @function
sv_exception_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld
    movq    %rsp, %rdi
    call    sv_fault                    /* does not return */
1:  cli
    hlt
    jmp     1b
    .size sv_exception_common, . - sv_exception_common

/*
 * The upcall: the hypervisor raised SV_UPCALL_VECTOR because an event channel is pending. Saves
 * the caller-saved registers (9 quadwords + the CPU's 5 keep RSP 16-byte aligned), drains the
 * events with interrupts still disabled (an interrupt gate), and returns.
 */
    .p2align 4
    .globl sv_upcall_entry
    .type sv_upcall_entry, @function
sv_upcall_entry:
    pushq   %rax
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    cld
    call    sv_evtchn_do_upcall
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rax
    iretq
    .size sv_upcall_entry, . - sv_upcall_entry

    .section .rodata
    .p2align 3
    .globl sv_exception_entries
sv_exception_entries:
    .quad sv_exc_0, sv_exc_1, sv_exc_2, sv_exc_3, sv_exc_4, sv_exc_5, sv_exc_6, sv_exc_7
    .quad sv_exc_8, sv_exc_9, sv_exc_10, sv_exc_11, sv_exc_12, sv_exc_13, sv_exc_14, sv_exc_15
    .quad sv_exc_16, sv_exc_17, sv_exc_18, sv_exc_19, sv_exc_20, sv_exc_21, sv_exc_22, sv_exc_23
    .quad sv_exc_24, sv_exc_25, sv_exc_26, sv_exc_27, sv_exc_28, sv_exc_29, sv_exc_30, sv_exc_31

    .section .note.GNU-stack, "", @progbits
