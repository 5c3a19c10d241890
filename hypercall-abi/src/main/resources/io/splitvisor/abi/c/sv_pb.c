/*
 * sv_pb.c: table-driven protobuf encoding and decoding for the generated Splitvisor ABI code.
 * Freestanding: no heap, no libc calls. The wire format rules follow protobuf's proto3
 * encoding as produced by protobuf-java, so a message encoded here is byte-identical to the
 * same message encoded by the hypervisor: fields in number order, implicit-presence fields
 * omitted when zero, repeated numeric fields packed, varints minimal.
 */
#include "splitvisor/sv_pb.h"

#define SV_PB_MAX_DEPTH 32

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t pos;
    bool counting;   /* only count the bytes; buf is not used */
} writer_t;

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} reader_t;

/* gcc requires memset and memcpy of every environment, freestanding ones included; the guest
 * SDK provides them. */
static void zero_bytes(void *dst, size_t n) {
    __builtin_memset(dst, 0, n);
}

static void copy_bytes(void *dst, const void *src, size_t n) {
    if (n != 0) {
        __builtin_memcpy(dst, src, n);
    }
}

static int wire_type_of(uint8_t type) {
    switch (type) {
    case SV_PB_FIXED64: case SV_PB_SFIXED64: return WT_FIXED64;
    case SV_PB_FIXED32: case SV_PB_SFIXED32: return WT_FIXED32;
    case SV_PB_STRING: case SV_PB_BYTES: case SV_PB_MESSAGE: return WT_LEN;
    default: return WT_VARINT;
    }
}

static bool is_scalar(uint8_t type) {
    return type != SV_PB_STRING && type != SV_PB_BYTES && type != SV_PB_MESSAGE;
}

/* ------------------------------------------------------------------ encoding */

static int put_byte(writer_t *w, uint8_t b) {
    if (!w->counting) {
        if (w->pos >= w->cap) {
            return SV_PB_ENOSPACE;
        }
        w->buf[w->pos] = b;
    }
    w->pos++;
    return SV_PB_OK;
}

static int put_varint(writer_t *w, uint64_t v) {
    while (v >= 0x80) {
        if (put_byte(w, (uint8_t)(v | 0x80)) != SV_PB_OK) {
            return SV_PB_ENOSPACE;
        }
        v >>= 7;
    }
    return put_byte(w, (uint8_t)v);
}

static int put_fixed(writer_t *w, uint64_t v, int width) {
    for (int i = 0; i < width; i++) {
        if (put_byte(w, (uint8_t)(v >> (8 * i))) != SV_PB_OK) {
            return SV_PB_ENOSPACE;
        }
    }
    return SV_PB_OK;
}

static int put_raw(writer_t *w, const uint8_t *data, size_t n) {
    if (!w->counting) {
        if (w->pos > w->cap || w->cap - w->pos < n) {
            return SV_PB_ENOSPACE;
        }
        copy_bytes(w->buf + w->pos, data, n);
    }
    w->pos += n;
    return SV_PB_OK;
}

static int put_key(writer_t *w, uint32_t number, int wire_type) {
    return put_varint(w, ((uint64_t)number << 3) | (uint64_t)wire_type);
}

/* The value of a scalar as it goes on the wire (sign-extended, zigzagged or raw). */
static uint64_t scalar_wire_value(uint8_t type, const uint8_t *p) {
    switch (type) {
    case SV_PB_INT32: case SV_PB_ENUM: return (uint64_t)(int64_t)*(const int32_t *)p;
    case SV_PB_SINT32: {
        int32_t v = *(const int32_t *)p;
        return (uint32_t)(((uint32_t)v << 1) ^ (uint32_t)(v >> 31));
    }
    case SV_PB_UINT32: case SV_PB_FIXED32: return *(const uint32_t *)p;
    case SV_PB_SFIXED32: return (uint32_t)*(const int32_t *)p;
    case SV_PB_SINT64: {
        int64_t v = *(const int64_t *)p;
        return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    }
    case SV_PB_BOOL: return *(const bool *)p ? 1 : 0;
    default: return *(const uint64_t *)p;   /* INT64, UINT64, FIXED64, SFIXED64 */
    }
}

