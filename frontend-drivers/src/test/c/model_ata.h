/*
 * A software model of one ATA disk (device 0) on a legacy IDE channel, for the ATA driver's host
 * tests: the task file with the LBA48 two-deep registers, the device control register (SRST,
 * nIEN, HOB), status/alternate status, the 16-bit data port, and the PIO commands the driver
 * uses, with the real device's answers to errors (ABRT for an unknown command or a MULTIPLE
 * command before SET MULTIPLE MODE, IDNF beyond the end) and injectable faults.
 */
#ifndef SVF_MODEL_ATA_H
#define SVF_MODEL_ATA_H

#include <stdbool.h>
#include <stdint.h>

typedef struct model_ata {
    /* configuration */
    uint64_t sectors;
    uint8_t *data;               /* the sectors [data_base, data_base + data_sectors), 512 bytes each */
    uint64_t data_base, data_sectors;   /* outside it sectors read as zeros and writes are dropped */
    bool absent;                 /* no device: reads float at 0xFF */
    bool atapi;                  /* answers IDENTIFY with ABRT and the ATAPI signature */
    bool lba48;                  /* IDENTIFY word 83 bit 10 */
    uint8_t max_multiple;        /* IDENTIFY word 47 (0: no MULTIPLE commands) */
    bool refuse_set_multiple;    /* SET MULTIPLE MODE answers ABRT */
    bool no_flush;               /* FLUSH CACHE answers ABRT */
    unsigned busy_reads;         /* status reads that show BSY after each command */
    bool stuck_busy;             /* BSY forever after a command */
    int64_t bad_sector;          /* reading/writing it fails with UNC (-1: none) */
    bool device_fault;           /* the next data command ends with DF */
    bool short_transfer;         /* the next read ends after its first block (no DRQ) */
    /* state */
    uint8_t feature, count[2], lba[3][2];   /* [0] current, [1] previous (HOB) */
    uint8_t device, status, error, control;
    uint8_t command;
    uint16_t multiple;           /* sectors per block, 0 until SET MULTIPLE MODE */
    uint8_t buf[256 * 512];
    uint32_t buf_len, buf_pos;   /* bytes in the current DRQ block and the position in it */
    uint64_t cur_lba;
    uint32_t remaining;          /* sectors left in the command */
    bool writing;
    unsigned busy_left;
    /* records */
    unsigned commands, srst_count;
    uint8_t last_command;
    uint8_t command_log[64];
    unsigned logged;
    bool command_while_busy;     /* the host wrote a register while BSY was set */
    uint64_t data_words;
} model_ata_t;

void model_ata_init(model_ata_t *m, uint64_t sectors);
/* A disk of `sectors` whose data exists only in a window of `window` sectors from `base`. */
void model_ata_init_window(model_ata_t *m, uint64_t sectors, uint64_t base, uint64_t window);
void model_ata_free(model_ata_t *m);
/* The bytes of a sector inside the window. */
uint8_t *model_ata_sector(model_ata_t *m, uint64_t lba);
/* Port accesses from the driver (the shape test_ports.h attaches); false when the port is not the model's. */
bool model_ata_in(void *model, uint16_t port, unsigned size, uint32_t *value);
bool model_ata_out(void *model, uint16_t port, unsigned size, uint32_t value);

#endif
