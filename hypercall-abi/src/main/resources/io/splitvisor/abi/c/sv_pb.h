/*
 * sv_pb.h: the runtime behind the generated Splitvisor ABI code.
 *
 * Every generated message has a descriptor table (sv_pb_msgdesc_t); the encoder and decoder
 * here walk those tables. No heap, nothing from libc but the freestanding headers, and every
 * length is checked against both the input and the field's declared maximum.
 *
 * This file is part of the generator's output: do not edit a copy, change the original in
 * hypercall-abi/src/main/resources/io/splitvisor/abi/c/.
 */
#ifndef SPLITVISOR_SV_PB_H
#define SPLITVISOR_SV_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results. Decoding stops at the first error; the message is then unspecified but safe. */
#define SV_PB_OK          0
#define SV_PB_ETRUNCATED (-1) /* the input ends inside a varint or a fixed-width value */
#define SV_PB_EVARINT    (-2) /* a varint longer than 10 bytes */
#define SV_PB_EWIRETYPE  (-3) /* a known field with the wrong wire type, or a group wire type */
#define SV_PB_ELENGTH    (-4) /* a length prefix that runs past the end of the input */
#define SV_PB_ETOOBIG    (-5) /* a string or bytes value longer than its declared max_size */
#define SV_PB_ETOOMANY   (-6) /* more repeated elements than the declared max_count */
#define SV_PB_ENOSPACE   (-7) /* the output buffer is too small */
#define SV_PB_EINVAL     (-8) /* field number 0, a NUL inside a string, nesting too deep */

/* Field types, as in descriptor.proto, without float, double and groups. */
typedef enum sv_pb_type {
    SV_PB_INT32, SV_PB_INT64, SV_PB_UINT32, SV_PB_UINT64, SV_PB_SINT32, SV_PB_SINT64,
    SV_PB_BOOL, SV_PB_ENUM, SV_PB_FIXED32, SV_PB_SFIXED32, SV_PB_FIXED64, SV_PB_SFIXED64,
    SV_PB_STRING, SV_PB_BYTES, SV_PB_MESSAGE
} sv_pb_type_t;

/* How a field is stored in its struct. */
typedef enum sv_pb_label {
    SV_PB_IMPLICIT, /* proto3 singular: present when not zero or empty */
    SV_PB_HAS,      /* `bool has_x` beside the value: proto3 optional, or a message field */
    SV_PB_ONEOF,    /* a `uint32_t x_case` names the member set in a union */
    SV_PB_REPEATED  /* `uint32_t x_count` elements of an array */
} sv_pb_label_t;

/* A bytes field is stored as this struct with n = max_size. */
#define SV_PB_BYTES(n) struct { uint32_t len; uint8_t data[n]; }
#define SV_PB_BYTES_DATA_OFFSET 4

struct sv_pb_msgdesc;

typedef struct sv_pb_enumdesc {
    const char *name;
    uint32_t value_count;
    const int32_t *values;
} sv_pb_enumdesc_t;

typedef struct sv_pb_field {
    const char *name;
    uint32_t number;
    uint8_t type;            /* sv_pb_type_t */
    uint8_t label;           /* sv_pb_label_t */
    uint32_t offset;         /* the value (for repeated: element 0) */
    uint32_t aux_offset;     /* has flag, oneof case or repeated count */
    uint32_t elem_size;      /* bytes of one value */
    uint32_t max_size;       /* string and bytes */
    uint32_t max_count;      /* repeated */
    const struct sv_pb_msgdesc *message;  /* SV_PB_MESSAGE */
    const sv_pb_enumdesc_t *enumeration;  /* SV_PB_ENUM */
} sv_pb_field_t;

typedef struct sv_pb_msgdesc {
    const char *name;        /* full protobuf name, e.g. "splitvisor.abi.StartInfo" */
    uint32_t size;           /* sizeof the struct */
    uint32_t field_count;
    const sv_pb_field_t *fields;  /* in field-number order */
} sv_pb_msgdesc_t;

/* Zeroes *msg: every field absent. */
void sv_pb_init(const sv_pb_msgdesc_t *desc, void *msg);

/* Encodes *msg into buf[0..cap). On success *out_len is the encoded length. */
int sv_pb_encode(const sv_pb_msgdesc_t *desc, const void *msg, uint8_t *buf, size_t cap, size_t *out_len);

/* The length sv_pb_encode would produce, or an error for an unencodable message. */
int sv_pb_encoded_size(const sv_pb_msgdesc_t *desc, const void *msg, size_t *out_len);

/* Decodes buf[0..len) into *msg, which is zeroed first. Unknown fields are skipped. */
int sv_pb_decode(const sv_pb_msgdesc_t *desc, void *msg, const uint8_t *buf, size_t len);

/* A short name for an SV_PB_* result. */
const char *sv_pb_strerror(int result);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_SV_PB_H */
