/*
 * The hypercall gate (ABI.md section 4): encode into the frame, OUT its address to port 0x500,
 * decode the response.
 */
#include "splitvisor/hypercall.h"

#include "splitvisor/arch.h"
#include "splitvisor/string.h"

static volatile sv_hypercall_frame_t *frame;
static uint32_t frame_gpa;
static uint32_t payload_capacity;
static uint64_t calls;

int sv_hypercall_setup(uint64_t gpa, uint32_t size) {
    if (gpa == 0 || (gpa & (SV_HYPERCALL_FRAME_ALIGN - 1)) != 0 || gpa > 0xFFFFFFFFull - size ||
        size <= SV_FRAME_HEADER_SIZE) {
        return SV_STATUS_EINVAL;
    }
    frame = (volatile sv_hypercall_frame_t *)(uintptr_t)gpa;
    frame_gpa = (uint32_t)gpa;
    uint32_t cap = size - SV_FRAME_HEADER_SIZE;
    payload_capacity = cap > SV_HYPERCALL_MAX_PAYLOAD ? SV_HYPERCALL_MAX_PAYLOAD : cap;
    return SV_STATUS_OK;
}

uint64_t sv_hypercall_count(void) { return calls; }

void sv_doorbell(uint32_t port) { sv_outl(SV_DOORBELL_PORT, port); }

int sv_hypercall(uint32_t op, const sv_pb_msgdesc_t *req_desc, const void *req, const sv_pb_msgdesc_t *rsp_desc,
                 void *rsp) {
    if (!frame) return SV_STATUS_ENOSYS;
    /* One frame per vCPU: an event handler's hypercall must not land inside ours. */
    unsigned long flags = sv_irq_save();
    uint8_t *payload = (uint8_t *)(uintptr_t)frame + SV_FRAME_PAYLOAD;
    size_t len = 0;
    int status;
    if (sv_pb_encode(req_desc, req, payload, payload_capacity, &len) != SV_PB_OK) {
        status = SV_STATUS_EINVAL;
        goto out;
    }
    frame->op = op;
    frame->request_len = (uint32_t)len;
    frame->response_capacity = payload_capacity;
    frame->status = SV_STATUS_ENOSYS; /* what a hypervisor that wrote nothing leaves */
    frame->response_len = 0;
    frame->reserved = 0;
    calls++;
    sv_outl(SV_HYPERCALL_PORT, frame_gpa);
    status = frame->status;
    uint32_t rlen = frame->response_len;
    if (status == SV_STATUS_OK && rsp_desc && rsp) {
        if (rlen > payload_capacity || sv_pb_decode(rsp_desc, rsp, payload, rlen) != SV_PB_OK) {
            status = SV_STATUS_EINVAL;
        }
    }
out:
    if (status != SV_STATUS_OK && rsp_desc && rsp) sv_pb_init(rsp_desc, rsp);
    sv_irq_restore(flags);
    return status;
}

const char *sv_status_name(int status) {
    switch (status) {
    case SV_STATUS_OK: return "OK";
    case SV_STATUS_EPERM: return "EPERM";
    case SV_STATUS_ENOENT: return "ENOENT";
    case SV_STATUS_ESRCH: return "ESRCH";
    case SV_STATUS_EINTR: return "EINTR";
    case SV_STATUS_EIO: return "EIO";
    case SV_STATUS_E2BIG: return "E2BIG";
    case SV_STATUS_EBADF: return "EBADF";
    case SV_STATUS_EAGAIN: return "EAGAIN";
    case SV_STATUS_ENOMEM: return "ENOMEM";
    case SV_STATUS_EACCES: return "EACCES";
    case SV_STATUS_EFAULT: return "EFAULT";
    case SV_STATUS_EBUSY: return "EBUSY";
    case SV_STATUS_EEXIST: return "EEXIST";
    case SV_STATUS_EXDEV: return "EXDEV";
    case SV_STATUS_ENODEV: return "ENODEV";
    case SV_STATUS_ENOTDIR: return "ENOTDIR";
    case SV_STATUS_EISDIR: return "EISDIR";
    case SV_STATUS_EINVAL: return "EINVAL";
    case SV_STATUS_ENOSPC: return "ENOSPC";
    case SV_STATUS_EROFS: return "EROFS";
    case SV_STATUS_ERANGE: return "ERANGE";
    case SV_STATUS_ENAMETOOLONG: return "ENAMETOOLONG";
    case SV_STATUS_ENOSYS: return "ENOSYS";
    case SV_STATUS_ENOTEMPTY: return "ENOTEMPTY";
    case SV_STATUS_EPROTO: return "EPROTO";
    case SV_STATUS_EOVERFLOW: return "EOVERFLOW";
    case SV_STATUS_EMSGSIZE: return "EMSGSIZE";
    case SV_STATUS_ENOBUFS: return "ENOBUFS";
    case SV_STATUS_EISCONN: return "EISCONN";
    case SV_STATUS_ENOTCONN: return "ENOTCONN";
    case SV_STATUS_ETIMEDOUT: return "ETIMEDOUT";
    case SV_STATUS_EQUOTA: return "EQUOTA";
    default: return "E?";
    }
}
