/*
 * The ATA disk model; see model_ata.h. Register facts from ATA/ATAPI-6 (T13/1410D): the task file
 * at 0x1F0-0x1F7, device control / alternate status at 0x3F6, the LBA48 registers as two-deep
 * FIFOs read back through HOB, IDENTIFY DEVICE words 47, 49, 60-61, 83, 86, 100-103.
 */
#include "model_ata.h"

#include <stdlib.h>
#include <string.h>

#define IO 0x1F0
#define CTL 0x3F6

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DF 0x20
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ER_ABRT 0x04
#define ER_IDNF 0x10
#define ER_UNC 0x40

void model_ata_init(model_ata_t *m, uint64_t sectors) { model_ata_init_window(m, sectors, 0, sectors); }

void model_ata_init_window(model_ata_t *m, uint64_t sectors, uint64_t base, uint64_t window) {
    memset(m, 0, sizeof *m);
    m->sectors = sectors;
    m->data_base = base;
    m->data_sectors = window;
    m->data = calloc(window ? window : 1, 512);
    m->lba48 = true;
    m->max_multiple = 16;
    m->bad_sector = -1;
    m->status = ST_DRDY | ST_DSC;
    m->count[0] = 1;
    m->lba[0][0] = 1;
}

void model_ata_free(model_ata_t *m) {
    free(m->data);
    m->data = NULL;
}

uint8_t *model_ata_sector(model_ata_t *m, uint64_t lba) {
    if (lba < m->data_base || lba - m->data_base >= m->data_sectors) return NULL;
    return m->data + (lba - m->data_base) * 512;
}

static void load(model_ata_t *m, uint64_t lba, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *s = model_ata_sector(m, lba + i);
        if (s) memcpy(m->buf + i * 512, s, 512);
        else memset(m->buf + i * 512, 0, 512);
    }
}

static void store(model_ata_t *m, uint64_t lba, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *s = model_ata_sector(m, lba + i);
        if (s) memcpy(s, m->buf + i * 512, 512);
    }
}

static bool busy(model_ata_t *m) { return m->stuck_busy || m->busy_left > 0; }

static void abort_command(model_ata_t *m) {
    m->status = ST_DRDY | ST_DSC | ST_ERR;
    m->error = ER_ABRT;
    m->buf_len = m->buf_pos = 0;
    m->remaining = 0;
}

static void put_string(uint16_t *id, unsigned first, unsigned words, const char *s) {
    size_t n = strlen(s);
    for (unsigned i = 0; i < words; i++) {
        char a = 2 * i < n ? s[2 * i] : ' ', b = 2 * i + 1 < n ? s[2 * i + 1] : ' ';
        id[first + i] = (uint16_t)((uint8_t)a << 8 | (uint8_t)b);
    }
}

static void identify(model_ata_t *m) {
    uint16_t id[256] = {0};
    id[0] = 0x0040;
    put_string(id, 10, 10, "SV-TEST-0001");
    put_string(id, 23, 4, "1.0");
    put_string(id, 27, 20, "SPLITVISOR MODEL DISK");
    id[47] = (uint16_t)(0x8000 | m->max_multiple);
    id[49] = 1u << 9;
    uint64_t lba28 = m->sectors < 0x0FFFFFFF ? m->sectors : 0x0FFFFFFF;
    id[60] = (uint16_t)lba28;
    id[61] = (uint16_t)(lba28 >> 16);
    uint16_t features = (uint16_t)(0x4000 | (m->lba48 ? 1u << 10 : 0) | (m->no_flush ? 0 : (1u << 12 | 1u << 13)));
    id[83] = features;
    id[86] = (uint16_t)(features & 0x3FFF);
    if (m->lba48) {
        for (int i = 0; i < 4; i++) id[100 + i] = (uint16_t)(m->sectors >> (16 * i));
    }
    for (int i = 0; i < 256; i++) {
        m->buf[2 * i] = (uint8_t)id[i];
        m->buf[2 * i + 1] = (uint8_t)(id[i] >> 8);
    }
    m->buf_len = 512;
    m->buf_pos = 0;
    m->remaining = 1;
    m->writing = false;
    m->status = ST_DRDY | ST_DSC | ST_DRQ;
}

static uint32_t block_sectors(const model_ata_t *m) {
    bool multiple = m->command == 0xC4 || m->command == 0xC5 || m->command == 0x29 || m->command == 0x39;
    uint32_t per = multiple ? m->multiple : 1;
    return m->remaining < per ? m->remaining : per;
}

