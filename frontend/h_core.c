/* C helpers of the integer core: lazy flags, CPUID, RDTSC, segment loads. */
#include "frontend/h_core.h"

#include <signal.h>
#include <string.h>
#include <x86intrin.h>

#include "frontend/cpuid.h"
#include "frontend/flags.h"

/* ------------------------------------------------------------------------ */
/* Lazy flags                                                               */
/* ------------------------------------------------------------------------ */

uint32_t h_get_eflags(CPUState *env) {
    uint32_t arith = fe_flags_compute(env->cc_op, env->cc_res, env->cc_a, env->cc_b, env->cc_c);
    return (env->eflags & ~EF_ARITH) | arith | EF_BIT1 | EF_IF;
}

uint8_t h_cond(CPUState *env, uint32_t cc) {
    uint32_t arith = fe_flags_compute(env->cc_op, env->cc_res, env->cc_a, env->cc_b, env->cc_c);
    return (uint8_t)fe_cond_eval(arith, (X86Cond)(cc & 15u));
}

/* ------------------------------------------------------------------------ */
/* CPUID: advertise exactly what xrun implements                            */
/* ------------------------------------------------------------------------ */

#define CPUID_EDX_FPU (1u << 0)
#define CPUID_EDX_TSC (1u << 4)
#define CPUID_EDX_CX8 (1u << 8)
#define CPUID_EDX_CMOV (1u << 15)

uint32_t fe_cpuid_features_edx(void) {
    return CPUID_EDX_FPU | CPUID_EDX_TSC | CPUID_EDX_CX8 | CPUID_EDX_CMOV;
}

/* Copy 16 bytes of a string into four registers, little-endian. */
static void put_str16(const char *s, uint32_t out[4]) {
    char buf[16] = {0};
    size_t n = strlen(s);
    memcpy(buf, s, n < 16 ? n : 16);
    memcpy(out, buf, 16);
}

void fe_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    /* The brand string, 48 bytes with NUL padding, over leaves 0x80000002..4. */
    static const char brand[48] = "xrun virtual i686 CPU";
    (void)subleaf;
    out[0] = out[1] = out[2] = out[3] = 0;
    switch (leaf) {
    case 0:
        out[0] = 1;          /* max basic leaf */
        out[1] = 0x756e6547; /* "Genu" */
        out[3] = 0x49656e69; /* "ineI" */
        out[2] = 0x6c65746e; /* "ntel" */
        break;
    case 1:
        /* family 6, model 15, stepping 1; one logical CPU; no features in ECX */
        out[0] = (6u << 8) | (15u << 4) | 1u;
        out[1] = 0;
        out[2] = 0;
        out[3] = fe_cpuid_features_edx();
        break;
    case 0x80000000u:
        out[0] = 0x80000004u;
        break;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u:
        put_str16(brand + 16 * (leaf - 0x80000002u), out);
        break;
    default:
        break;
    }
}

void h_cpuid(CPUState *env) {
    uint32_t out[4];
    fe_cpuid(env->regs[R_EAX], env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
}

uint64_t h_rdtsc(CPUState *env) {
    (void)env;
    return __rdtsc();
}

/* ------------------------------------------------------------------------ */
/* Segment registers                                                        */
/* ------------------------------------------------------------------------ */

/* Flat user selectors of i386 Linux (__USER_CS/__USER_DS) and of the
 * compat mode of x86-64 kernels (__USER32_CS/__USER32_DS). */
static int is_flat_user_selector(uint32_t sel) {
    return sel == 0x73 || sel == 0x7b || sel == 0x23 || sel == 0x2b;
}
static int is_code_selector(uint32_t sel) {
    return sel == 0x73 || sel == 0x23;
}

uint32_t h_load_seg(CPUState *env, uint32_t seg, uint32_t sel) {
    sel &= 0xffffu;
    if (seg >= SEG__COUNT || seg == SEG_CS) return SIGSEGV;
    uint32_t base;
    if ((sel & ~3u) == 0) {
        /* Null selector: fine for data segments (faults on use), #GP for SS. */
        if (seg == SEG_SS) return SIGSEGV;
        base = 0;
    } else if ((sel & 3u) != 3u || (sel & 4u)) {
        return SIGSEGV; /* wrong privilege level, or an LDT selector (no modify_ldt) */
    } else if (is_flat_user_selector(sel)) {
        if (seg == SEG_SS && is_code_selector(sel)) return SIGSEGV;
        base = 0;
    } else if ((sel >> 3) >= 6 && (sel >> 3) <= 8) {
        unsigned i = (sel >> 3) - 6;
        /* An empty entry is a null descriptor: #GP. A filled one marked
         * seg_not_present (user_desc bit 5) is #NP (#SS for SS): SIGBUS. */
        if (!env->tls[i].present) return SIGSEGV;
        if (env->tls[i].flags & (1u << 5)) return SIGBUS;
        base = env->tls[i].base;
    } else {
        return SIGSEGV;
    }
    env->seg[seg] = (uint16_t)sel;
    env->seg_base[seg] = base;
    return 0;
}

uint32_t h_smc_take(CPUState *env, uint32_t next) {
    if (!env->smc_hit) return 0;
    env->smc_hit = 0;
    return next;
}
