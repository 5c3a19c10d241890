/*
 * The runtime: from crt0 to main, the command line, and the ways a domain ends.
 */
#include <stdarg.h>

#include "internal.h"
#include "splitvisor/sdk.h"

static sv_start_info_t start_info;
static sv_version_response_t version;
static char home[40];

const sv_start_info_t *sv_start_info(void) { return &start_info; }
const sv_version_response_t *sv_hypervisor_version(void) { return &version; }
const char *sv_home_path(void) { return home; }

/* ---- ending ---- */

static bool hypercalls_ready;

void sv_shutdown(int reason, int code, const char *msg) {
    if (hypercalls_ready) {
        static sv_shutdown_request_t req;
        sv_shutdown_request_init(&req);
        req.reason = reason;
        req.exit_code = code;
        sv_strlcpy(req.message, msg ? msg : "", sizeof req.message);
        sv_shutdown_response_t rsp;
        sv_hc_sched_shutdown(&req, &rsp);
        /* Only an unknown reason returns; fall through to the debug-exit port. */
    }
    sv_outl(SV_DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;) {
        sv_irq_disable();
        sv_halt();
    }
}

void sv_early_fail(int code, const char *msg) {
    sv_debug_puts("splitvisor guest: ");
    sv_debug_puts(msg);
    sv_debug_puts("\n");
    sv_shutdown(SV_SHUTDOWN_CRASH, code, msg);
}

void sv_exit(int code) {
    sv_console_flush(SV_NS_PER_SEC);
    sv_shutdown(SV_SHUTDOWN_POWEROFF, code, "");
}

void sv_crash_code(int exit_code, const char *reason) {
    sv_console_flush(SV_NS_PER_SEC);
    sv_shutdown(SV_SHUTDOWN_CRASH, exit_code, reason);
}

void sv_crash(const char *reason) { sv_crash_code(SV_EXIT_PANIC, reason); }

void sv_panic(const char *fmt, ...) {
    static char msg[257];
    va_list ap;
    va_start(ap, fmt);
    sv_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sv_printf("panic: %s\n", msg);
    sv_crash(msg);
}

/* ---- the command line ---- */

const char *sv_cmdline(void) { return start_info.cmdline; }

bool sv_cmdline_has(const char *key) { return sv_cmdline_lookup(start_info.cmdline, key, NULL, 0); }

bool sv_cmdline_get(const char *key, char *buf, size_t cap) {
    return sv_cmdline_lookup(start_info.cmdline, key, buf, cap);
}

uint64_t sv_cmdline_get_u64(const char *key, uint64_t dflt) {
    char buf[32];
    uint64_t v;
    if (!sv_cmdline_get(key, buf, sizeof buf) || !sv_parse_u64(buf, &v)) return dflt;
    return v;
}

/* ---- memory ---- */

static sv_pagealloc_t pages;
static sv_heap_t heap;

sv_pagealloc_t *sv_pages(void) { return &pages; }
sv_heap_t *sv_heap(void) { return &heap; }
void *sv_page_alloc(size_t n) { return sv_pagealloc_alloc(&pages, n); }
void sv_page_free(void *p, size_t n) { sv_pagealloc_free(&pages, p, n); }
size_t sv_pages_free(void) { return pages.free_pages; }
size_t sv_pages_total(void) { return pages.pages; }

void *sv_page_alloc_zeroed(size_t n) {
    void *p = sv_page_alloc(n);
    if (p) sv_memset(p, 0, n * SV_PAGE);
    return p;
}

static void *heap_grow(void *ctx, size_t n) {
    (void)ctx;
    return sv_page_alloc(n);
}

static void heap_release(void *ctx, void *p, size_t n) {
    (void)ctx;
    sv_page_free(p, n);
}

static void heap_corrupt(const char *what, void *p) { sv_panic("heap: %s (%p)", what, p); }

void *sv_malloc(size_t size) {
    unsigned long f = sv_irq_save();
    void *p = sv_heap_alloc(&heap, size);
    sv_irq_restore(f);
    return p;
}

void *sv_calloc(size_t count, size_t size) {
    if (size && count > (size_t)-1 / size) return NULL;
    void *p = sv_malloc(count * size);
    if (p) sv_memset(p, 0, count * size);
    return p;
}