/* Sets the LBA registers to the sector an error happened at (LBA28 form). */
static void report_sector(model_ata_t *m, uint64_t lba) {
    m->lba[0][0] = (uint8_t)lba;
    m->lba[1][0] = (uint8_t)(lba >> 8);
    m->lba[2][0] = (uint8_t)(lba >> 16);
}

/* Prepares the next DRQ block of a read or write, or ends the command. */
static void next_block(model_ata_t *m) {
    m->buf_pos = 0;
    if (m->remaining == 0) {
        m->buf_len = 0;
        m->status = ST_DRDY | ST_DSC;
        return;
    }
    uint32_t n = block_sectors(m);
    if (m->bad_sector >= 0 && (uint64_t)m->bad_sector >= m->cur_lba && (uint64_t)m->bad_sector < m->cur_lba + n) {
        m->status = ST_DRDY | ST_DSC | ST_ERR;
        m->error = ER_UNC;
        report_sector(m, (uint64_t)m->bad_sector);
        m->remaining = 0;
        m->buf_len = 0;
        return;
    }
    m->buf_len = n * 512;
    if (!m->writing) load(m, m->cur_lba, n);
    m->status = ST_DRDY | ST_DSC | ST_DRQ;
    m->busy_left = m->busy_reads;
}

static void block_done(model_ata_t *m) {
    uint32_t n = m->buf_len / 512;
    if (m->writing) store(m, m->cur_lba, n);
    m->cur_lba += n;
    m->remaining -= n;
    if (!m->writing && m->short_transfer) {
        m->short_transfer = false;
        m->remaining = 0;
        m->buf_len = 0;
        m->status = ST_DRDY | ST_DSC;   /* ends early, no error: a protocol break */
        return;
    }
    next_block(m);
}

static void data_command(model_ata_t *m, bool write, bool ext, bool multiple) {
    if ((ext && !m->lba48) || (multiple && m->multiple == 0) || !(m->device & 0x40)) {
        abort_command(m);
        return;
    }
    uint64_t lba;
    uint32_t count;
    if (ext) {
        lba = (uint64_t)m->lba[0][0] | (uint64_t)m->lba[1][0] << 8 | (uint64_t)m->lba[2][0] << 16 |
              (uint64_t)m->lba[0][1] << 24 | (uint64_t)m->lba[1][1] << 32 | (uint64_t)m->lba[2][1] << 40;
        count = (uint32_t)(m->count[0] | m->count[1] << 8);
        if (count == 0) count = 65536;
    } else {
        lba = (uint64_t)m->lba[0][0] | (uint64_t)m->lba[1][0] << 8 | (uint64_t)m->lba[2][0] << 16 |
              (uint64_t)(m->device & 0x0F) << 24;
        count = m->count[0] ? m->count[0] : 256;
    }
    if (m->device_fault) {
        m->device_fault = false;
        m->status = ST_DRDY | ST_DF | ST_ERR;
        m->error = 0;
        return;
    }
    if (lba >= m->sectors || count > m->sectors - lba) {
        m->status = ST_DRDY | ST_DSC | ST_ERR;
        m->error = ER_IDNF;
        return;
    }
    m->cur_lba = lba;
    m->remaining = count;
    m->writing = write;
    next_block(m);
}

static void execute(model_ata_t *m, uint8_t cmd) {
    if (busy(m)) m->command_while_busy = true;
    m->commands++;
    m->last_command = cmd;
    if (m->logged < sizeof m->command_log) m->command_log[m->logged++] = cmd;
    m->command = cmd;
    m->error = 0;
    m->busy_left = m->busy_reads;
    switch (cmd) {
    case 0xEC:
        if (m->atapi) {
            abort_command(m);
            m->lba[1][0] = 0x14;
            m->lba[2][0] = 0xEB;
        } else {
            identify(m);
        }
        break;
    case 0xC6: {
        uint8_t n = m->count[0];
        if (m->refuse_set_multiple || n == 0 || n > m->max_multiple || (n & (n - 1))) abort_command(m);
        else {
            m->multiple = n;
            m->status = ST_DRDY | ST_DSC;
        }
        break;
    }
    case 0x20: data_command(m, false, false, false); break;
    case 0x24: data_command(m, false, true, false); break;
    case 0xC4: data_command(m, false, false, true); break;
    case 0x29: data_command(m, false, true, true); break;
    case 0x30: data_command(m, true, false, false); break;
    case 0x34: data_command(m, true, true, false); break;
    case 0xC5: data_command(m, true, false, true); break;
    case 0x39: data_command(m, true, true, true); break;
    case 0xE7:
    case 0xEA:
        if (m->no_flush || (cmd == 0xEA && !m->lba48)) abort_command(m);
        else m->status = ST_DRDY | ST_DSC;
        break;
    default: abort_command(m); break;
    }
}

