/*
 * GDT, TSS, IDT, and the fault handler that turns a CPU exception into a crash report.
 */
#include <stdint.h>

#include "internal.h"
#include "splitvisor/sdk.h"

/* ---- descriptor tables ---- */

typedef struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} tss64_t;
_Static_assert(sizeof(tss64_t) == 104, "TSS size");

typedef struct __attribute__((packed)) idt_gate {
    uint16_t offset0;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset1;
    uint32_t offset2;
    uint32_t zero;
} idt_gate_t;
_Static_assert(sizeof(idt_gate_t) == 16, "IDT gate size");

typedef struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint64_t base;
} table_pointer_t;

static uint64_t gdt[5] __attribute__((aligned(16)));
static tss64_t tss __attribute__((aligned(16)));
static idt_gate_t idt[256] __attribute__((aligned(16)));
/* IST1 (#DF, NMI, #MC) and IST2 (#PF: a stack overflow faults on the guard page, and the report
 * still needs a stack). */
static uint8_t ist1_stack[16384] __attribute__((aligned(16)));
static uint8_t ist2_stack[16384] __attribute__((aligned(16)));

#define IST_EMERGENCY 1
#define IST_PAGE_FAULT 2

void sv_idt_set_gate(unsigned vector, void (*entry)(void), unsigned ist) {
    uint64_t a = (uint64_t)(uintptr_t)entry;
    idt_gate_t *g = &idt[vector & 255];
    g->offset0 = (uint16_t)a;
    g->selector = SV_GDT_CODE;
    g->ist = (uint8_t)(ist & 7);
    g->type_attr = 0x8E; /* present, DPL 0, 64-bit interrupt gate (clears IF) */
    g->offset1 = (uint16_t)(a >> 16);
    g->offset2 = (uint32_t)(a >> 32);
    g->zero = 0;
}

void sv_cpu_setup(void) {
    gdt[0] = 0;
    gdt[1] = 0x00AF9B000000FFFFull; /* 64-bit code, DPL 0 */
    gdt[2] = 0x00CF93000000FFFFull; /* data, DPL 0 */
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof(tss) - 1;
    gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xF) << 48) |
             (((base >> 24) & 0xFF) << 56);
    gdt[4] = base >> 32;
    tss.ist[IST_EMERGENCY - 1] = (uint64_t)(uintptr_t)(ist1_stack + sizeof ist1_stack);
    tss.ist[IST_PAGE_FAULT - 1] = (uint64_t)(uintptr_t)(ist2_stack + sizeof ist2_stack);
    tss.iomap_base = sizeof(tss);

    table_pointer_t gp = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    __asm__ __volatile__(
        "lgdt %0\n\t"
        "movw %w1, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w3, %%ax\n\t"
        "ltr %%ax"
        :
        : "m"(gp), "i"(SV_GDT_DATA), "i"(SV_GDT_CODE), "i"(SV_GDT_TSS)
        : "rax", "memory");

    for (unsigned v = 0; v < 32; v++) {
        unsigned ist = 0;
        if (v == 8 || v == 2 || v == 18) ist = IST_EMERGENCY;
        if (v == 14) ist = IST_PAGE_FAULT;
        sv_idt_set_gate(v, sv_exception_entries[v], ist);
    }
    table_pointer_t ip = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(ip) : "memory");
}

/* ---- exception names ---- */

static const char *const exception_names[32] = {
    "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow",
    "bound range exceeded", "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present", "stack-segment fault",
    "general protection fault", "page fault", "reserved (15)", "x87 floating-point error",
    "alignment check", "machine check", "SIMD floating-point error", "virtualization exception",
    "control protection exception", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "hypervisor injection exception",
    "VMM communication exception", "security exception", "reserved (31)",
};

static const char *const exception_mnemonics[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS", "#NP",
    "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *sv_exception_name(unsigned vector) {
    return vector < 32 ? exception_names[vector] : "interrupt";
}

const char *sv_exception_mnemonic(unsigned vector) {
    return vector < 32 ? exception_mnemonics[vector] : "#INT";
}

/* ---- the fault report ---- */

static int fault_depth;
static char report[3072];
static size_t report_len;

static void report_sink(void *ctx, const char *data, size_t len) {
    (void)ctx;
    size_t room = sizeof report - 1 - report_len;
    if (len > room) len = room;
    sv_memcpy(report + report_len, data, len);
    report_len += len;
}

static void rp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void rp(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sv_vformat(report_sink, NULL, fmt, ap);
    va_end(ap);
}

/* The page fault error code in words. */
static void describe_pf(uint64_t err, char *buf, size_t cap) {
    sv_snprintf(buf, cap, "%s, %s, %s%s%s", (err & 1) ? "protection violation" : "page not present",
                (err & 16) ? "instruction fetch" : (err & 2) ? "write" : "read",
                (err & 4) ? "user mode" : "kernel mode", (err & 8) ? ", reserved bit set" : "",
                (err & 32) ? ", protection key" : "");
}

static bool readable(uint64_t addr, uint64_t len) {
    uint64_t mem = sv_start_info()->memory_bytes;
    return addr >= 0x1000 && addr + len > addr && addr + len <= mem;
}

/* Emergency output for a fault inside the fault handler: hex without the formatter. */
static void emergency_hex(uint64_t v) {
    static const char hex[] = "0123456789abcdef";
    char b[19];
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < 16; i++) b[2 + i] = hex[(v >> (60 - 4 * i)) & 15];
    b[18] = 0;
    sv_debug_puts(b);
}

