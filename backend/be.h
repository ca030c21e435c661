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
 * dispatcher, probed by compiled code before returning to the dispatcher.
 * An entry matches only when its eip equals the target and fn is set. */
typedef struct BeJumpCacheEntry {
    uint32_t eip;
    uint32_t pad;
    BeBlockFn fn;
} BeJumpCacheEntry;
#define BE_JC_BITS 12
#define BE_JC_SIZE (1u << BE_JC_BITS)
extern BeJumpCacheEntry be_jump_cache[BE_JC_SIZE];
static inline uint32_t be_jc_index(uint32_t eip)
{
    return (eip ^ (eip >> BE_JC_BITS)) & (BE_JC_SIZE - 1);
}

/* Slot of exit instruction `ref` of b under the rule above, or -1. */
int be_exit_slot(const IrBlock *b, IrRef ref);

/* ---- tier 0: interpreter (backend/interp.c) ---- */

typedef struct BeInterpBlock BeInterpBlock;
/* Pre-resolve a block for fast interpretation. The IrBlock may be freed
 * afterwards. */
BeInterpBlock *be_interp_prepare(const IrBlock *b);
void be_interp_free(BeInterpBlock *ib);
/* Run the block once; returns the exit word. Stores env->eip at every INSN
 * marker (precise state) and counts env->insn_count. */
uint32_t be_interp_run(CPUState *env, const BeInterpBlock *ib);

/* ---- tier 1: LLVM (backend/llvm.c) ---- */

/* Initialize LLVM and the ORC LLJIT on first use. 0 or -1 (message printed). */
int be_llvm_init(void);
/* Compile one block to host code. `chain` points at BE_MAX_CHAIN function
 * pointer slots owned by the caller (stable address for the block's life):
 * an exit with slot k loads chain[k] and, when non-NULL, tail-calls it
 * instead of returning. `dump` receives LLVM IR (-d llvm) when non-NULL.
 * Returns NULL (message printed once) when compilation fails. */
BeBlockFn be_llvm_compile(const IrBlock *b, BeBlockFn *chain, FILE *dump);
void be_llvm_fini(void);

#endif