static int put_scalar_value(writer_t *w, uint8_t type, uint64_t v) {
    switch (wire_type_of(type)) {
    case WT_FIXED32: return put_fixed(w, v, 4);
    case WT_FIXED64: return put_fixed(w, v, 8);
    default: return put_varint(w, v);
    }
}

static int encode_fields(const sv_pb_msgdesc_t *desc, const uint8_t *msg, writer_t *w, int depth);

/* Length of a string value, bounded by its maximum; the array holds max_size + 1 bytes. */
static int bounded_strlen(const sv_pb_field_t *f, const uint8_t *s, size_t *len) {
    size_t n = 0;
    while (n <= f->max_size && s[n] != 0) {
        n++;
    }
    if (n > f->max_size) {
        return SV_PB_ETOOBIG;
    }
    *len = n;
    return SV_PB_OK;
}

static int message_size(const sv_pb_msgdesc_t *desc, const uint8_t *msg, int depth, size_t *size) {
    writer_t counter = { 0, 0, 0, true };
    int rc = encode_fields(desc, msg, &counter, depth);
    *size = counter.pos;
    return rc;
}

/* One non-packed element with its key. */
static int encode_element(const sv_pb_field_t *f, const uint8_t *p, writer_t *w, int depth) {
    int rc;
    size_t len;
    switch (f->type) {
    case SV_PB_STRING:
        if ((rc = bounded_strlen(f, p, &len)) != SV_PB_OK) return rc;
        if ((rc = put_key(w, f->number, WT_LEN)) != SV_PB_OK) return rc;
        if ((rc = put_varint(w, len)) != SV_PB_OK) return rc;
        return put_raw(w, p, len);
    case SV_PB_BYTES:
        len = *(const uint32_t *)p;
        if (len > f->max_size) return SV_PB_ETOOBIG;
        if ((rc = put_key(w, f->number, WT_LEN)) != SV_PB_OK) return rc;
        if ((rc = put_varint(w, len)) != SV_PB_OK) return rc;
        return put_raw(w, p + SV_PB_BYTES_DATA_OFFSET, len);
    case SV_PB_MESSAGE:
        if (depth >= SV_PB_MAX_DEPTH) return SV_PB_EINVAL;
        if ((rc = message_size(f->message, p, depth + 1, &len)) != SV_PB_OK) return rc;
        if ((rc = put_key(w, f->number, WT_LEN)) != SV_PB_OK) return rc;
        if ((rc = put_varint(w, len)) != SV_PB_OK) return rc;
        return encode_fields(f->message, p, w, depth + 1);
    default:
        if ((rc = put_key(w, f->number, wire_type_of(f->type))) != SV_PB_OK) return rc;
        return put_scalar_value(w, f->type, scalar_wire_value(f->type, p));
    }
}

/* True when an implicit-presence field holds its default and is therefore not encoded. */
static bool implicit_is_default(const sv_pb_field_t *f, const uint8_t *p) {
    switch (f->type) {
    case SV_PB_STRING: return p[0] == 0;
    case SV_PB_BYTES: return *(const uint32_t *)p == 0;
    case SV_PB_MESSAGE: return false;   /* messages always have a has flag */
    default: return scalar_wire_value(f->type, p) == 0;
    }
}

