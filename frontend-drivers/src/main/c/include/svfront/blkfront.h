/*
 * svfront/blkfront.h: the block frontend (Xen's blkfront, on the guest SDK).
 *
 *   svf_blk_t *disk;
 *   if (svf_blk_open(&disk, 0, NULL) != SV_STATUS_OK) return 1;     // device/vbd/0
 *   const svf_blk_info_t *info = svf_blk_get_info(disk);             // sectors, sector size, ...
 *   svf_blk_write(disk, 0, buf, 65536);                              // sector 0, 64 KiB
 *   svf_blk_flush(disk);
 *   svf_blk_read(disk, 0, buf, 65536);
 *   svf_blk_close(disk);
 *
 * Store keys. The frontend reads `backend` and `backend-id` in device/vbd/<id>, waits for the
 * backend's InitWait, then writes in one transaction:
 *   ring-ref           the grant reference of the ring page (decimal)
 *   event-channel      the port it allocated for the backend (decimal)
 *   protocol           "x86_64-abi"
 *   feature-persistent "1" (the data pages are granted once, read-write, and reused)
 * and state 3 (Initialised). When the backend is Connected it reads from the backend directory
 * `sectors` (512-byte units, as Xen's blkif.h), `sector-size` (bytes; a power of two from 512 to
 * 4096), `info` (VDISK_* bits; 0 when absent), `mode` ("r" or "w"; optional),
 * `feature-flush-cache` and `feature-discard` (optional, 0 when absent), and writes state 4.
 *
 * The data path. All data moves through a pool of pages granted to the backend once at open
 * (opts.pool_pages, default 128 = 512 KiB): svf_blk_read/write split a buffer into requests of up
 * to 11 pages (44 KiB), queue as many as the ring (32 slots) and the pool allow, publish them
 * with one index update and at most one notification (only when the backend asked for one through
 * req_event), and ask to be woken only when half of what is in flight has completed (rsp_event
 * batching), so that the ring is refilled while the backend works. Data is copied between the
 * caller's buffer and the pool pages (no grant per request, no page the caller owns is ever
 * exposed to the backend).
 *
 * Positions and lengths: `sector` counts 512-byte sectors (the wire unit) and must be a multiple
 * of sector-size / 512; `len` is in bytes, a multiple of sector-size. Writes and discards on a
 * read-only disk (mode "r" or VDISK_READONLY) answer SV_STATUS_EROFS without reaching the
 * backend; flush and discard answer SV_STATUS_ENOSYS unless the backend offers them (or when it
 * answered EOPNOTSUPP once; the feature is then turned off, as Linux does).
 *
 * Errors: SV_STATUS_EIO (the backend answered ERROR), SV_STATUS_EINVAL (alignment, length),
 * SV_STATUS_ERANGE (beyond the end of the disk), SV_STATUS_ETIMEDOUT (no answer within
 * io_timeout_ns; the device is then unusable), SV_STATUS_EPROTO (the backend broke the protocol:
 * the message says how, e.g. "vbd/0: backend protocol violation: response id 0x2a07 is not an
 * outstanding request"; the device is then unusable).
 */
#ifndef SVFRONT_BLKFRONT_H
#define SVFRONT_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/blkring.h"
#include "svfront/front.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct svf_blk_options {
    uint32_t pool_pages;          /* data pages granted at open (0: 128; at least 11, at most 512) */
    uint32_t max_batch;           /* publish after this many queued requests (0: as many as fit) */
    uint64_t connect_timeout_ns;  /* each handshake wait (0: SVF_DEFAULT_CONNECT_TIMEOUT_NS) */
    uint64_t io_timeout_ns;       /* an I/O without progress for this long fails (0: SVF_DEFAULT_IO_TIMEOUT_NS) */
    bool quiet;                   /* no "connected" message */
} svf_blk_options_t;

typedef struct svf_blk_info {
    uint64_t sectors;             /* the disk's size in 512-byte sectors */
    uint32_t sector_size;         /* logical sector size in bytes */
    uint32_t info;                /* SV_BLKIF_VDISK_* bits */
    bool readonly;
    bool flush;                   /* feature-flush-cache */
    bool discard;                 /* feature-discard */
    char mode[4];                 /* "r", "w" or "" */
} svf_blk_info_t;

typedef struct svf_blk_stats {
    svf_blkring_stats_t ring;
    uint64_t kicks;               /* notifications sent */
    uint64_t events;              /* notifications received */
    uint64_t waits;               /* times the frontend waited for responses */
    uint64_t bytes_read, bytes_written;
} svf_blk_stats_t;

typedef struct svf_blk svf_blk_t;

/* Connects to device/vbd/<id>. opts may be NULL. */
int svf_blk_open(svf_blk_t **out, unsigned id, const svf_blk_options_t *opts);
const svf_blk_info_t *svf_blk_get_info(const svf_blk_t *disk);
const char *svf_blk_name(const svf_blk_t *disk);   /* "vbd/0" */

int svf_blk_read(svf_blk_t *disk, uint64_t sector, void *buf, size_t len);
int svf_blk_write(svf_blk_t *disk, uint64_t sector, const void *buf, size_t len);
int svf_blk_flush(svf_blk_t *disk);
int svf_blk_discard(svf_blk_t *disk, uint64_t sector, uint64_t nr_sectors);

/* True once the device failed (protocol violation or timeout); svf_blk_error says why. */
bool svf_blk_broken(const svf_blk_t *disk);
const char *svf_blk_error(const svf_blk_t *disk);
void svf_blk_get_stats(const svf_blk_t *disk, svf_blk_stats_t *out);

/* The orderly close (front.h), then the grants and pages are released. Returns SV_STATUS_OK or
 * SV_STATUS_ETIMEDOUT when the backend did not follow (what it still maps is leaked). */
int svf_blk_close(svf_blk_t *disk);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_BLKFRONT_H */
