/*
 * iobench's view of its devices: one disk, one NIC and the console, each over the PV path (the
 * split-driver frontends) or the emulated one (ATA PIO, NE2000, 16550 UART), with the same calls.
 */
#ifndef IOBENCH_DEVICES_H
#define IOBENCH_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { IOB_PV, IOB_EMULATED } iob_path_t;

const char *iob_path_name(iob_path_t path);

typedef struct iob_disk iob_disk_t;
typedef struct iob_nic iob_nic_t;

/* The first disk; *sectors is its size in 512-byte sectors. */
int iob_disk_open(iob_path_t path, iob_disk_t **out, uint64_t *sectors, uint64_t timeout_ns);
int iob_disk_read(iob_disk_t *d, uint64_t sector, void *buf, size_t len);
int iob_disk_write(iob_disk_t *d, uint64_t sector, const void *buf, size_t len);
int iob_disk_flush(iob_disk_t *d);
void iob_disk_close(iob_disk_t *d);

/* The first NIC. */
int iob_nic_open(iob_path_t path, iob_nic_t **out, uint64_t timeout_ns);
const uint8_t *iob_nic_mac(const iob_nic_t *n);
int iob_nic_send(iob_nic_t *n, const void *frame, size_t len);
/* > 0: a frame of that length; 0: none within timeout_ns; < 0: an error. */
int iob_nic_recv(iob_nic_t *n, void *buf, size_t cap, uint64_t timeout_ns);
void iob_nic_close(iob_nic_t *n);

/* The console the benchmark lines go to (its own device on the emulated path). */
int iob_console_open(iob_path_t path);
int iob_console_write(iob_path_t path, const char *data, size_t len);
/* Waits until everything written has left the guest (the PV ring drained). */
int iob_console_flush(iob_path_t path);

#endif /* IOBENCH_DEVICES_H */