void sv_fault(sv_regs_t *r) {
    unsigned vector = (unsigned)r->vector;
    int code = SV_EXIT_FAULT_BASE + (int)(vector & 0x7F);
    if (fault_depth++ > 0) {
        /* A fault while reporting one: say the minimum on port 0xE9 and leave. */
        sv_debug_puts("\n*** nested fault in the fault handler: vector ");
        emergency_hex(vector);
        sv_debug_puts(" at rip ");
        emergency_hex(r->rip);
        sv_debug_puts("\n");
        if (fault_depth > 2) {
            sv_outl(SV_DEBUG_EXIT_PORT, (uint32_t)code);
            for (;;) sv_halt();
        }
        sv_console_set_emergency(true);
        sv_shutdown(SV_SHUTDOWN_CRASH, code, "nested fault in the fault handler");
    }

    uint64_t cr2 = sv_read_cr2();
    const char *name = sv_exception_name(vector);
    const char *mn = sv_exception_mnemonic(vector);
    char what[160];
    char message[200];
    bool stack_overflow = vector == 14 && cr2 >= (uint64_t)(uintptr_t)sv_stack_guard &&
                          cr2 < (uint64_t)(uintptr_t)sv_stack_guard + SV_PAGE;

    report_len = 0;
    rp("\n*** domain %u: %s (%s, vector %u) at rip 0x%016lx\n", sv_start_info()->domid, name, mn, vector,
       (unsigned long)r->rip);
    if (vector == 14) {
        describe_pf(r->error_code, what, sizeof what);
        rp("    faulting address (cr2) 0x%016lx: %s (error code 0x%lx)\n", (unsigned long)cr2, what,
           (unsigned long)r->error_code);
        if (stack_overflow) rp("    this is the stack guard page: the stack overflowed\n");
        sv_snprintf(message, sizeof message, "%s at address 0x%lx (rip 0x%lx)%s",
                    stack_overflow ? "stack overflow: page fault" : "page fault", (unsigned long)cr2,
                    (unsigned long)r->rip, "");
    } else {
        if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 ||
            vector == 30) {
            rp("    error code 0x%lx\n", (unsigned long)r->error_code);
        }
        sv_snprintf(message, sizeof message, "%s (%s) at rip 0x%lx", name, mn, (unsigned long)r->rip);
    }
    rp("    rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", (unsigned long)r->rax, (unsigned long)r->rbx,
       (unsigned long)r->rcx, (unsigned long)r->rdx);
    rp("    rsi %016lx  rdi %016lx  rbp %016lx  rsp %016lx\n", (unsigned long)r->rsi, (unsigned long)r->rdi,
       (unsigned long)r->rbp, (unsigned long)r->rsp);
    rp("    r8  %016lx  r9  %016lx  r10 %016lx  r11 %016lx\n", (unsigned long)r->r8, (unsigned long)r->r9,
       (unsigned long)r->r10, (unsigned long)r->r11);
    rp("    r12 %016lx  r13 %016lx  r14 %016lx  r15 %016lx\n", (unsigned long)r->r12, (unsigned long)r->r13,
       (unsigned long)r->r14, (unsigned long)r->r15);
    rp("    rip %016lx  rflags %08lx  cs %04lx  ss %04lx  cr2 %016lx  cr3 %016lx\n", (unsigned long)r->rip,
       (unsigned long)r->rflags, (unsigned long)r->cs, (unsigned long)r->ss, (unsigned long)cr2,
       (unsigned long)sv_read_cr3());
    if ((r->rsp & 7) == 0 && readable(r->rsp, 64) && !stack_overflow) {
        const uint64_t *sp = (const uint64_t *)(uintptr_t)r->rsp;
        rp("    stack %016lx %016lx %016lx %016lx\n          %016lx %016lx %016lx %016lx\n",
           (unsigned long)sp[0], (unsigned long)sp[1], (unsigned long)sp[2], (unsigned long)sp[3],
           (unsigned long)sp[4], (unsigned long)sp[5], (unsigned long)sp[6], (unsigned long)sp[7]);
    }
    /* The call chain, through the saved frame pointers (the SDK and guest.mk build with them). */
    uint64_t text_lo = (uint64_t)(uintptr_t)__text_start, text_hi = (uint64_t)(uintptr_t)__text_end;
    uint64_t frame = r->rbp;
    int depth = 0;
    while (depth < 16 && (frame & 7) == 0 && readable(frame, 16) && !stack_overflow) {
        const uint64_t *f = (const uint64_t *)(uintptr_t)frame;
        uint64_t ret = f[1];
        if (ret < text_lo || ret >= text_hi) break;
        rp(depth == 0 ? "    called from 0x%lx" : " <- 0x%lx", (unsigned long)ret);
        depth++;
        if (f[0] <= frame) break;
        frame = f[0];
    }
    if (depth) rp("\n");
    rp("    domain %u ends as crashed, exit code %d (find rip with: addr2line -e <guest>.elf 0x%lx)\n",
       sv_start_info()->domid, code, (unsigned long)r->rip);

    sv_console_write(report, report_len);
    sv_console_flush(0);
    sv_shutdown(SV_SHUTDOWN_CRASH, code, message);
}
