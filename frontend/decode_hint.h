/* A fallback decoder for the reserved-NOP hint space (0f 19 .. 0f 1f /r,
 * endbr32 and rdssp* included), which Capstone 4 does not fully decode. */
#ifndef XRUN_FRONTEND_DECODE_HINT_H_
#define XRUN_FRONTEND_DECODE_HINT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the hint-space NOP at bytes (n of them readable), or 0 when
 * bytes do not start with one. */
size_t fe_hint_nop_len(const uint8_t *bytes, size_t n);

#endif