static void reset(model_ata_t *m) {
    m->status = ST_DRDY | ST_DSC;
    m->error = 0x01;   /* diagnostic code: device 0 passed */
    m->count[0] = 1;
    m->lba[0][0] = 1;
    m->lba[1][0] = m->atapi ? 0x14 : 0;
    m->lba[2][0] = m->atapi ? 0xEB : 0;
    m->device = 0;
    m->buf_len = m->buf_pos = 0;
    m->remaining = 0;
    m->busy_left = m->busy_reads;
    m->srst_count++;
}

bool model_ata_in(void *model, uint16_t port, unsigned size, uint32_t *value) {
    model_ata_t *m = model;
    if (port != CTL && (port < IO || port > IO + 7)) return false;
    if (m->absent) {
        *value = size == 2 ? 0xFFFF : 0xFF;
        return true;
    }
    int hob = (m->control & 0x80) ? 1 : 0;
    if ((m->device & 0x10) && (port == CTL || port == IO + 7)) {
        *value = 0;   /* device 1 selected and absent: device 0 answers its status with 0 */
        return true;
    }
    switch (port == CTL ? -1 : port - IO) {
    case -1: *value = busy(m) ? ST_BSY : m->status; break;   /* alternate status: no side effect */
    case 0: {
        if (!(m->status & ST_DRQ) || busy(m) || m->writing || m->buf_pos + 2 > m->buf_len) {
            *value = 0;
            break;
        }
        *value = (uint32_t)(m->buf[m->buf_pos] | m->buf[m->buf_pos + 1] << 8);
        m->buf_pos += 2;
        m->data_words++;
        if (m->buf_pos == m->buf_len) {
            if (m->command == 0xEC) {
                m->remaining = 0;
                m->buf_len = 0;
                m->status = ST_DRDY | ST_DSC;
            } else {
                block_done(m);
            }
        }
        break;
    }
    case 1: *value = m->error; break;
    case 2: *value = m->count[hob]; break;
    case 3: *value = m->lba[0][hob]; break;
    case 4: *value = m->lba[1][hob]; break;
    case 5: *value = m->lba[2][hob]; break;
    case 6: *value = m->device; break;
    case 7:
        if (busy(m)) {
            if (m->busy_left > 0) m->busy_left--;
            *value = ST_BSY;
        } else {
            *value = m->status;
        }
        break;
    default: *value = 0xFF; break;
    }
    return true;
}

bool model_ata_out(void *model, uint16_t port, unsigned size, uint32_t value) {
    model_ata_t *m = model;
    (void)size;
    if (port != CTL && (port < IO || port > IO + 7)) return false;
    if (m->absent) return true;
    if (port == CTL) {
        bool srst_was = m->control & 0x04;
        m->control = (uint8_t)value;
        if (!srst_was && (value & 0x04)) m->status = ST_BSY;
        if (srst_was && !(value & 0x04)) reset(m);
        return true;
    }
    unsigned r = port - IO;
    if (r != 0 && r != 7 && busy(m)) m->command_while_busy = true;
    if (r >= 1 && r <= 5) m->control &= (uint8_t)~0x80;   /* a write to the task file clears HOB */
    switch (r) {
    case 0:
        if (!(m->status & ST_DRQ) || busy(m) || !m->writing || m->buf_pos + 2 > m->buf_len) break;
        m->buf[m->buf_pos] = (uint8_t)value;
        m->buf[m->buf_pos + 1] = (uint8_t)(value >> 8);
        m->buf_pos += 2;
        m->data_words++;
        if (m->buf_pos == m->buf_len) block_done(m);
        break;
    case 1: m->feature = (uint8_t)value; break;
    case 2: m->count[1] = m->count[0], m->count[0] = (uint8_t)value; break;
    case 3: m->lba[0][1] = m->lba[0][0], m->lba[0][0] = (uint8_t)value; break;
    case 4: m->lba[1][1] = m->lba[1][0], m->lba[1][0] = (uint8_t)value; break;
    case 5: m->lba[2][1] = m->lba[2][0], m->lba[2][0] = (uint8_t)value; break;
    case 6: m->device = (uint8_t)value; break;
    case 7:
        if (!(m->device & 0x10)) execute(m, (uint8_t)value);   /* device 1 does not exist */
        break;
    }
    return true;
}