void *sv_realloc(void *p, size_t size) {
    unsigned long f = sv_irq_save();
    void *q = sv_heap_realloc(&heap, p, size);
    sv_irq_restore(f);
    return q;
}

void sv_free(void *p) {
    unsigned long f = sv_irq_save();
    sv_heap_free(&heap, p);
    sv_irq_restore(f);
}

void *sv_malloc_or_die(size_t size) {
    void *p = sv_malloc(size);
    if (!p) {
        sv_printf("out of memory allocating %zu bytes\n", size);
        sv_crash_code(SV_EXIT_OUT_OF_MEMORY, "out of memory");
    }
    return p;
}

static void reserve(uint64_t gpa, uint64_t bytes) {
    if (gpa && bytes) sv_pagealloc_reserve(&pages, (uintptr_t)gpa, (uintptr_t)(gpa + bytes));
}

void sv_mm_setup(const sv_start_info_t *si) {
    uint64_t start = si->first_free_gpa;
    uint64_t image_end = (uint64_t)(uintptr_t)__image_end;
    if (start < image_end) start = image_end;
    if (sv_pagealloc_init(&pages, (uintptr_t)start, (uintptr_t)si->memory_bytes) == SV_STATUS_OK) {
        /* Platform pages the loader may have put above the image. */
        reserve(si->shared_info_gpa, SV_PAGE);
        reserve(si->hypercall_frame_gpa, (uint64_t)si->hypercall_frame_size * (si->vcpus ? si->vcpus : 1));
        reserve(si->console_ring_gpa, SV_PAGE);
        reserve(si->store_ring_gpa, SV_PAGE);
        reserve(si->grant_table_gpa, (uint64_t)si->grant_table_frames * SV_PAGE);
        reserve(si->grant_map_gpa, (uint64_t)si->grant_map_pages * SV_PAGE);
        if (si->stack_top_gpa >= SV_PAGE) reserve(si->stack_top_gpa - SV_PAGE, SV_PAGE);
    }
    sv_heap_init(&heap, heap_grow, heap_release, NULL);
    heap.corrupt = heap_corrupt;
}

/* Unmaps the page below the boot stack when the loader mapped it with a 4 KiB page, so a stack
 * overflow faults (and is reported) instead of overwriting .bss. */
static void unmap_stack_guard(const sv_start_info_t *si) {
    uint64_t va = (uint64_t)(uintptr_t)sv_stack_guard;
    uint64_t table = sv_read_cr3() & 0x000FFFFFFFFFF000ull;
    for (int level = 3; level >= 0; level--) {
        if (table == 0 || table + SV_PAGE > si->memory_bytes) return;
        uint64_t *entries = (uint64_t *)(uintptr_t)table;
        unsigned idx = (unsigned)(va >> (12 + 9 * level)) & 511;
        uint64_t e = entries[idx];
        if (!(e & 1)) return;
        if (level == 0) {
            entries[idx] = e & ~1ull;
            sv_invlpg(sv_stack_guard);
            return;
        }
        if (e & 0x80) return; /* a large page: no guard */
        table = e & 0x000FFFFFFFFFF000ull;
    }
}

/* ---- the store transport ---- */

static uint32_t store_port;

static void store_notify(void *ctx) {
    (void)ctx;
    sv_evtchn_send(store_port);
}

static int store_wait(void *ctx, uint64_t deadline, bool (*ready)(void *), void *arg) {
    (void)ctx;
    return sv_wait(ready, arg, deadline);
}

static uint64_t store_now(void *ctx) {
    (void)ctx;
    return sv_time_ns();
}

int sv_store_setup_default(void) {
    if (!start_info.store_ring_gpa || !start_info.store_evtchn) return SV_STATUS_ENODEV;
    store_port = start_info.store_evtchn;
    sv_store_transport_t t = {
        .ring = (sv_store_ring_t *)(uintptr_t)start_info.store_ring_gpa,
        .notify = store_notify,
        .wait = store_wait,
        .now = store_now,
        .ctx = NULL,
    };
    sv_store_setup(&t);
    return SV_STATUS_OK;
}

/* ---- start ---- */

static void grants_setup(const sv_start_info_t *si) {
    if (si->grant_table_gpa && si->grant_table_frames) {
        uint32_t n = si->grant_table_frames * SV_GRANT_ENTRIES_PER_PAGE;
        size_t storage_pages = ((size_t)n * sizeof(uint32_t) + SV_PAGE - 1) / SV_PAGE;
        uint32_t *storage = sv_page_alloc(storage_pages);
        if (storage) sv_gnttab_setup((sv_grant_entry_t *)(uintptr_t)si->grant_table_gpa, n, storage);
    }
    if (si->grant_map_gpa && si->grant_map_pages) sv_grant_map_setup(si->grant_map_gpa, si->grant_map_pages);
}

void sv_start(uint64_t start_info_gpa) __attribute__((noreturn, used));
void sv_start(uint64_t start_info_gpa) {
    uint32_t r[4];
    sv_cpuid(SV_CPUID_LEAF_SIGNATURE, 0, r);
    if (r[1] != SV_CPUID_SIGNATURE_EBX || r[2] != SV_CPUID_SIGNATURE_ECX || r[3] != SV_CPUID_SIGNATURE_EDX) {
        sv_early_fail(SV_EXIT_NOT_SPLITVISOR, "no \"SplitvisorPV\" CPUID signature: not running on Splitvisor");
    }
    if (start_info_gpa == 0 && r[0] >= SV_CPUID_LEAF_PLATFORM) {
        sv_cpuid(SV_CPUID_LEAF_PLATFORM, 0, r);
        start_info_gpa = (uint64_t)r[2] | (uint64_t)r[3] << 32;
    }

    sv_cpu_setup();

    if (start_info_gpa == 0 || (start_info_gpa & (SV_PAGE - 1))) {
        sv_early_fail(SV_EXIT_BAD_START, "no start-info page (RDI and CPUID 0x40000002 are 0 or unaligned)");
    }
    const sv_start_info_page_t *page = (const sv_start_info_page_t *)(uintptr_t)start_info_gpa;
    if (page->magic != SV_START_INFO_MAGIC) sv_early_fail(SV_EXIT_BAD_START, "start-info page without the SVSI magic");
    if (page->length > SV_START_INFO_PAGE_MAX_DATA ||
        sv_start_info_decode(&start_info, page->data, page->length) != SV_PB_OK) {
        sv_early_fail(SV_EXIT_BAD_START, "the start info does not decode");
    }
    if (sv_hypercall_setup(start_info.hypercall_frame_gpa, start_info.hypercall_frame_size) != SV_STATUS_OK) {
        sv_early_fail(SV_EXIT_BAD_START, "the start info has no usable hypercall frame");
    }
    hypercalls_ready = true;
    sv_snprintf(home, sizeof home, "/local/domain/%u", start_info.domid);

    sv_version_request_t vreq = {0};
    int rc = sv_hc_version(&vreq, &version);
    if (rc != SV_STATUS_OK) {
        /* Keep going with the start info's version. */
        version.abi_major = start_info.abi_version >> 16;
        version.abi_minor = start_info.abi_version & 0xFFFF;
    }
    if (version.abi_major != SV_ABI_MAJOR) {
        char msg[120];
        sv_snprintf(msg, sizeof msg, "the hypervisor speaks ABI %u.%u; this guest was built for %u.%u",
                    version.abi_major, version.abi_minor, SV_ABI_MAJOR, SV_ABI_MINOR);
        sv_early_fail(SV_EXIT_ABI_MISMATCH, msg);
    }

    if (sv_cmdline_has("debugcon")) sv_console_mirror_debug(true);
    if (start_info.console_ring_gpa) {
        sv_console_setup((sv_console_ring_t *)(uintptr_t)start_info.console_ring_gpa, start_info.console_evtchn);
    }

    sv_mm_setup(&start_info);
    unmap_stack_guard(&start_info);

    if (start_info.shared_info_gpa) {
        sv_evtchn_setup((sv_shared_info_t *)(uintptr_t)start_info.shared_info_gpa);
        sv_upcall_setup();
    }
    grants_setup(&start_info);
    if (start_info.store_ring_gpa) sv_store_setup_default();
    /* Mask bits belong to the guest: make sure the platform channels can wake us. */
    if (start_info.console_evtchn) sv_evtchn_unmask(start_info.console_evtchn);
    if (start_info.store_evtchn) sv_evtchn_unmask(start_info.store_evtchn);

    sv_irq_enable();
    sv_exit(main());
}
