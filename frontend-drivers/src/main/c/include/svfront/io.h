/*
 * svfront/io.h: one block, network and console API over both I/O paths of a guest:
 *
 *   pv         the split-driver frontends: blkfront (device/vbd), netfront (device/vif), the
 *              primary console ring (console 0) or consfront (device/console);
 *   emulated   the drivers of emulated PC devices, one IN/OUT (an exit) per register access:
 *              an ATA PIO disk on the primary channel (ata.h), an NE2000 at 0x300 (ne2000.h) and
 *              a 16550A UART at 0x3F8 (uart16550.h).
 *
 *   svf_io_options_t o = SVF_IO_DEFAULTS;              // path from the command line, or detected
 *   svf_disk_t *disk;
 *   if (svf_disk_open(&disk, &o) != SV_STATUS_OK) ...   // message: svf_io_open_error()
 *   svf_disk_write(disk, 0, buf, 65536);                // sector 0 (512-byte units), 64 KiB
 *   svf_disk_flush(disk);
 *   svf_disk_read(disk, 0, buf, 65536);
 *   svf_disk_close(disk);
 *
 * Choosing the path. opts.path SVF_IO_PV or SVF_IO_EMULATED forces one; SVF_IO_AUTO (the default)
 * takes the guest's command line word `io=pv` / `io=emulated` (also spelled `--io=pv` or
 * `--io pv`), and without one detects: no "SplitvisorPV" signature at CPUID leaf 0x40000000 means
 * emulated (real hardware, QEMU), the signature means pv. An unknown value is SV_STATUS_EINVAL.
 *
 * Units. Disks: `sector` counts 512-byte sectors, `len` is in bytes, a multiple of the disk's
 * sector size (info.sector_size). NICs: whole Ethernet frames without the FCS, 14..1514 bytes.
 * Consoles: byte streams. Timeouts in nanoseconds: SVF_IO_NO_WAIT (0) or SVF_IO_FOREVER.
 *
 * Errors (the negative SV_STATUS_* codes; svf_*_error() says it in words, naming the device):
 *   EINVAL   alignment, a length of 0, a frame below 14 bytes, an unknown io= value
 *   EMSGSIZE a frame above 1514 bytes
 *   ERANGE   beyond the end of the disk
 *   EROFS    a write to a read-only disk (pv; an emulated read-only disk answers EIO: ATA aborts)
 *   ENOSYS   flush on a disk without a cache flush
 *   ENODEV   no such device (no backend in the store; no ATA disk, NE2000 or UART at its ports)
 *   EIO      the device reported an error (ATA ERR/DF, an aborted NE2000 DMA, a backend ERROR)
 *   ETIMEDOUT the device did not answer in opts.timeout_ns
 *   EPROTO   the device or backend broke its protocol; the device is then unusable
 */
#ifndef SVFRONT_IO_H
#define SVFRONT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum svf_io_path {
    SVF_IO_AUTO = 0,        /* the command line's io=, else CPUID detection */
    SVF_IO_PV = 1,
    SVF_IO_EMULATED = 2,
} svf_io_path_t;

#define SVF_IO_NO_WAIT 0ull
#define SVF_IO_FOREVER UINT64_MAX

typedef struct svf_io_options {
    svf_io_path_t path;
    /* Which device of its kind, from 0. pv: the index-th of device/vbd or device/vif in the store
     * (svf_front_find's order); console 0 is the primary console, n >= 1 the n-th of
     * device/console. emulated: disk 0 primary master, 1 primary slave; NIC 0 the NE2000 at
     * 0x300; console 0 COM1 (0x3F8), 1 COM2 (0x2F8). */
    unsigned index;
    uint64_t timeout_ns;    /* one device operation without progress (0: the driver's default) */
    bool quiet;             /* no "connected" line from the pv frontends */
} svf_io_options_t;

#define SVF_IO_DEFAULTS ((svf_io_options_t){.path = SVF_IO_AUTO})

/* Counters every device keeps (the driver's own, more detailed ones are in its header). */
typedef struct svf_io_stats {
    uint64_t ops;            /* completed reads, writes, flushes / frames sent and received / console writes and reads that got bytes */
    uint64_t bytes_in;       /* read from the disk / received / read from the console */
    uint64_t bytes_out;      /* written / sent / written to the console */
    uint64_t notifications;  /* pv: event-channel notifications sent (each a hypercall) */
    uint64_t waits;          /* pv: times the frontend blocked; emulated: status-register polls */
    uint64_t dropped;        /* NIC: frames lost (ring overflow); console: bytes with line errors */
    uint64_t errors;         /* operations that failed */
} svf_io_stats_t;

