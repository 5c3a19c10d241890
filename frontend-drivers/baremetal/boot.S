/*
 * A multiboot (v1) entry that takes a 64-bit program into long mode, for running the emulated-
 * device drivers outside Splitvisor (QEMU's -kernel loads only 32-bit multiboot images: this one
 * is a flat binary described by the header's address fields, flag bit 16).
 *
 * 32-bit protected mode from the loader -> identity map of the first 1 GiB with 2 MiB pages,
 * CR4.PAE, EFER.LME, CR0.PG -> a 64-bit code segment -> bm_main(); its return value goes to
 * QEMU's isa-debug-exit port (0xf4), which ends QEMU with status (value << 1) | 1.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010000            /* the address fields below are valid */

    .section .multiboot, "a"
    .code32
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long mb_header                    /* header_addr */
    .long __image_start                /* load_addr */
    .long __data_end                   /* load_end_addr */
    .long __bss_end                    /* bss_end_addr */
    .long start32                      /* entry_addr */

    .section .text.boot32, "ax"
    .code32
    .globl start32
start32:
    cli
    movl $boot_stack_top, %esp
    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB, present | writable | large */
    movl $pdpt, %eax
    orl $0x3, %eax
    movl %eax, pml4
    movl $pd, %eax
    orl $0x3, %eax
    movl %eax, pdpt
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, pd(, %ecx, 8)
    movl $0, pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b
    movl $pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x20, %eax                    /* PAE */
    movl %eax, %cr4
    movl $0xC0000080, %ecx             /* EFER */
    rdmsr
    orl $0x100, %eax                   /* LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax              /* PG | PE */
    movl %eax, %cr0
    lgdt gdt_ptr
    ljmp $0x08, $start64

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    call bm_main
    movw $0xf4, %dx
    outl %eax, %dx
2:  hlt
    jmp 2b

    .section .rodata.boot, "a"
    .balign 8
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF           /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF           /* 0x10: data */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss.boot, "aw", @nobits
    .balign 4096
pml4: .skip 4096
pdpt: .skip 4096
pd:   .skip 4096
    .balign 16
    .skip 65536
boot_stack_top:
