/*
 * The PV console ring (ABI.md section 8), with port 0xE9 as the fallback, and sv_printf.
 */
#include "internal.h"
#include "splitvisor/sdk.h"

#define OUT_SIZE SV_CONSOLE_OUT_SIZE
#define IN_SIZE SV_CONSOLE_IN_SIZE

/* How long a writer waits for dom0 to make room before giving up on the ring. */
#define STALL_TIMEOUT_NS (5 * SV_NS_PER_SEC)

static sv_console_ring_t *ring;
static uint32_t port;
static bool mirror;
static bool emergency;
static bool stalled;

void sv_debug_putc(char c) { sv_outb(SV_DEBUG_CONSOLE_PORT, (uint8_t)c); }

void sv_debug_write(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) sv_outb(SV_DEBUG_CONSOLE_PORT, (uint8_t)s[i]);
}

void sv_debug_puts(const char *s) { sv_debug_write(s, sv_strlen(s)); }

void sv_console_setup(sv_console_ring_t *r, uint32_t evtchn) {
    ring = r;
    port = evtchn;
}

uint32_t sv_console_evtchn(void) { return ring ? port : 0; }
void sv_console_mirror_debug(bool on) { mirror = on; }
void sv_console_set_emergency(bool on) { emergency = on; }

static uint32_t load_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void notify(void) {
    if (port) sv_evtchn_send(port);
}

static bool out_has_room(void *arg) {
    (void)arg;
    return ring->out_prod - load_u32(&ring->out_cons) < OUT_SIZE;
}

static bool out_empty(void *arg) {
    (void)arg;
    return load_u32(&ring->out_cons) == ring->out_prod;
}

size_t sv_console_write(const char *data, size_t len) {
    if (!ring || emergency || stalled) {
        sv_debug_write(data, len);
        return len;
    }
    if (mirror) sv_debug_write(data, len);
    size_t done = 0;
    while (done < len) {
        uint32_t prod = ring->out_prod;
        uint32_t used = prod - load_u32(&ring->out_cons);
        if (used > OUT_SIZE) {
            /* dom0 wrote nonsense into out_cons: the ring is unusable. */
            stalled = true;
            sv_debug_write(data + done, len - done);
            return len;
        }
        uint32_t room = OUT_SIZE - used;
        if (room == 0) {
            notify();
            if (sv_wait(out_has_room, NULL, sv_deadline_in(STALL_TIMEOUT_NS)) != SV_STATUS_OK) {
                stalled = true;
                sv_debug_puts("\n[console ring stalled: dom0 consumed nothing for 5 s; output continues on port 0xE9]\n");
                sv_debug_write(data + done, len - done);
                return len;
            }
            continue;
        }
        size_t n = len - done < room ? len - done : room;
        for (size_t i = 0; i < n; i++) ring->out[(prod + i) & (OUT_SIZE - 1)] = (uint8_t)data[done + i];
        sv_wmb();
        __atomic_store_n(&ring->out_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
        done += n;
    }
    notify();
    return len;
}

void sv_putc(char c) { sv_console_write(&c, 1); }

void sv_console_puts(const char *s) { sv_console_write(s, sv_strlen(s)); }

void sv_puts(const char *s) {
    sv_console_puts(s);
    sv_putc('\n');
}

bool sv_console_flush(uint64_t timeout_ns) {
    if (!ring || emergency || stalled) return true;
    if (out_empty(NULL)) return true;
    notify();
    if (!sv_shared_info()) return false;
    return sv_wait(out_empty, NULL, sv_deadline_in(timeout_ns ? timeout_ns : SV_NS_PER_SEC)) == SV_STATUS_OK;
}

/* ---- input ---- */

size_t sv_console_read(char *buf, size_t cap) {
    if (!ring) return 0;
    uint32_t cons = ring->in_cons;
    uint32_t avail = load_u32(&ring->in_prod) - cons;
    if (avail > IN_SIZE) avail = 0; /* a broken producer: ignore */
    size_t n = avail < cap ? avail : cap;
    for (size_t i = 0; i < n; i++) buf[i] = (char)ring->in[(cons + i) & (IN_SIZE - 1)];
    if (n) {
        __atomic_store_n(&ring->in_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
        notify();
    }
    return n;
}

static bool input_ready(void *arg) {
    (void)arg;
    return load_u32(&ring->in_prod) != ring->in_cons;
}

int sv_getc(uint64_t timeout_ns) {
    if (!ring) return -1;
    char c;
    uint64_t deadline = timeout_ns ? sv_deadline_in(timeout_ns) : 0;
    for (;;) {
        if (sv_console_read(&c, 1) == 1) return (unsigned char)c;
        if (sv_wait(input_ready, NULL, deadline) != SV_STATUS_OK) return -1;
    }
}

int sv_console_readline(char *buf, size_t cap, uint64_t timeout_ns) {
    size_t n = 0;
    uint64_t deadline = timeout_ns ? sv_deadline_in(timeout_ns) : 0;
    for (;;) {
        uint64_t left = 0;
        if (deadline) {
            uint64_t now = sv_time_ns();
            if (now >= deadline) return -1;
            left = deadline - now;
        }
        int c = sv_getc(left);
        if (c < 0) return -1;
        if (c == '\r' || c == '\n') break;
        if (n + 1 < cap) buf[n++] = (char)c;
    }
    if (cap) buf[n] = 0;
    return (int)n;
}

/* ---- printf ---- */

typedef struct line_buffer {
    char data[256];
    size_t used;
} line_buffer_t;

static void to_console(void *ctx, const char *data, size_t len) {
    line_buffer_t *b = ctx;
    while (len) {
        size_t room = sizeof b->data - b->used;
        size_t n = len < room ? len : room;
        sv_memcpy(b->data + b->used, data, n);
        b->used += n;
        data += n;
        len -= n;
        if (b->used == sizeof b->data) {
            sv_console_write(b->data, b->used);
            b->used = 0;
        }
    }
}

int sv_vprintf(const char *fmt, va_list ap) {
    line_buffer_t b;
    b.used = 0;
    int n = sv_vformat(to_console, &b, fmt, ap);
    if (b.used) sv_console_write(b.data, b.used);
    return n;
}

int sv_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = sv_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
