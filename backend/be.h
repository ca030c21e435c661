/* Backends: the two executors of the IR.
 *
 * A block runs against a CPUState and returns an exit word:
 *     bits 0..7  IrExitKind of the exit taken (env->eip already set to its
 *                target, env->exit_info to its info)
 *     bits 8..15 chain slot + 1 of that exit, or 0 when not chainable
 * Chain slots: the k-th exit (k = 0, 1, ... in instruction order) among the
 * EXIT_IF/EXIT instructions whose kind is IR_EXIT_JUMP and whose target is
 * a CONST gets slot k when k < BE_MAX_CHAIN. Both backends number exits
 * this way so the dispatcher can patch chains for either.
 */
#ifndef XRUN_BACKEND_BE_H_
#define XRUN_BACKEND_BE_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"
#include "runtime/cpu.h"

#define BE_MAX_CHAIN 4
#define BE_EXIT_KIND(w) ((IrExitKind)((w) & 0xffu))
#define BE_EXIT_SLOT(w) ((int)(((w) >> 8) & 0xffu) - 1) /* -1: none */
#define BE_EXIT_WORD(kind, slot) ((uint32_t)(kind) | ((uint32_t)((slot) + 1) << 8))

typedef uint32_t (*BeBlockFn)(CPUState *env);

/* Jump cache for exits whose target is computed (ret, indirect jmp/call):
 * a direct-mapped table guest eip -> compiled code, filled by the
 * dispatchers of all threads, probed by compiled code before returning to
 * the dispatcher. An entry is NULL or one pointer to an immutable {eip, fn}
 * record, so a reader (any thread, any time) sees a whole pair or none:
 * entries change only by single atomic pointer stores. A record belongs to
 * its translation (a field of the dispatcher's TB), is filled once before it
 * is first published and then never written. To free one: be_jc_forget()
 * it (or be_jc_clear()), then wait until no thread can still be running
 * compiled code that loaded the old entry (quiescence). An entry matches
 * when its record's eip equals the target. */
typedef struct BeJumpTarget {
    uint32_t eip;
    BeBlockFn fn; /* never NULL in a published record */
} BeJumpTarget;
#define BE_JC_BITS 12
#define BE_JC_SIZE (1u << BE_JC_BITS)
extern const BeJumpTarget *be_jump_cache[BE_JC_SIZE];
static inline uint32_t be_jc_index(uint32_t eip)
{
    return (eip ^ (eip >> BE_JC_BITS)) & (BE_JC_SIZE - 1);
}

/* Make t the entry for t->eip (t filled, t->fn set). Skips the store when
 * it is already there, so hot blocks do not keep writing a shared line. */
static inline void be_jc_publish(const BeJumpTarget *t) {
    const BeJumpTarget **e = &be_jump_cache[be_jc_index(t->eip)];
    if (__atomic_load_n(e, __ATOMIC_RELAXED) != t) __atomic_store_n(e, t, __ATOMIC_RELEASE);
}
/* Remove t from the cache if its entry still points to it. */
void be_jc_forget(const BeJumpTarget *t);
/* Empty the whole cache. */
void be_jc_clear(void);

/* Slot of exit instruction `ref` of b under the rule above, or -1. */
int be_exit_slot(const IrBlock *b, IrRef ref);

/* ---- regions (tier 1) ---- */

/* A region: several blocks compiled into one host function (runtime/region.c
 * forms them, backend/llvm_lower.c lowers them). blocks[0] is the entry.
 * A JUMP exit with a constant target that is the start of a member block
 * is an inner edge (host control flow); every other JUMP exit with a
 * constant target gets a chain slot, numbered 0, 1, ... in block order and
 * then instruction order, up to BE_REGION_MAX_SLOTS (be_region_slot). */
#define BE_REGION_MAX_SLOTS 64
typedef struct BeRegion {
    uint32_t nblocks;
    const IrBlock *const *blocks;
    BeBlockFn *chain;              /* be_region_slots() slots, owned by the caller */
    const uint32_t *dead;          /* nonzero once the region is dropped: inner edges leave */
} BeRegion;

