/* Frontend-internal glue between fe.c, lift_core.c and the core families
 * (not part of the lift.h contract used by the other family files). */
#ifndef XRUN_FRONTEND_LIFT_PRIV_H_
#define XRUN_FRONTEND_LIFT_PRIV_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/lift.h"

/* Called by fe.c right after the INSN marker of each instruction: remembers
 * the rollback point for fe_unsupported and clears per-insn caches. */
void fe_core_begin_insn(LiftCtx *c);
/* True when a LiftFn met an operand lift_core cannot express (e.g. a control
 * register); fe.c then turns the instruction into fe_unsupported. */
bool fe_core_insn_failed(void);
/* Effective address of memory operand i: with the FS/GS base when
 * with_seg, computed as if ESP were ESP + esp_adj (pop m32). Uncached. */
IrRef fe_ea_ex(LiftCtx *c, int i, bool with_seg, int32_t esp_adj);
/* Base (i32) of the segment register given by a Capstone reg, or IR_NONE
 * when it is flat (everything but FS/GS). */
IrRef fe_seg_base(LiftCtx *c, x86_reg seg);
/* SEG_* index of a Capstone segment register, -1 if r is not one. */
int fe_seg_index(x86_reg r);
/* The text of the current instruction ("mov eax, 1"), from Capstone even
 * when the fast decoder decoded it (fe.c). */
void fe_insn_text(const LiftCtx *c, char *buf, size_t len);
/* Log "unsupported instruction" once per address (bytes, then text). */
void fe_log_unsupported(uint32_t eip, const uint8_t *bytes, size_t n, const char *text);
/* Stack operand size of push/pop-like insns: 2 with a 0x66 prefix, else 4. */
unsigned fe_stack_size(LiftCtx *c);
/* Signal exit with an explicit eip (traps report the next insn). */
void fe_exit_signal_at(LiftCtx *c, int sig, uint32_t eip, IrRef cond);

#endif