static int encode_repeated(const sv_pb_field_t *f, const uint8_t *msg, writer_t *w, int depth) {
    uint32_t count = *(const uint32_t *)(msg + f->aux_offset);
    const uint8_t *elems = msg + f->offset;
    int rc;
    if (count > f->max_count) {
        return SV_PB_ETOOMANY;
    }
    if (count == 0) {
        return SV_PB_OK;
    }
    if (is_scalar(f->type)) {   /* packed */
        writer_t counter = { 0, 0, 0, true };
        for (uint32_t i = 0; i < count; i++) {
            put_scalar_value(&counter, f->type, scalar_wire_value(f->type, elems + (size_t)i * f->elem_size));
        }
        if ((rc = put_key(w, f->number, WT_LEN)) != SV_PB_OK) return rc;
        if ((rc = put_varint(w, counter.pos)) != SV_PB_OK) return rc;
        for (uint32_t i = 0; i < count; i++) {
            rc = put_scalar_value(w, f->type, scalar_wire_value(f->type, elems + (size_t)i * f->elem_size));
            if (rc != SV_PB_OK) return rc;
        }
        return SV_PB_OK;
    }
    for (uint32_t i = 0; i < count; i++) {
        if ((rc = encode_element(f, elems + (size_t)i * f->elem_size, w, depth)) != SV_PB_OK) return rc;
    }
    return SV_PB_OK;
}

static int encode_fields(const sv_pb_msgdesc_t *desc, const uint8_t *msg, writer_t *w, int depth) {
    for (uint32_t i = 0; i < desc->field_count; i++) {
        const sv_pb_field_t *f = &desc->fields[i];
        const uint8_t *p = msg + f->offset;
        int rc = SV_PB_OK;
        switch (f->label) {
        case SV_PB_IMPLICIT:
            if (!implicit_is_default(f, p)) rc = encode_element(f, p, w, depth);
            break;
        case SV_PB_HAS:
            if (*(const bool *)(msg + f->aux_offset)) rc = encode_element(f, p, w, depth);
            break;
        case SV_PB_ONEOF:
            if (*(const uint32_t *)(msg + f->aux_offset) == f->number) rc = encode_element(f, p, w, depth);
            break;
        default:
            rc = encode_repeated(f, msg, w, depth);
            break;
        }
        if (rc != SV_PB_OK) {
            return rc;
        }
    }
    return SV_PB_OK;
}

void sv_pb_init(const sv_pb_msgdesc_t *desc, void *msg) {
    zero_bytes(msg, desc->size);
}

int sv_pb_encode(const sv_pb_msgdesc_t *desc, const void *msg, uint8_t *buf, size_t cap, size_t *out_len) {
    writer_t w = { buf, buf ? cap : 0, 0, false };
    int rc = encode_fields(desc, msg, &w, 0);
    if (rc == SV_PB_OK && out_len) {
        *out_len = w.pos;
    }
    return rc;
}

int sv_pb_encoded_size(const sv_pb_msgdesc_t *desc, const void *msg, size_t *out_len) {
    return message_size(desc, msg, 0, out_len);
}

/* ------------------------------------------------------------------ decoding */

static int get_varint(reader_t *r, uint64_t *out) {
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (r->p >= r->end) {
            return SV_PB_ETRUNCATED;
        }
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            *out = v;
            return SV_PB_OK;
        }
    }
    return SV_PB_EVARINT;
}

static int get_fixed(reader_t *r, int width, uint64_t *out) {
    uint64_t v = 0;
    if (r->end - r->p < width) {
        return SV_PB_ETRUNCATED;
    }
    for (int i = 0; i < width; i++) {
        v |= (uint64_t)r->p[i] << (8 * i);
    }
    r->p += width;
    *out = v;
    return SV_PB_OK;
}

/* Reads a length prefix and checks that many bytes follow. */
static int get_length(reader_t *r, size_t *len) {
    uint64_t n;
    int rc = get_varint(r, &n);
    if (rc != SV_PB_OK) {
        return rc;
    }
    if (n > (uint64_t)(r->end - r->p)) {
        return SV_PB_ELENGTH;
    }
    *len = (size_t)n;
    return SV_PB_OK;
}

