/* Single x87 operations on the host FPU; see frontend/h_x87_host.h.
 *
 * The asm templates share one prologue and epilogue:
 *   HX_PRE   switch to the guest control word unless it is the default
 *   (body)   load operands, run the instruction, fnstsw %ax at once (later
 *            stores would overwrite C1), store results
 *   HX_POST  clear the host exception flags if any were raised, restore
 *            the default control word
 * Operands are memory only and the clobbered host stack slots are named,
 * so the compiler keeps nothing of its own on the x87 stack across them.
 */
#include "frontend/h_x87_host.h"

#include "frontend/h_x87.h"

static const uint16_t hx_dcw = X87_CW_DEFAULT;

#define HX_PRE "cmpw $0x037f, %[cw]\n\tje 1f\n\tfldcw %[cw]\n1:\n\t"
#define HX_POST                                                                                    \
    "testb $0x3f, %%al\n\tjz 2f\n\tfnclex\n2:\n\t"                                                 \
    "cmpw $0x037f, %[cw]\n\tje 3f\n\tfldcw %[dcw]\n3:"
#define HX_IN [cw] "m"(cw), [dcw] "m"(hx_dcw)
#define HX_CLOB "cc", "st", "st(1)", "st(2)"
#define HX_MEM(p, n) (*(const uint8_t(*)[n])(p))
#define HX_WMEM(p, n) (*(uint8_t(*)[n])(p))

/* ============================ loads and stores ============================ */

#define HX_LOAD(insn, n)                                                                           \
    __asm__ volatile(HX_PRE insn " %[m]\n\tfnstsw %%ax\n\tfstpt %[d]\n\t" HX_POST                  \
                     : "=&a"(sw), [d] "=m"(*d)                                                     \
                     : [m] "m"(HX_MEM(m, n)), HX_IN                                                \
                     : HX_CLOB)

uint16_t hx_load(unsigned fmt, uint16_t cw, const void *m, hx_f80 *d)
{
    uint16_t sw = 0xffff;
    switch (fmt) {
    case X87F_F32: HX_LOAD("flds", 4); break;
    case X87F_F64: HX_LOAD("fldl", 8); break;
    case X87F_F80: HX_LOAD("fldt", 10); break;
    case X87F_I16: HX_LOAD("filds", 2); break;
    case X87F_I32: HX_LOAD("fildl", 4); break;
    case X87F_I64: HX_LOAD("fildll", 8); break;
    case X87F_BCD: HX_LOAD("fbld", 10); break;
    }
    return sw;
}

#define HX_STORE(insn, n)                                                                          \
    __asm__ volatile(HX_PRE "fldt %[s]\n\t" insn " %[m]\n\tfnstsw %%ax\n\t" HX_POST                \
                     : "=&a"(sw), [m] "=m"(HX_WMEM(m, n))                                          \
                     : [s] "m"(*s), HX_IN                                                          \
                     : HX_CLOB)

uint16_t hx_store(unsigned fmt, uint16_t cw, const hx_f80 *s, void *m)
{
    uint16_t sw = 0xffff;
    switch (fmt) {
    case X87F_F32: HX_STORE("fstps", 4); break;
    case X87F_F64: HX_STORE("fstpl", 8); break;
    case X87F_F80: HX_STORE("fstpt", 10); break;
    case X87F_I16: HX_STORE("fistps", 2); break;
    case X87F_I32: HX_STORE("fistpl", 4); break;
    case X87F_I64: HX_STORE("fistpll", 8); break;
    case X87F_BCD: HX_STORE("fbstp", 10); break;
    }
    return sw;
}

#define HX_CONST(insn)                                                                             \
    __asm__ volatile(HX_PRE insn "\n\tfnstsw %%ax\n\tfstpt %[d]\n\t" HX_POST                       \
                     : "=&a"(sw), [d] "=m"(*d)                                                     \
                     : HX_IN                                                                       \
                     : HX_CLOB)

