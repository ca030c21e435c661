/* Shared lifting machinery for the instruction families (lift_*.c).
 *
 * fe_translate() decodes each instruction with Capstone (detail on) and
 * calls the LiftFn registered for its instruction id. Family files export
 * a table terminated by {0, NULL}:
 *     const FeLiftEntry fe_lift_alu[] = { {X86_INS_ADD, lift_add}, ..., {0, NULL} };
 * and fe.c merges the tables at fe_init(). A LiftFn emits IR for ctx->insn
 * using the accessors below; if it ends the block (any control transfer,
 * syscall, signal) it must emit the EXIT itself and set ctx->ended. When an
 * instruction falls through, fe.c takes care of continuing/ending the block.
 */
#ifndef XRUN_FRONTEND_LIFT_H_
#define XRUN_FRONTEND_LIFT_H_

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/fe.h"
#include "frontend/flags.h"
#include "ir/helper.h"
#include "ir/ir.h"

typedef struct LiftCtx {
    IrBlock *b;
    const cs_insn *insn;     /* current instruction (detail available) */
    const cs_x86 *x86;       /* &insn->detail->x86 */
    uint32_t eip;            /* address of the current instruction */
    uint32_t next_eip;       /* eip + length */
    bool ended;              /* set by a LiftFn that emitted the block's EXIT */
    /* Lazy flags known at lift time (IR refs); op == IR_NONE means the
     * flags live in CPUState and are unknown here. */
    struct {
        IrRef op, res, a, b, c;
    } cc;
    /* x87 static stack (frontend/lift_x87_fast.c): while `on`, TOP and the
     * tags are known here (read from the translating thread at the block's
     * start, checked by a guard at its first fast x87 instruction). */
    struct {
        bool on, guarded;
        uint8_t top;
        uint16_t tag;
    } x87;
} LiftCtx;

typedef void (*LiftFn)(LiftCtx *ctx);
typedef struct FeLiftEntry {
    unsigned id; /* x86_insn */
    LiftFn fn;
} FeLiftEntry;

extern const FeLiftEntry fe_lift_alu[];    /* lift_alu.c: arithmetic, logic, shifts, mul/div */
extern const FeLiftEntry fe_lift_bits[];   /* lift_bits.c: bt*, bsf/bsr, bswap, setcc, cmov, shld/shrd */
extern const FeLiftEntry fe_lift_string[]; /* lift_string.c: movs/stos/lods/cmps/scas (+rep) */
extern const FeLiftEntry fe_lift_ctrl[];   /* lift_ctrl.c: jmp/jcc/call/ret/loop/int/ud2/hlt */
extern const FeLiftEntry fe_lift_misc[];   /* lift_misc.c: mov family, push/pop, lea, xchg,
                                              cpuid, rdtsc, flags ops, enter/leave, nop */
extern const FeLiftEntry fe_lift_x87[];    /* lift_x87.c */
/* x87 fast path (lift_x87_fast.c): set up c->x87 for a block at eip;
 * after the block is lifted, mark the operations whose C1 must be exact. */
void fe_x87_block_begin(LiftCtx *c, uint32_t eip, const FeX87Assume *given);
void fe_x87_block_end(LiftCtx *c);

/* ---- registers and operands (lift_core.c) ---- */

/* Read/write a Capstone x86 register of any GPR width (AL, AH, AX, EAX...).
 * 8- and 16-bit writes merge into the 32-bit register. Segment registers
 * read/write the selector. */
IrRef fe_get_reg(LiftCtx *c, x86_reg r);
void fe_put_reg(LiftCtx *c, x86_reg r, IrRef v);
/* Operand size in bytes (1, 2, 4, 8, 10) of operand i of the current insn. */
unsigned fe_op_size(LiftCtx *c, int i);
/* IR integer type for a byte size (1 -> i8, 2 -> i16, 4 -> i32, 8 -> i64). */
IrType fe_type_of(unsigned bytes);
/* Effective guest address (i32) of memory operand i, with segment base
 * (only FS/GS bases are non-zero on Linux). */
IrRef fe_ea(LiftCtx *c, int i);
/* Read operand i (reg, imm sign-extended to the operand size, or memory). */
IrRef fe_read_op(LiftCtx *c, int i);
/* Write operand i (reg or memory); v has the operand's type. */
void fe_write_op(LiftCtx *c, int i, IrRef v);
/* Push/pop a value of type i16/i32 on the guest stack (ESP updated). */
void fe_push(LiftCtx *c, IrRef v);
IrRef fe_pop(LiftCtx *c, IrType t);
/* Constant of the given type. */
static inline IrRef fe_const(LiftCtx *c, IrType t, uint64_t v) { return ir_const(c->b, t, v); }

/* ---- lazy flags (lift_flags.c) ---- */

/* Record flags of a flag-setting operation: kind and operands (any integer
 * type of the operation size; widened to i32 internally). Pass IR_NONE for
 * unused operands. `size` is the operation size in bytes. */
void fe_set_flags(LiftCtx *c, CCKind kind, unsigned size, IrRef res, IrRef a, IrRef b, IrRef cin);
/* Record materialized arithmetic flags (i32, EF_ARITH bits). */
void fe_set_eflags_arith(LiftCtx *c, IrRef flags);
/* i1 value of an x86 condition. Folds to direct compares when cc_op is known. */
IrRef fe_cond(LiftCtx *c, X86Cond cc);
/* i1 value of CF alone (cheaper than a full condition). */
IrRef fe_get_cf(LiftCtx *c);
/* Full guest EFLAGS (i32): arithmetic flags merged with CPUState.eflags. */
IrRef fe_get_eflags(LiftCtx *c);
/* Set full EFLAGS (popf/sahf): arithmetic part becomes CC_EFLAGS, the rest
 * is stored to CPUState.eflags (masked to what user mode may change). */
void fe_put_eflags(LiftCtx *c, IrRef v);
/* Forget the lift-time flag knowledge (after helpers that write env). */
void fe_flags_spill(LiftCtx *c);

/* ---- exits (lift_core.c) ---- */

/* End the block with a jump to target (i32 value). */
void fe_exit_jump(LiftCtx *c, IrRef target);
/* End the block: raise signal sig at the current instruction (eip = c->eip,
 * or c->next_eip when after_insn, as Linux reports int3). */
void fe_exit_signal(LiftCtx *c, int sig, bool after_insn);
/* Conditional exit raising sig at the current instruction (block goes on). */
void fe_exit_signal_if(LiftCtx *c, IrRef cond, int sig);
/* Log the unsupported instruction once (bytes + disassembly) and end the
 * block with SIGILL at it. */
void fe_unsupported(LiftCtx *c);

#endif
