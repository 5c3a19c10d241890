/* Test-guest entry: RDI holds the start-info page; keep it and call rt_start. */
    .section .text.start, "ax"
    .global _start
_start:
    mov %rdi, rt_start_info_page(%rip)
    call rt_start
1:  hlt
    jmp 1b

    .bss
    .global rt_start_info_page
    .align 8
rt_start_info_page:
    .quad 0
