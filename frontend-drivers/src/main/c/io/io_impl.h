/*
 * Inside svfront/io.h: each device is a handle (what io.c checks and counts the same way on both
 * paths) over an implementation (the pv frontend or the emulated driver) reached through a table
 * of operations. Internal to libsvfront.
 */
#ifndef SVF_IO_IMPL_H
#define SVF_IO_IMPL_H

#include "svfront/io.h"

#define SVF_IO_ERROR_LEN 160

/* What an implementation adds to the handle's own counts: notifications, waits, dropped. */
typedef void (*svf_io_stats_fn)(const void *impl, svf_io_stats_t *out);

typedef struct svf_disk_ops {
    /* sector in 512-byte units; len a non-zero multiple of the sector size, within the disk. */
    int (*read)(void *impl, uint64_t sector, void *buf, size_t len);
    int (*write)(void *impl, uint64_t sector, const void *buf, size_t len);
    int (*flush)(void *impl);
    const char *(*error)(const void *impl);
    svf_io_stats_fn stats;
    int (*close)(void *impl);
} svf_disk_ops_t;

struct svf_disk {
    const svf_disk_ops_t *ops;
    void *impl;
    svf_disk_info_t info;
    svf_io_stats_t stats;
    char error[SVF_IO_ERROR_LEN];
};

typedef struct svf_nic_ops {
    int (*send)(void *impl, const void *frame, size_t len);   /* 14..1514 bytes */
    int (*recv)(void *impl, void *buf, size_t cap, uint64_t timeout_ns);
    const char *(*error)(const void *impl);
    svf_io_stats_fn stats;
    int (*close)(void *impl);
} svf_nic_ops_t;

struct svf_nic {
    const svf_nic_ops_t *ops;
    void *impl;
    svf_io_path_t path;
    char name[24];
    uint8_t mac[6];
    svf_io_stats_t stats;
    char error[SVF_IO_ERROR_LEN];
};

typedef struct svf_console_ops {
    int (*write)(void *impl, const void *data, size_t len);   /* all of it, or an error */
    int (*read)(void *impl, void *buf, size_t cap, uint64_t timeout_ns);
    int (*flush)(void *impl, uint64_t timeout_ns);
    const char *(*error)(const void *impl);
    svf_io_stats_fn stats;
    int (*close)(void *impl);
} svf_console_ops_t;

struct svf_console {
    const svf_console_ops_t *ops;
    void *impl;
    svf_io_path_t path;
    char name[24];
    svf_io_stats_t stats;
    char error[SVF_IO_ERROR_LEN];
};

/* The openers of each path fill ops, impl and the description (info / name, mac), or return an
 * error with a one-line message in msg. */
int svf_io_pv_disk_open(svf_disk_t *d, const svf_io_options_t *o, char *msg, size_t cap);
int svf_io_pv_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap);
int svf_io_pv_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap);
int svf_io_emul_disk_open(svf_disk_t *d, const svf_io_options_t *o, char *msg, size_t cap);
int svf_io_emul_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap);
int svf_io_emul_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap);

#endif /* SVF_IO_IMPL_H */
