/* i386 signal frames, laid out as the kernel builds them
 * (arch/x86/kernel/signal_32.c, the ia32 frames of a 64-bit kernel).
 *
 * Stack: start from the interrupted esp, or the top of the alternate stack
 * for SA_ONSTACK when not already on it; reserve the FPU state
 * (struct _fpstate_32 without the FXSR part, since our CPUID has no FXSR:
 * the fnsave image plus status and magic 0xffff, 112 bytes) rounded down to
 * 64 bytes; then the frame, aligned so that ((esp + 4) & 15) == 0 at
 * handler entry. Overflowing the alternate stack is a failed frame.
 *
 *   sigframe (plain handlers)       rt_sigframe (SA_SIGINFO)
 *     pretcode                        pretcode
 *     sig                             sig, pinfo, puc
 *     sigcontext                      siginfo (128 bytes)
 *     (unused _fpstate_32)            ucontext: flags, link, stack,
 *     extramask (mask bits 33..64)              sigcontext, sigmask
 *     retcode "popl %eax; movl $119,  retcode "movl $173, %eax; int $0x80"
 *              %eax; int $0x80"
 *
 * pretcode is sa_restorer with SA_RESTORER, else a trampoline page that
 * xrun maps into the guest on demand (the kernel points at its vDSO there);
 * retcode is filled as the kernel does, for debuggers. At entry: eax = sig,
 * edx = &info and ecx = &uc for rt frames (0 and 0 otherwise, -mregparm=3),
 * esp = frame, eip = handler, DF and TF cleared, DS/ES/CS/SS the user
 * selectors, and the x87 unit in its initial state.
 */
#include "runtime/signal.h"

#include <string.h>
#include <sys/mman.h>

#include "frontend/flags.h"
#include "frontend/h_core.h"
#include "frontend/h_x87.h"
#include "runtime/mem.h"

_Thread_local RtTrapInfo rt_trap;

#define SEL_USER_CS 0x23u
#define SEL_USER_DS 0x2bu
/* The bits of EFLAGS sigreturn takes from the frame (FIX_EFLAGS). */
#define FIX_EFLAGS (EF_AC | EF_OF | EF_DF | EF_TF | EF_SF | EF_ZF | EF_AF | EF_PF | EF_CF | 0x10000u)
#define EF_RF 0x10000u

static const uint8_t retcode_plain[8] = {0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80};
static const uint8_t retcode_rt[8] = {0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0};

/* ---- the trampoline page ------------------------------------------------- */

static uint32_t tramp_page; /* guest address, 0 until needed */

/* Guest address of the sigreturn (rt false) or rt_sigreturn trampoline;
 * 0 if the page cannot be mapped. */
