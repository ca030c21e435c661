/* Frontend: guest i386 code -> IR, one basic block at a time. */
#ifndef XRUN_FRONTEND_FE_H_
#define XRUN_FRONTEND_FE_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

/* Open Capstone and build the lifting table. Returns 0 or -1 (message printed). */
int fe_init(void);
void fe_fini(void);

/* Decode and lift the guest basic block at eip. Never fails: an unmapped or
 * unreadable first instruction lifts to a SIGSEGV exit, an undecodable or
 * unsupported instruction to a SIGILL exit (logged once with bytes and
 * disassembly). The block stops after any control transfer, at FE_MAX_INSNS
 * instructions, or before an instruction that crosses into an unreadable
 * page. When `dump` is non-NULL the guest disassembly is printed to it
 * (-d in_asm). The result is verified but not optimized. */
#define FE_MAX_INSNS 64
/* flags: FE_SMC_CHECKS for a block from a guest-writable page: after each
 * instruction that stores to guest memory, the block leaves for the next
 * instruction if the store modified translated code (h_smc_take), so a
 * store into the running block takes effect from the next instruction. */
enum { FE_SMC_CHECKS = 1 };
IrBlock *fe_translate(uint32_t eip, unsigned flags, FILE *dump);
/* The guest code bytes a block was translated from, kept instead of its IR
 * (which is about 40 times larger) for translating it again when it gets
 * hot: bytes [eip, eip + n), the block's own and up to 15 readable bytes
 * after it, so that decoding sees the same windows as the first time. */
/* What the x87 fast path assumed at the start of a block (the translating
 * thread's x87 state then): frontend/lift_x87_fast.c. */
typedef struct FeX87Assume {
    bool on;
    uint8_t top;
    uint16_t tag;
} FeX87Assume;
/* The state the x87 fast path would assume now for a block at eip. */
void fe_x87_assume(FeX87Assume *a, uint32_t eip);
typedef struct FeCode {
    FeX87Assume x87; /* as the first translation assumed */
    uint32_t eip, n;
    uint8_t bytes[];
} FeCode;
/* A copy (malloc) of the code of the block of len bytes at eip, as read
 * from guest memory now, with the x87 assumption of its translation; NULL
 * when out of memory. */
FeCode *fe_code_copy(uint32_t eip, uint32_t len, const FeX87Assume *x87);
/* A copy of a copy (NULL for NULL or when out of memory). */
FeCode *fe_code_dup(const FeCode *c);
/* fe_translate of the block at code->eip as if guest memory held
 * code->bytes: the same block, without reading guest memory (safe on the
 * compiler thread). */
IrBlock *fe_retranslate(const FeCode *code, unsigned flags);
/* The block at eip failed its x87 guard (IR_EXIT_GUARD): translate it
 * with the generic x87 path from now on (frontend/lift_x87_fast.c). */
void fe_x87_set_generic(uint32_t eip);
/* Hold / release the translator's lock (around fork). */
void fe_lock_all(void);
void fe_unlock_all(void);

#endif
