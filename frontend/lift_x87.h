/* Shared between the x87 lifter (frontend/lift_x87.c) and its
 * static-stack fast path (frontend/lift_x87_fast.c): the decoded form of
 * one x87 instruction. */
#ifndef XRUN_FRONTEND_LIFT_X87_H_
#define XRUN_FRONTEND_LIFT_X87_H_

#include "frontend/lift.h"

typedef enum FormKind {
    K_BAD,
    /* memory forms: a = X87Fmt */
    K_LD,    /* fld/fild/fbld */
    K_ST,    /* fst/fist (b = pop) */
    K_ARITH, /* b = X87Arith */
    K_COM,   /* b = pop */
    K_LDC,   /* fldcw/fldenv/frstor, a = X87C_* */
    K_STC,   /* fnstcw/fnstsw/fnstenv/fnsave, a = X87C_* */
    /* register forms, st(i) = rm */
    K_ARST,  /* a = X87Arith, b = X87M_* mode */
    K_COMST, /* b = mode */
    K_COMI,  /* b = mode */
    K_LDST,
    K_STST,  /* b = pop */
    K_FXCH,
    K_FFREE, /* b = pop */
    K_FCMOV, /* a = X86Cond */
    K_WHOLE, /* decided by the whole encoding */
} FormKind;

typedef struct X87Form {
    uint8_t kind, a, b;
} X87Form;

/* Outcome of fe_x87_fast for one instruction. */
typedef enum X87Fast {
    X87_FAST_DONE,    /* lifted on the fast path */
    X87_FAST_NEUTRAL, /* lift it generically; it keeps TOP, tags and CW as they are */
    X87_FAST_NO,      /* lift it generically; the fast path ends for this block */
} X87Fast;

/* Try the fast path for the current instruction of form f (mem: a memory
 * form; enc = opcode << 8 | modrm). Only called while c->x87.on. */
X87Fast fe_x87_fast(LiftCtx *c, const X87Form *f, bool mem, unsigned enc);

#endif
