/* Described C helpers: the one way IR calls into C.
 *
 * Each helper is written once in C with the signature
 *     RET fn(CPUState *env, ARG0, ARG1, ...)
 * where IR types map to C types as: i1, i8 -> uint8_t; i16 -> uint16_t;
 * i32 -> uint32_t; i64 -> uint64_t; void -> void. The interpreter calls it
 * through libffi from this description, the LLVM backend emits a direct
 * call with the same signature. The table itself is frontend/helpers.def.
 */
#ifndef XRUN_IR_HELPER_H_
#define XRUN_IR_HELPER_H_

#include <stdint.h>

#include "ir/ir.h"

/* Effects of a helper, for the passes. */
enum {
    HF_PURE = 1,      /* reads nothing but its arguments, writes nothing */
    HF_READS_ENV = 2, /* reads CPUState (GPRs, flags, segments) */
    HF_WRITES_ENV = 4,/* writes CPUState (GPRs, flags, segments) */
    HF_MEM = 8,       /* reads or writes guest memory */
    HF_X87 = 16,      /* reads/writes only the x87 part of CPUState */
    HF_X87_VALS = 32, /* reads/writes only fp_cw, fp_sw and fpr[] (not TOP or the tags) */
};

typedef struct IrHelper {
    const char *name;
    void *fn;
    uint8_t ret;   /* IrType */
    uint8_t nargs; /* IR arguments, not counting env */
    uint8_t args[IR_MAX_ARGS];
    uint8_t flags; /* HF_* */
} IrHelper;

typedef enum HelperId {
#define HELPER(id, fn, flags, ret, nargs, a0, a1, a2, a3) H_##id,
#include "frontend/helpers.def"
#undef HELPER
    H__COUNT
} HelperId;

extern const IrHelper ir_helpers[H__COUNT];

#endif