uint16_t hx_const(unsigned k, uint16_t cw, hx_f80 *d)
{
    uint16_t sw = 0xffff;
    switch (k) {
    case 0xe8: HX_CONST("fld1"); break;
    case 0xe9: HX_CONST("fldl2t"); break;
    case 0xea: HX_CONST("fldl2e"); break;
    case 0xeb: HX_CONST("fldpi"); break;
    case 0xec: HX_CONST("fldlg2"); break;
    case 0xed: HX_CONST("fldln2"); break;
    case 0xee: HX_CONST("fldz"); break;
    }
    return sw;
}

/* ========================= arithmetic with memory ========================= */

#define HX_AMEM(insn, n)                                                                           \
    __asm__ volatile(HX_PRE "fldt %[a]\n\t" insn " %[m]\n\tfnstsw %%ax\n\tfstpt %[a]\n\t" HX_POST  \
                     : "=&a"(sw), [a] "+m"(*a)                                                     \
                     : [m] "m"(HX_MEM(m, n)), HX_IN                                                \
                     : HX_CLOB)
/* The four memory formats of one operation: fOPs fOPl fiOPs fiOPl. */
#define HX_AMEM4(op)                                                                               \
    switch (fmt) {                                                                                 \
    case X87F_F32: HX_AMEM("f" op "s", 4); break;                                                  \
    case X87F_F64: HX_AMEM("f" op "l", 8); break;                                                  \
    case X87F_I16: HX_AMEM("fi" op "s", 2); break;                                                 \
    case X87F_I32: HX_AMEM("fi" op "l", 4); break;                                                 \
    }

uint16_t hx_arith_mem(unsigned op, unsigned fmt, uint16_t cw, hx_f80 *a, const void *m)
{
    uint16_t sw = 0xffff;
    switch (op) {
    case X87A_ADD: HX_AMEM4("add"); break;
    case X87A_MUL: HX_AMEM4("mul"); break;
    case X87A_SUB: HX_AMEM4("sub"); break;
    case X87A_SUBR: HX_AMEM4("subr"); break;
    case X87A_DIV: HX_AMEM4("div"); break;
    case X87A_DIVR: HX_AMEM4("divr"); break;
    }
    return sw;
}

#define HX_CMEM(insn, n)                                                                           \
    __asm__ volatile(HX_PRE "fldt %[a]\n\t" insn " %[m]\n\tfnstsw %%ax\n\t" HX_POST                \
                     : "=&a"(sw)                                                                   \
                     : [a] "m"(*a), [m] "m"(HX_MEM(m, n)), HX_IN                                   \
                     : HX_CLOB)

uint16_t hx_com_mem(unsigned fmt, uint16_t cw, const hx_f80 *a, const void *m)
{
    uint16_t sw = 0xffff;
    switch (fmt) {
    case X87F_F32: HX_CMEM("fcomps", 4); break;
    case X87F_F64: HX_CMEM("fcompl", 8); break;
    case X87F_I16: HX_CMEM("ficomps", 2); break;
    case X87F_I32: HX_CMEM("ficompl", 4); break;
    }
    return sw;
}

/* ========================= register forms by encoding ========================= */

#define HX_BYTES(hi, lo) ".byte 0x" #hi ", 0x" #lo "\n\t"

#define HX_RR(hi, lo)                                                                              \
    case 0x##hi##lo:                                                                               \
        __asm__ volatile(HX_PRE "fldt %[b]\n\tfldt %[a]\n\t" HX_BYTES(hi, lo)                      \
                         "fnstsw %%ax\n\tfstpt %[a]\n\tfstpt %[b]\n\t" HX_POST                     \
                         : "=&a"(sw), [a] "+m"(*a), [b] "+m"(*b)                                   \
                         : HX_IN                                                                   \
                         : HX_CLOB);                                                               \
        break;

