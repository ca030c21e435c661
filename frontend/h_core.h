/* C helpers of the core family; rows in frontend/h_core.def. */
#ifndef XRUN_FRONTEND_H_CORE_H_
#define XRUN_FRONTEND_H_CORE_H_

#include <stdint.h>

#include "runtime/cpu.h"

/* Full guest EFLAGS from the lazy description in env (bit 1 and IF set). */
uint32_t h_get_eflags(CPUState *env);
/* Value of x86 condition cc (X86Cond) from the lazy flags in env. */
uint8_t h_cond(CPUState *env, uint32_t cc);
/* CPUID: leaf in EAX, subleaf in ECX; writes EAX..EDX. */
void h_cpuid(CPUState *env);
/* Host time-stamp counter (the lifter splits it into EDX:EAX). */
uint64_t h_rdtsc(CPUState *env);
/* Load segment register seg (SEG_*) with selector sel: sets seg[] and
 * seg_base[]. Returns 0, or the signal the guest gets for a bad selector
 * (SIGSEGV for #GP, SIGBUS for a not-present descriptor, as Linux); env is
 * unchanged then. */
uint32_t h_load_seg(CPUState *env, uint32_t seg, uint32_t sel);
/* After a store in a block from a guest-writable page: if the store hit a
 * page holding translated code (env->smc_hit, set by the write-fault
 * handler), clear the flag and return next (the block leaves there, so the
 * new code runs); else 0. */
uint32_t h_smc_take(CPUState *env, uint32_t next);

#endif
