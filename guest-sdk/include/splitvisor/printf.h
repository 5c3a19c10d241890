/*
 * splitvisor/printf.h: formatted output without floating point.
 *
 * Conversions: d i u x X o p s c %. Flags: - 0 + space #. Width and precision, either as digits
 * or `*`. Length modifiers: hh h l ll z t j. %p prints like glibc ("0x..." or "(nil)"), %s of
 * NULL prints "(null)". Floating point (%f %e %g %a) and %n are not supported: they print the
 * conversion literally. Results match the C library's snprintf for every supported format.
 */
#ifndef SPLITVISOR_PRINTF_H
#define SPLITVISOR_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_PRINTF_LIKE(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))

/* Receives formatted output in pieces. */
typedef void (*sv_format_sink_t)(void *ctx, const char *data, size_t len);

/* Formats to a sink; returns the number of characters produced. */
int sv_vformat(sv_format_sink_t sink, void *ctx, const char *fmt, va_list ap);
int sv_format(sv_format_sink_t sink, void *ctx, const char *fmt, ...) SV_PRINTF_LIKE(3, 4);

/* As C's snprintf: writes at most cap bytes including the NUL (nothing when cap is 0) and returns
 * the length the whole result would have. */
int sv_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int sv_snprintf(char *buf, size_t cap, const char *fmt, ...) SV_PRINTF_LIKE(3, 4);

/* To the console (splitvisor/console.h). Return the number of characters printed. */
int sv_vprintf(const char *fmt, va_list ap);
int sv_printf(const char *fmt, ...) SV_PRINTF_LIKE(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_PRINTF_H */