static int skip_field(reader_t *r, int wire_type) {
    uint64_t ignored;
    size_t len;
    int rc;
    switch (wire_type) {
    case WT_VARINT: return get_varint(r, &ignored);
    case WT_FIXED64: return get_fixed(r, 8, &ignored);
    case WT_FIXED32: return get_fixed(r, 4, &ignored);
    case WT_LEN:
        if ((rc = get_length(r, &len)) != SV_PB_OK) return rc;
        r->p += len;
        return SV_PB_OK;
    default: return SV_PB_EWIRETYPE;   /* groups (3, 4) and the unused 6, 7 */
    }
}

static int get_scalar(reader_t *r, uint8_t type, uint64_t *v) {
    switch (wire_type_of(type)) {
    case WT_FIXED32: return get_fixed(r, 4, v);
    case WT_FIXED64: return get_fixed(r, 8, v);
    default: return get_varint(r, v);
    }
}

static void store_scalar(uint8_t type, uint8_t *p, uint64_t v) {
    switch (type) {
    case SV_PB_INT32: case SV_PB_ENUM: case SV_PB_SFIXED32:
        *(int32_t *)p = (int32_t)(uint32_t)v;
        break;
    case SV_PB_SINT32: {
        uint32_t n = (uint32_t)v;
        *(int32_t *)p = (int32_t)((n >> 1) ^ (0u - (n & 1)));
        break;
    }
    case SV_PB_UINT32: case SV_PB_FIXED32:
        *(uint32_t *)p = (uint32_t)v;
        break;
    case SV_PB_SINT64:
        *(int64_t *)p = (int64_t)((v >> 1) ^ (0ull - (v & 1)));
        break;
    case SV_PB_BOOL:
        *(bool *)p = v != 0;
        break;
    default:   /* INT64, UINT64, FIXED64, SFIXED64 */
        *(uint64_t *)p = v;
        break;
    }
}

static int decode_fields(const sv_pb_msgdesc_t *desc, uint8_t *msg, reader_t *r, int depth);

static int decode_packed(const sv_pb_field_t *f, uint8_t *msg, reader_t *r) {
    size_t len;
    int rc = get_length(r, &len);
    if (rc != SV_PB_OK) {
        return rc;
    }
    reader_t sub = { r->p, r->p + len };
    uint32_t *count = (uint32_t *)(msg + f->aux_offset);
    while (sub.p < sub.end) {
        uint64_t v;
        if (*count >= f->max_count) {
            return SV_PB_ETOOMANY;
        }
        if ((rc = get_scalar(&sub, f->type, &v)) != SV_PB_OK) {
            return rc;
        }
        store_scalar(f->type, msg + f->offset + (size_t)*count * f->elem_size, v);
        (*count)++;
    }
    r->p = sub.end;
    return SV_PB_OK;
}

/* Where the next value of f goes; prepares presence, oneof case or the next array slot. */
static int value_slot(const sv_pb_field_t *f, uint8_t *msg, uint8_t **slot) {
    switch (f->label) {
    case SV_PB_HAS:
        if (f->type == SV_PB_MESSAGE && !*(bool *)(msg + f->aux_offset)) {
            zero_bytes(msg + f->offset, f->elem_size);
        }
        *(bool *)(msg + f->aux_offset) = true;
        break;
    case SV_PB_ONEOF: {
        uint32_t *which = (uint32_t *)(msg + f->aux_offset);
        if (*which != f->number) {   /* a different member replaces the old one */
            zero_bytes(msg + f->offset, f->elem_size);
            *which = f->number;
        }
        break;
    }
    case SV_PB_REPEATED: {
        uint32_t count = *(uint32_t *)(msg + f->aux_offset);
        if (count >= f->max_count) {
            return SV_PB_ETOOMANY;
        }
        *slot = msg + f->offset + (size_t)count * f->elem_size;
        zero_bytes(*slot, f->elem_size);
        return SV_PB_OK;
    }
    default:
        break;
    }
    *slot = msg + f->offset;
    return SV_PB_OK;
}