uint16_t hx_rr(unsigned enc, uint16_t cw, hx_f80 *a, hx_f80 *b)
{
    uint16_t sw = 0xffff;
    switch (enc) {
        HX_RR(D8, C1) HX_RR(D8, C9) HX_RR(D8, E1) HX_RR(D8, E9) HX_RR(D8, F1) HX_RR(D8, F9)
        HX_RR(DC, C1) HX_RR(DC, C9) HX_RR(DC, E1) HX_RR(DC, E9) HX_RR(DC, F1) HX_RR(DC, F9)
        HX_RR(D8, D1) HX_RR(DD, E1) HX_RR(D9, F8) HX_RR(D9, F5) HX_RR(D9, FD)
    }
    return sw;
}

#define HX_POP2(hi, lo)                                                                            \
    case 0x##hi##lo:                                                                               \
        __asm__ volatile(HX_PRE "fldt %[b]\n\tfldt %[a]\n\t" HX_BYTES(hi, lo)                      \
                         "fnstsw %%ax\n\tfstpt %[b]\n\t" HX_POST                                   \
                         : "=&a"(sw), [b] "+m"(*b)                                                 \
                         : [a] "m"(*a), HX_IN                                                      \
                         : HX_CLOB);                                                               \
        break;

uint16_t hx_pop2(unsigned enc, uint16_t cw, const hx_f80 *a, hx_f80 *b)
{
    uint16_t sw = 0xffff;
    switch (enc) { HX_POP2(D9, F1) HX_POP2(D9, F3) HX_POP2(D9, F9) }
    return sw;
}

#define HX_UN(hi, lo)                                                                              \
    case 0x##hi##lo:                                                                               \
        __asm__ volatile(HX_PRE "fldt %[a]\n\t" HX_BYTES(hi, lo)                                   \
                         "fnstsw %%ax\n\tfstpt %[a]\n\t" HX_POST                                   \
                         : "=&a"(sw), [a] "+m"(*a)                                                 \
                         : HX_IN                                                                   \
                         : HX_CLOB);                                                               \
        break;

uint16_t hx_unary(unsigned enc, uint16_t cw, hx_f80 *a)
{
    uint16_t sw = 0xffff;
    switch (enc) {
        HX_UN(D9, E4) HX_UN(D9, E5) HX_UN(D9, F0) HX_UN(D9, FA) HX_UN(D9, FC) HX_UN(D9, FE)
        HX_UN(D9, FF)
    }
    return sw;
}

/* fptan/fsincos push nothing when they set C2 (operand out of range). */
#define HX_PUSH2_C2(hi, lo)                                                                        \
    case 0x##hi##lo:                                                                               \
        __asm__ volatile(HX_PRE "fldt %[a]\n\t" HX_BYTES(hi, lo)                                   \
                         "fnstsw %%ax\n\ttestb $4, %%ah\n\tjnz 4f\n\tfstpt %[t]\n4:\n\t"           \
                         "fstpt %[a]\n\t" HX_POST                                                  \
                         : "=&a"(sw), [a] "+m"(*a), [t] "+m"(*top)                                 \
                         : HX_IN                                                                   \
                         : HX_CLOB);                                                               \
        break;

uint16_t hx_push2(unsigned enc, uint16_t cw, hx_f80 *a, hx_f80 *top)
{
    uint16_t sw = 0xffff;
    switch (enc) {
        HX_PUSH2_C2(D9, F2) HX_PUSH2_C2(D9, FB)
    case 0xD9F4:
        __asm__ volatile(HX_PRE "fldt %[a]\n\tfxtract\n\t"
                                "fnstsw %%ax\n\tfstpt %[t]\n\tfstpt %[a]\n\t" HX_POST
                         : "=&a"(sw), [a] "+m"(*a), [t] "=m"(*top)
                         : HX_IN
                         : HX_CLOB);
        break;
    }
    return sw;
}
