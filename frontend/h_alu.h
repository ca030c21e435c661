/* C helpers of the alu family; rows in frontend/h_alu.def. */
#ifndef XRUN_FRONTEND_H_ALU_H_
#define XRUN_FRONTEND_H_ALU_H_

#include <stdint.h>

#include "runtime/cpu.h"

/* rcl/rcr of the low `size` bytes of v by cnt (already masked to 5 bits),
 * with the arithmetic flags fl (EF_ARITH bits): returns the result in the
 * low 32 bits and the new arithmetic flags in the high 32 bits. */
uint64_t h_rcl(CPUState *env, uint32_t v, uint32_t cnt, uint32_t fl, uint32_t size);
uint64_t h_rcr(CPUState *env, uint32_t v, uint32_t cnt, uint32_t fl, uint32_t size);

/* BCD adjusts: kind BCD_*, imm the aam/aad base (never 0 for aam), ax the
 * guest AX, fl the arithmetic flags. Returns new AX | new flags << 16. */
enum { BCD_AAA, BCD_AAS, BCD_DAA, BCD_DAS, BCD_AAM, BCD_AAD };
uint32_t h_bcd(CPUState *env, uint32_t kind, uint32_t imm, uint32_t ax, uint32_t fl);

/* rep string loops on CPUState (ESI, EDI, ECX, EAX, DF) and guest memory.
 * size is the element size (1, 2, 4); srcbase the segment base added to
 * ESI (DS or an FS/GS override); rep cmps/scas take mode 1 = repe, 0 =
 * repne and leave the lazy flags of the last comparison (CCK_SUB) in env;
 * with ECX = 0 nothing changes. */
void h_rep_movs(CPUState *env, uint32_t size, uint32_t srcbase);
void h_rep_stos(CPUState *env, uint32_t size);
void h_rep_lods(CPUState *env, uint32_t size, uint32_t srcbase);
void h_rep_cmps(CPUState *env, uint32_t size, uint32_t srcbase, uint32_t repe);
void h_rep_scas(CPUState *env, uint32_t size, uint32_t repe);

#endif