static int decode_value(const sv_pb_field_t *f, uint8_t *slot, reader_t *r, int depth) {
    size_t len;
    int rc;
    if (is_scalar(f->type)) {
        uint64_t v;
        if ((rc = get_scalar(r, f->type, &v)) != SV_PB_OK) return rc;
        store_scalar(f->type, slot, v);
        return SV_PB_OK;
    }
    if ((rc = get_length(r, &len)) != SV_PB_OK) {
        return rc;
    }
    if (f->type == SV_PB_MESSAGE) {
        reader_t sub = { r->p, r->p + len };
        if (depth >= SV_PB_MAX_DEPTH) return SV_PB_EINVAL;
        if ((rc = decode_fields(f->message, slot, &sub, depth + 1)) != SV_PB_OK) return rc;
    } else {
        if (len > f->max_size) return SV_PB_ETOOBIG;
        if (f->type == SV_PB_STRING) {
            for (size_t i = 0; i < len; i++) {
                if (r->p[i] == 0) return SV_PB_EINVAL;
            }
            copy_bytes(slot, r->p, len);
            slot[len] = 0;
        } else {
            *(uint32_t *)slot = (uint32_t)len;
            copy_bytes(slot + SV_PB_BYTES_DATA_OFFSET, r->p, len);
        }
    }
    r->p += len;
    return SV_PB_OK;
}

static const sv_pb_field_t *find_field(const sv_pb_msgdesc_t *desc, uint64_t number) {
    uint32_t lo = 0, hi = desc->field_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (desc->fields[mid].number == number) {
            return &desc->fields[mid];
        }
        if (desc->fields[mid].number < number) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

static int decode_fields(const sv_pb_msgdesc_t *desc, uint8_t *msg, reader_t *r, int depth) {
    while (r->p < r->end) {
        uint64_t key;
        int rc = get_varint(r, &key);
        if (rc != SV_PB_OK) {
            return rc;
        }
        uint64_t number = key >> 3;
        int wire_type = (int)(key & 7);
        if (number == 0 || number > 0x1FFFFFFF) {
            return SV_PB_EINVAL;
        }
        const sv_pb_field_t *f = find_field(desc, number);
        if (f == 0) {
            rc = skip_field(r, wire_type);   /* a newer peer's field: ignore it */
        } else if (f->label == SV_PB_REPEATED && is_scalar(f->type) && wire_type == WT_LEN) {
            rc = decode_packed(f, msg, r);
        } else if (wire_type != wire_type_of(f->type)) {
            rc = SV_PB_EWIRETYPE;
        } else {
            uint8_t *slot;
            if ((rc = value_slot(f, msg, &slot)) == SV_PB_OK) {
                rc = decode_value(f, slot, r, depth);
                if (rc == SV_PB_OK && f->label == SV_PB_REPEATED) {
                    (*(uint32_t *)(msg + f->aux_offset))++;
                }
            }
        }
        if (rc != SV_PB_OK) {
            return rc;
        }
    }
    return SV_PB_OK;
}

int sv_pb_decode(const sv_pb_msgdesc_t *desc, void *msg, const uint8_t *buf, size_t len) {
    reader_t r = { buf, buf + len };
    zero_bytes(msg, desc->size);
    if (buf == 0 && len != 0) {
        return SV_PB_ETRUNCATED;
    }
    return decode_fields(desc, msg, &r, 0);
}

const char *sv_pb_strerror(int result) {
    switch (result) {
    case SV_PB_OK: return "ok";
    case SV_PB_ETRUNCATED: return "truncated input";
    case SV_PB_EVARINT: return "varint longer than 10 bytes";
    case SV_PB_EWIRETYPE: return "wrong wire type";
    case SV_PB_ELENGTH: return "length past the end of the input";
    case SV_PB_ETOOBIG: return "string or bytes longer than its maximum";
    case SV_PB_ETOOMANY: return "more repeated elements than the maximum";
    case SV_PB_ENOSPACE: return "output buffer too small";
    case SV_PB_EINVAL: return "invalid field number, NUL in a string, or nesting too deep";
    default: return "unknown result";
    }
}