/* ---- the path ---- */

/* "auto", "pv", "emulated". */
const char *svf_io_path_name(svf_io_path_t path);
/* The io= word of a command line: SV_STATUS_OK with *out (SVF_IO_AUTO when there is none), or
 * SV_STATUS_EINVAL for another value than pv or emulated. */
int svf_io_path_from_cmdline(const char *cmdline, svf_io_path_t *out);
/* CPUID leaf 0x40000000: SVF_IO_PV with the Splitvisor signature, else SVF_IO_EMULATED. */
svf_io_path_t svf_io_detect(void);
/* What SVF_IO_AUTO means for this guest (its command line, then detection); EINVAL as above. */
int svf_io_choose(svf_io_path_t *out);
/* Why the last svf_disk_open / svf_nic_open / svf_console_open failed, in one line. */
const char *svf_io_open_error(void);

/* ---- disks ---- */

typedef struct svf_disk svf_disk_t;

typedef struct svf_disk_info {
    svf_io_path_t path;
    char name[24];           /* "vbd/51712", "ata0-master" */
    char model[41];          /* the ATA model string; "" on pv */
    uint64_t sectors;        /* capacity in 512-byte sectors */
    uint32_t sector_size;    /* bytes per logical sector: lengths are multiples of it */
    uint32_t max_transfer;   /* bytes one request moves at most (a larger call is split) */
    bool readonly;
    bool flush;              /* svf_disk_flush reaches a cache flush */
} svf_disk_info_t;

int svf_disk_open(svf_disk_t **out, const svf_io_options_t *opts);
const svf_disk_info_t *svf_disk_info(const svf_disk_t *disk);
int svf_disk_read(svf_disk_t *disk, uint64_t sector, void *buf, size_t len);
int svf_disk_write(svf_disk_t *disk, uint64_t sector, const void *buf, size_t len);
int svf_disk_flush(svf_disk_t *disk);
const char *svf_disk_error(const svf_disk_t *disk);   /* the last failure, "" when none */
void svf_disk_stats(const svf_disk_t *disk, svf_io_stats_t *out);
int svf_disk_close(svf_disk_t *disk);

/* ---- network interfaces ---- */

typedef struct svf_nic svf_nic_t;

int svf_nic_open(svf_nic_t **out, const svf_io_options_t *opts);
const char *svf_nic_name(const svf_nic_t *nic);       /* "vif/0", "ne2000@0x300" */
svf_io_path_t svf_nic_path(const svf_nic_t *nic);
const uint8_t *svf_nic_mac(const svf_nic_t *nic);      /* 6 bytes */
/* Sends one frame (14..1514 bytes, destination MAC first). */
int svf_nic_send(svf_nic_t *nic, const void *frame, size_t len);
/* Receives one frame: copies at most cap bytes and returns the frame's length (> 0), 0 when none
 * came within timeout_ns, or an error. */
int svf_nic_recv(svf_nic_t *nic, void *buf, size_t cap, uint64_t timeout_ns);
const char *svf_nic_error(const svf_nic_t *nic);
void svf_nic_stats(const svf_nic_t *nic, svf_io_stats_t *out);
int svf_nic_close(svf_nic_t *nic);

/* ---- consoles ---- */

typedef struct svf_console svf_console_t;

int svf_console_open(svf_console_t **out, const svf_io_options_t *opts);
const char *svf_console_name(const svf_console_t *c);  /* "console/0", "uart@0x3f8" */
svf_io_path_t svf_console_path(const svf_console_t *c);
/* Writes all len bytes; returns len or an error. */
int svf_console_write(svf_console_t *c, const void *data, size_t len);
/* Reads what is waiting (at most cap bytes), waiting up to timeout_ns for the first byte; returns
 * the number of bytes (0 when none came) or an error. */
int svf_console_read(svf_console_t *c, void *buf, size_t cap, uint64_t timeout_ns);
/* Waits until everything written has left (the ring consumed, the UART's transmitter empty). */
int svf_console_flush(svf_console_t *c, uint64_t timeout_ns);
const char *svf_console_error(const svf_console_t *c);
void svf_console_stats(const svf_console_t *c, svf_io_stats_t *out);
int svf_console_close(svf_console_t *c);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_IO_H */
