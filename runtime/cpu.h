/* Guest CPU state: the one struct every tier agrees on.
 *
 * Fields sit at fixed offsets: the lifter addresses them with GET/PUT by
 * offsetof(), the interpreter and the LLVM backend load/store them through
 * the same offsets, helpers take a CPUState * as their first argument.
 *
 * EFLAGS is lazy. The arithmetic flags (CF PF AF ZF SF OF) are described by
 * cc_op plus up to four operands (cc_res, cc_a, cc_b, cc_c); see
 * frontend/flags.h for what each CCOp stores. `eflags` holds every other bit
 * (DF, IF, ID, AC, TF, bit 1) and its arithmetic bits are ignored unless
 * cc_op == CC_EFLAGS, in which case cc_res holds the materialized flags.
 */
#ifndef XRUN_RUNTIME_CPU_H_
#define XRUN_RUNTIME_CPU_H_

#include <stddef.h>
#include <stdint.h>

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG__COUNT };

/* EFLAGS bits. */
#define EF_CF 0x0001u
#define EF_BIT1 0x0002u
#define EF_PF 0x0004u
#define EF_AF 0x0010u
#define EF_ZF 0x0040u
#define EF_SF 0x0080u
#define EF_TF 0x0100u
#define EF_IF 0x0200u
#define EF_DF 0x0400u
#define EF_OF 0x0800u
#define EF_AC 0x40000u
#define EF_ID 0x200000u
#define EF_ARITH (EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_OF)

/* x87 status word bits (TOP is kept apart in fp_top). */
#define FSW_IE 0x0001u
#define FSW_ZE 0x0004u
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_C3 0x4000u

typedef struct CPUState {
    uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eip;
    uint32_t eflags; /* non-arithmetic bits; see above */
    uint32_t cc_op;  /* CCOp (frontend/flags.h) */
    uint32_t cc_res;
    uint32_t cc_a;
    uint32_t cc_b;
    uint32_t cc_c;
    uint16_t seg[SEG__COUNT];      /* selectors */
    uint32_t seg_base[SEG__COUNT]; /* linear base of each segment */
    /* The three per-thread TLS descriptors of the i386 GDT (entries 6..8,
     * selectors 0x33, 0x3b, 0x43), written by set_thread_area. */
    struct {
        uint32_t base, limit, flags; /* flags: user_desc bit fields as given */
        uint32_t present;
    } tls[3];

    /* x87: st(i) is fpr[(fp_top + i) & 7]. Host long double is the exact
     * 80-bit extended format on x86-64 (16 bytes with padding). */
    uint16_t fp_cw;  /* control word, 0x037f after FNINIT */
    uint16_t fp_sw;  /* status word without TOP */
    uint16_t fp_tag; /* 2 bits per physical register, 3 = empty */
    uint16_t pad0;
    uint32_t fp_top;
    uint32_t pad1;
    _Alignas(16) long double fpr[8];

    /* Exit information filled by the block that returned to the dispatcher. */
    uint32_t exit_info; /* IR exit info word (signal number for IR_EXIT_SIGNAL) */
    uint32_t fault_addr;

    /* Runtime bookkeeping (not guest-visible architectural state). */
    /* Chain slot array (BeBlockFn[BE_MAX_CHAIN]) of the translated block that
     * last returned to the dispatcher, so it can patch that block's exit. */
    void *last_chain;
    uint64_t insn_count; /* guest instructions executed (interp only, for --stats) */

    /* Per-thread runtime flags read by translated code (issue 6). */
    /* Nonzero while an asynchronous guest signal waits for this thread:
     * set by xrun's host signal handler, polled at safe points (dispatcher,
     * backward chains in compiled code), cleared when delivered. */
    volatile uint32_t sig_pending;
    /* Set by the write-fault handler when a guest store hit a page holding
     * translated code: the block that did the store leaves at the next
     * instruction so the new code takes effect. */
    volatile uint32_t smc_hit;
    /* Per-thread kernel state of the guest thread (runtime/thread.h):
     * the set_tid_address / CLONE_CHILD_CLEARTID word, cleared and woken at
     * thread exit, and the set_robust_list head (i386 layout). */
    uint32_t clear_child_tid;
    uint32_t robust_list;
} CPUState;

#define CPU_OFF(field) ((uint32_t)offsetof(CPUState, field))
#define CPU_REG_OFF(r) (CPU_OFF(regs) + 4u * (uint32_t)(r))
#define CPU_SEGBASE_OFF(s) (CPU_OFF(seg_base) + 4u * (uint32_t)(s))

_Static_assert(offsetof(CPUState, regs) == 0, "regs first");
_Static_assert(sizeof(long double) == 16, "x86-64 host long double expected");

#endif
