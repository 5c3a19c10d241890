#include "rt.h"

sv_start_info_t rt_si;
extern uint64_t rt_start_info_page;

void *memset(void *d, int c, size_t n) { uint8_t *p = d; while (n--) *p++ = (uint8_t)c; return d; }
void *memcpy(void *d, const void *s, size_t n) { uint8_t *p = d; const uint8_t *q = s; while (n--) *p++ = *q++; return d; }
int memcmp(const void *a, const void *b, size_t n) {
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++) if (*p != *q) return *p - *q;
    return 0;
}

void rt_debug(const char *s) { while (*s) rt_outb(SV_DEBUG_CONSOLE_PORT, (uint8_t)*s++); }

int sv_hypercall(uint32_t op, const sv_pb_msgdesc_t *req_desc, const void *req, const sv_pb_msgdesc_t *rsp_desc, void *rsp) {
    sv_hypercall_frame_t *f = (sv_hypercall_frame_t *)(uintptr_t)rt_si.hypercall_frame_gpa;
    uint8_t *payload = (uint8_t *)f + sizeof *f;
    size_t cap = rt_si.hypercall_frame_size - sizeof *f, len = 0;
    if (sv_pb_encode(req_desc, req, payload, cap, &len) != SV_PB_OK) return SV_STATUS_EINVAL;
    f->op = op;
    f->request_len = (uint32_t)len;
    f->response_capacity = (uint32_t)cap;
    f->reserved = 0;
    rt_outl(SV_HYPERCALL_PORT, (uint32_t)(uintptr_t)f);
    if (f->status != SV_STATUS_OK) return f->status;
    return sv_pb_decode(rsp_desc, rsp, payload, f->response_len) == SV_PB_OK ? SV_STATUS_OK : SV_STATUS_EINVAL;
}

int rt_raw_hypercall(uint64_t frame_gpa) {
    rt_outl(SV_HYPERCALL_PORT, (uint32_t)frame_gpa);
    return ((sv_hypercall_frame_t *)(uintptr_t)frame_gpa)->status;
}

void rt_print(const char *s) {
    sv_console_write_request_t req;
    sv_console_write_response_t rsp;
    sv_console_write_request_init(&req);
    while (*s && req.data.len < sizeof req.data.data) req.data.data[req.data.len++] = (uint8_t)*s++;
    sv_hc_console_write(&req, &rsp);
}

void rt_print_num(const char *label, long value) {
    char buf[32];
    int i = 30;
    int neg = value < 0;
    unsigned long v = neg ? -(unsigned long)value : (unsigned long)value;
    buf[31] = 0;
    buf[i] = '\n';
    do { buf[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    if (neg) buf[--i] = '-';
    rt_print(label);
    rt_print(buf + i);
}

void rt_exit(int code) {
    sv_shutdown_request_t req;
    sv_shutdown_response_t rsp;
    sv_shutdown_request_init(&req);
    req.reason = SV_SHUTDOWN_POWEROFF;
    req.exit_code = code;
    sv_hc_sched_shutdown(&req, &rsp);
    for (;;) __asm__ volatile("cli; hlt");
}

void rt_start(void) {
    const uint8_t *page = (const uint8_t *)(uintptr_t)rt_start_info_page;
    uint32_t magic = *(const uint32_t *)page, len = *(const uint32_t *)(page + 4);
    if (magic != SV_START_INFO_MAGIC || sv_start_info_decode(&rt_si, page + 8, len) != SV_PB_OK) {
        rt_debug("bad start info\n");
        rt_outb(SV_DEBUG_EXIT_PORT, 99);
    }
    rt_exit(main());
}