static uint32_t trampoline(bool rt)
{
    uint32_t p = __atomic_load_n(&tramp_page, __ATOMIC_ACQUIRE);
    if (!p) {
        uint32_t a = rt_mem_mmap(0, GUEST_PAGE, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (rt_mem_is_err(a)) return 0;
        memcpy(g2h(a), retcode_plain, 8);
        memcpy(g2h(a + 8), retcode_rt, 8);
        rt_mem_mprotect(a, GUEST_PAGE, PROT_READ | PROT_EXEC);
        uint32_t expect = 0;
        if (!__atomic_compare_exchange_n(&tramp_page, &expect, a, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
            rt_mem_munmap(a, GUEST_PAGE);
            a = expect;
        }
        p = a;
    }
    return rt ? p + 8 : p;
}

/* ---- the alternate stack ------------------------------------------------- */

static bool on_stack_raw(uint32_t sp)
{
    /* sp > ss_sp && sp - ss_sp <= size: the top belongs to the stack. */
    return sp > rt_altstack.sp && sp - rt_altstack.sp <= rt_altstack.size;
}

bool rt_on_sig_stack(uint32_t sp)
{
    if (rt_altstack.flags & G_SS_AUTODISARM) return false;
    return on_stack_raw(sp);
}

uint32_t rt_sas_ss_flags(uint32_t sp)
{
    if (!rt_altstack.size) return G_SS_DISABLE;
    return rt_on_sig_stack(sp) ? G_SS_ONSTACK : 0;
}

/* ---- building -------------------------------------------------------------- */

/* Materialize EFLAGS: the value for the frame, and cc_op left as CC_EFLAGS. */
static uint32_t save_eflags(CPUState *env)
{
    uint32_t f = h_get_eflags(env);
    env->cc_op = CC_EFLAGS;
    env->cc_res = f & EF_ARITH;
    return f;
}

static void put_sigcontext(CPUState *env, struct i386_sigcontext *sc, uint32_t fpstate,
                           uint32_t oldmask)
{
    memset(sc, 0, sizeof *sc);
    sc->gs = env->seg[SEG_GS];
    sc->fs = env->seg[SEG_FS];
    sc->es = env->seg[SEG_ES];
    sc->ds = env->seg[SEG_DS];
    sc->edi = env->regs[R_EDI];
    sc->esi = env->regs[R_ESI];
    sc->ebp = env->regs[R_EBP];
    sc->esp = env->regs[R_ESP];
    sc->ebx = env->regs[R_EBX];
    sc->edx = env->regs[R_EDX];
    sc->ecx = env->regs[R_ECX];
    sc->eax = env->regs[R_EAX];
    sc->trapno = rt_trap.trapno;
    sc->err = rt_trap.err;
    sc->eip = env->eip;
    sc->cs = env->seg[SEG_CS];
    sc->eflags = save_eflags(env);
    sc->esp_at_signal = env->regs[R_ESP];
    sc->ss = env->seg[SEG_SS];
    sc->fpstate = fpstate;
    sc->oldmask = oldmask;
    sc->cr2 = rt_trap.cr2;
}

/* The kernel's get_sigframe: the frame address, and *fp the FPU state's;
 * 0 when the alternate stack would overflow. */
static uint32_t place_frame(CPUState *env, const GuestSigaction *act, uint32_t size,
                            uint32_t *fp)
{
    uint32_t sp = env->regs[R_ESP];
    bool nested = rt_on_sig_stack(sp), entering = false;
    if ((act->flags & G_SA_ONSTACK) && rt_sas_ss_flags(sp) == 0) {
        sp = rt_altstack.sp + rt_altstack.size;
        entering = true;
    }
    sp = (sp - (uint32_t)sizeof(struct i386_fpstate)) & ~63u;
    *fp = sp;
    sp -= size;
    sp = ((sp + 4u) & ~15u) - 4u;
    if ((nested || entering) && !on_stack_raw(sp)) return 0;
    return sp;
}

int rt_sigframe_setup(CPUState *env, int sig, const GuestSigaction *act,
                      const struct i386_siginfo *info, uint64_t oldmask)
{
    bool rt = (act->flags & G_SA_SIGINFO) != 0;
    uint32_t size = rt ? sizeof(struct i386_rt_sigframe) : sizeof(struct i386_sigframe);
    uint32_t fp, frame = place_frame(env, act, size, &fp);
    if (!frame || !rt_mem_range_ok(frame, fp + sizeof(struct i386_fpstate) - frame, PROT_WRITE))
        return -1;
    uint32_t restorer = act->restorer;
    if (!(act->flags & G_SA_RESTORER)) {
        restorer = trampoline(rt);
        if (!restorer) return -1;
    }
    uint32_t esp = env->regs[R_ESP];

    /* The FPU state (fnsave also resets the unit, as the kernel's
     * fpu__clear_user_states does before the handler). */
    struct i386_fpstate *fps = g2h(fp);
    h_x87_st_ctrl(env, fp, X87C_SAVE);
    uint16_t sw;
    memcpy(&sw, fps->fsave + 4, 2);
    fps->status = sw;
    fps->magic = I386_FP_MAGIC_FSAVE;

    if (rt) {
        struct i386_rt_sigframe *f = g2h(frame);
        uint32_t pretcode = restorer;
        memcpy(&f->pretcode, &pretcode, 4);
        f->sig = sig;
        f->pinfo = frame + (uint32_t)offsetof(struct i386_rt_sigframe, info);
        f->puc = frame + (uint32_t)offsetof(struct i386_rt_sigframe, uc);
        memcpy(&f->info, info, sizeof f->info);
        f->uc.uc_flags = 0; /* UC_FP_XSTATE only with XSAVE */
        f->uc.uc_link = 0;
        f->uc.uc_stack.ss_sp = rt_altstack.sp;
        f->uc.uc_stack.ss_flags = (int32_t)(rt_altstack.flags | rt_sas_ss_flags(esp));
        f->uc.uc_stack.ss_size = rt_altstack.size;
        struct i386_sigcontext sc;
        put_sigcontext(env, &sc, fp, (uint32_t)oldmask);
        memcpy(&f->uc.uc_mcontext, &sc, sizeof sc);
        f->uc.uc_sigmask = oldmask;
        memcpy(f->retcode, retcode_rt, 8);
        env->regs[R_EDX] = f->pinfo;
        env->regs[R_ECX] = f->puc;
    } else {
        struct i386_sigframe *f = g2h(frame);
        f->pretcode = restorer;
        f->sig = sig;
        struct i386_sigcontext sc;
        put_sigcontext(env, &sc, fp, (uint32_t)oldmask);
        memcpy(&f->sc, &sc, sizeof sc);
        f->extramask = (uint32_t)(oldmask >> 32);
        memcpy(f->retcode, retcode_plain, 8);
        env->regs[R_EDX] = 0;
        env->regs[R_ECX] = 0;
    }
    if (rt_altstack.flags & G_SS_AUTODISARM) rt_altstack = (RtAltStack){0, G_SS_DISABLE, 0};

    env->regs[R_EAX] = (uint32_t)sig;
    env->regs[R_ESP] = frame;
    env->eip = act->handler;
    env->eflags &= ~(EF_DF | EF_TF | EF_RF);
    env->seg[SEG_DS] = env->seg[SEG_ES] = env->seg[SEG_SS] = SEL_USER_DS;
    env->seg_base[SEG_DS] = env->seg_base[SEG_ES] = env->seg_base[SEG_SS] = 0;
    env->seg[SEG_CS] = SEL_USER_CS;
    env->seg_base[SEG_CS] = 0;
    return 0;
}

/* ---- sigreturn ----------------------------------------------------------- */

/* restore_sigcontext: registers, the EFLAGS bits user space may change,
 * segments (reloaded when changed), the FPU state. */
static int get_sigcontext(CPUState *env, const struct i386_sigcontext *sc)
{
    env->regs[R_EBX] = sc->ebx;
    env->regs[R_ECX] = sc->ecx;
    env->regs[R_EDX] = sc->edx;
    env->regs[R_ESI] = sc->esi;
    env->regs[R_EDI] = sc->edi;
    env->regs[R_EBP] = sc->ebp;
    env->regs[R_EAX] = sc->eax;
    env->regs[R_ESP] = sc->esp;
    env->eip = sc->eip;
    uint32_t old = h_get_eflags(env);
    uint32_t f = (old & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
    env->eflags = f & ~EF_ARITH;
    env->cc_op = CC_EFLAGS;
    env->cc_res = f & EF_ARITH;
    static const int segs[] = {SEG_GS, SEG_FS, SEG_ES, SEG_DS};
    const uint16_t sels[] = {sc->gs, sc->fs, sc->es, sc->ds};
    for (int i = 0; i < 4; i++) {
        uint32_t sel = sels[i] | 3u;
        if (sels[i] == env->seg[segs[i]]) continue;
        /* A selector the kernel cannot load ends as the null selector. */
        if (h_load_seg(env, (uint32_t)segs[i], sel) != 0) {
            env->seg[segs[i]] = 0;
            env->seg_base[segs[i]] = 0;
        }
    }
    if (sc->fpstate) {
        if (!rt_mem_range_ok(sc->fpstate, sizeof(struct i386_fpstate), PROT_READ)) {
            h_x87_reset(env);
            return -1;
        }
        h_x87_ld_ctrl(env, sc->fpstate, X87C_SAVE);
    } else {
        h_x87_reset(env);
    }
    return 0;
}

int rt_sigframe_restore(CPUState *env, bool rt, uint64_t *mask, struct i386_stack *stack,
                        bool *has_stack)
{
    struct i386_sigcontext sc;
    *has_stack = false;
    if (rt) {
        uint32_t frame = env->regs[R_ESP] - 4u;
        if (!rt_mem_range_ok(frame, sizeof(struct i386_rt_sigframe), PROT_READ)) return -1;
        const struct i386_rt_sigframe *f = g2h(frame);
        *mask = f->uc.uc_sigmask;
        memcpy(stack, &f->uc.uc_stack, sizeof *stack);
        memcpy(&sc, &f->uc.uc_mcontext, sizeof sc);
        *has_stack = true;
    } else {
        uint32_t frame = env->regs[R_ESP] - 8u;
        if (!rt_mem_range_ok(frame, sizeof(struct i386_sigframe), PROT_READ)) return -1;
        const struct i386_sigframe *f = g2h(frame);
        memcpy(&sc, &f->sc, sizeof sc);
        *mask = sc.oldmask | ((uint64_t)f->extramask << 32);
    }
    return get_sigcontext(env, &sc);
}
