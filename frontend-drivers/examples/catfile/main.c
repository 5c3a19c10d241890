/*
 * catfile: prints a file from a disk image, read through the block frontend.
 *
 *   ./splitvisor catfs disk.img README.md notes.txt
 *   ./splitvisor run frontend-drivers/target/guests/catfile.elf --disk disk.img:ro --cmdline "file=notes.txt"
 *
 * The disk is either
 *   - an SVCATFS1 image (what `splitvisor catfs` writes): sector 0 is a directory of up to 7 files,
 *     each stored contiguously, or
 *   - anything else: the whole disk is one text file, ending at the first NUL byte or at the
 *     disk's end (a raw text file padded to a sector, e.g. `truncate -s %512 notes.txt`).
 *
 * SVCATFS1 (little-endian; sectors of 512 bytes):
 *   sector 0   offset 0   magic "SVCATFS1" (8 bytes)
 *              offset 8   u32 version = 1
 *              offset 12  u32 count = number of entries, 0..7
 *              offset 16  48 bytes zero
 *              offset 64 + 64*i, entry i:
 *                 0  name[48], NUL-padded (at most 47 bytes of name)
 *                48  u64 first sector of the data
 *                56  u64 size in bytes
 * Everything read from the disk is checked (count, names, each file inside the disk).
 *
 * Command line:
 *   file=NAME   which file (default: the first); ignored for a raw text disk
 *   list        list the directory instead
 *   disk=N      the N-th disk (default 0)
 *   max=BYTES   print at most this much (default 1048576)
 * Prints the file, then "catfile: NAME: N bytes, crc32 0x........" and exits 0; or
 * "catfile: FAILED: ..." and exits 1.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

#define MAGIC "SVCATFS1"
#define MAX_ENTRIES 7u
#define CHUNK (64u * 1024u)

typedef struct entry {
    char name[48];
    uint64_t start;
    uint64_t size;
} entry_t;

static int failed(const char *what, int rc) {
    if (rc) sv_printf("catfile: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("catfile: FAILED: %s\n", what);
    return 1;
}

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Reads `len` bytes at byte position `pos` of the disk (whole sectors underneath). */
static int read_bytes(svf_blk_t *disk, uint8_t *scratch, uint64_t pos, uint8_t *out, size_t len) {
    uint32_t ss = svf_blk_get_info(disk)->sector_size;
    while (len > 0) {
        uint64_t first = pos / ss * ss;
        size_t skip = (size_t)(pos - first);
        size_t want = skip + len;
        size_t span = (want + ss - 1) / ss * ss;
        if (span > CHUNK) span = CHUNK;
        int rc = svf_blk_read(disk, first / 512, scratch, span);
        if (rc) return rc;
        size_t n = span - skip < len ? span - skip : len;
        sv_memcpy(out, scratch + skip, n);
        out += n;
        pos += n;
        len -= n;
    }
    return SV_STATUS_OK;
}

static void print_bytes(const uint8_t *p, size_t n) {
    sv_console_write((const char *)p, n);
}

int main(void) {
    unsigned index = (unsigned)sv_cmdline_get_u64("disk", 0);
    uint64_t max = sv_cmdline_get_u64("max", 1u << 20);
    char want[48] = "";
    sv_cmdline_get("file", want, sizeof want);
    bool list = sv_cmdline_has("list");

    unsigned id;
    int rc = svf_front_find("vbd", index, &id);
    if (rc) return failed("no disk (attach one with --disk image)", 0);
    svf_blk_options_t opts = {.pool_pages = 32, .quiet = true};
    svf_blk_t *disk;
    if ((rc = svf_blk_open(&disk, id, &opts))) return failed("opening the disk", rc);
    const svf_blk_info_t *info = svf_blk_get_info(disk);
    uint64_t disk_bytes = info->sectors * 512;
    uint8_t *scratch = sv_malloc(CHUNK);
    uint8_t *out = sv_malloc(CHUNK);
    uint8_t *head = sv_malloc(info->sector_size);
    if (!scratch || !out || !head) return failed("out of memory", SV_STATUS_ENOMEM);
    if (disk_bytes == 0) return failed("the disk is empty", 0);
    if ((rc = svf_blk_read(disk, 0, head, info->sector_size))) return failed("reading sector 0", rc);

    entry_t file = {"", 0, 0};
    if (sv_memcmp(head, MAGIC, 8) == 0) {
        uint32_t version = le32(head + 8), count = le32(head + 12);
        if (version != 1) return failed("SVCATFS1 image of an unknown version", 0);
        if (count > MAX_ENTRIES) return failed("SVCATFS1 directory claims more than 7 entries", 0);
        bool found = false;
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *e = head + 64 + 64 * i;
            entry_t x;
            sv_memcpy(x.name, e, 48);
            if (sv_memchr(x.name, 0, 48) == NULL) return failed("SVCATFS1 entry name without a NUL", 0);
            x.start = le64(e + 48);
            x.size = le64(e + 56);
            if (x.start == 0 || x.start >= info->sectors || x.size > disk_bytes - x.start * 512) {
                sv_printf("catfile: FAILED: entry %u (%s) lies outside the disk: sector %lu, %lu bytes\n", i, x.name,
                          (unsigned long)x.start, (unsigned long)x.size);
                return 1;
            }
            if (list) sv_printf("catfile: %-47s %10lu bytes at sector %lu\n", x.name, (unsigned long)x.size, (unsigned long)x.start);
            if (!found && (want[0] == 0 || sv_strcmp(want, x.name) == 0)) {
                file = x;
                found = true;
            }
        }
        if (list) {
            sv_printf("catfile: %u files\n", count);
            svf_blk_close(disk);
            return 0;
        }
        if (!found) {
            sv_printf("catfile: FAILED: no file named \"%s\" on the disk\n", want);
            return 1;
        }
    } else {
        /* A raw text disk: up to the first NUL or the end. */
        sv_strlcpy(file.name, "(raw disk)", sizeof file.name);
        file.start = 0;
        uint64_t limit = disk_bytes < max ? disk_bytes : max;
        uint64_t pos = 0;
        while (pos < limit) {
            size_t n = limit - pos < CHUNK ? (size_t)(limit - pos) : CHUNK;
            if ((rc = read_bytes(disk, scratch, pos, out, n))) return failed("reading the disk", rc);
            const uint8_t *nul = sv_memchr(out, 0, n);
            if (nul) {
                pos += (uint64_t)(nul - out);
                break;
            }
            pos += n;
        }
        file.size = pos;
        if (list) {
            sv_printf("catfile: raw text disk, %lu bytes\n", (unsigned long)file.size);
            svf_blk_close(disk);
            return 0;
        }
    }

    uint64_t size = file.size < max ? file.size : max;
    uint32_t crc = 0;
    uint64_t pos = 0;
    bool newline = true;
    while (pos < size) {
        size_t n = size - pos < CHUNK ? (size_t)(size - pos) : CHUNK;
        if ((rc = read_bytes(disk, scratch, file.start * 512 + pos, out, n))) return failed("reading the file", rc);
        print_bytes(out, n);
        crc = svf_crc32(crc, out, n);
        newline = out[n - 1] == '\n';
        pos += n;
    }
    if (!newline) sv_printf("\n");
    sv_printf("catfile: %s: %lu bytes%s, crc32 0x%08x\n", file.name, (unsigned long)size, size < file.size ? " (cut at max)" : "",
              crc);
    svf_blk_close(disk);
    return 0;
}