/* Index of the member starting at eip, or -1. */
int be_region_member(const BeRegion *r, uint32_t eip);
/* Chain slots the region needs. */
uint32_t be_region_slots(const BeRegion *r);
/* Slot of exit `ref` of member `bi` under the rule above, or -1. */
int be_region_slot(const BeRegion *r, uint32_t bi, IrRef ref);

/* ---- tier 0: interpreter (backend/interp.c) ---- */

typedef struct BeInterpBlock BeInterpBlock;
/* Pre-resolve a block for fast interpretation. The IrBlock may be freed
 * afterwards. */
BeInterpBlock *be_interp_prepare(const IrBlock *b);
void be_interp_free(BeInterpBlock *ib);
/* Run the block once; returns the exit word. env->eip is the eip of the
 * current INSN marker at every guest memory access and helper call
 * (precise state); an exit adds the markers passed to env->insn_count. */
uint32_t be_interp_run(CPUState *env, const BeInterpBlock *ib);

/* ---- baseline compiler (backend/x64.c; experimental: the runtime uses it
 * only with XRUN_BASE_AT) ---- */

/* Compile one block straight to x86-64 (microseconds, no LLVM): the same
 * ABI, exit words and chain slots as be_llvm_compile. NULL when the block
 * holds something it does not handle (non-integer types). The code is
 * never freed yet. */
BeBlockFn be_x64_compile(const IrBlock *b, BeBlockFn *chain);

/* ---- tier 1: LLVM (backend/llvm.c) ---- */

/* Initialize LLVM and the ORC LLJIT on first use (in xrun, loading the
 * backend module first: backend/llvm_load.c). 0 or -1 (message printed). */
int be_llvm_init(void);
/* True once the LLVM backend is in memory (xrun: the module is loaded). */
bool be_llvm_loaded(void);
/* Compile one block to host code. `chain` points at BE_MAX_CHAIN function
 * pointer slots owned by the caller (stable address for the block's life):
 * an exit with slot k loads chain[k] and, when non-NULL, tail-calls it
 * instead of returning. `dump` receives LLVM IR (-d llvm) when non-NULL.
 * Returns NULL (message printed once) when compilation fails. */
BeBlockFn be_llvm_compile(const IrBlock *b, BeBlockFn *chain, FILE *dump);
/* The same, and *code receives the handle that owns the host code, for
 * be_llvm_free (be_llvm_compile keeps the code for the life of the JIT). */
typedef struct BeJitCode BeJitCode;
BeBlockFn be_llvm_compile_owned(const IrBlock *b, BeBlockFn *chain, FILE *dump, BeJitCode **code);
/* Compile n blocks into one module (the fixed costs of optimizing, code
 * generation and linking are paid once): fns[i] receives block i's code,
 * or NULL when it failed, and *code one handle for all of them, holding one
 * reference per block compiled (be_llvm_free releases one; the code goes
 * with the last). flags: BE_FAST for the fast code generator (-O0; else
 * -O1). be_llvm_compile(_owned) compile with BE_FAST. Returns the number
 * compiled. */
enum { BE_FAST = 1 };
unsigned be_llvm_compile_batch(const IrBlock *const *bs, BeBlockFn *const *chains, unsigned n,
                               unsigned flags, FILE *dump, BeBlockFn *fns, BeJitCode **code);
/* Compile a region (see above) to one host function; NULL on failure. */
BeBlockFn be_llvm_compile_region(const BeRegion *r, FILE *dump, BeJitCode **code);
/* Release one block's reference to its host code (freed with the last).
 * Nothing may run that block any more, and no other block may tail-call
 * it. */
void be_llvm_free(BeJitCode *code);
/* Hold / release the JIT's lock (around fork). */
void be_llvm_lock_all(void);
void be_llvm_unlock_all(void);
void be_llvm_fini(void);

#endif
