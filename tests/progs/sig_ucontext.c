/* Handlers that read and edit the interrupted state: the SA_SIGINFO ucontext (general
   registers, EIP to skip a faulting instruction, EFLAGS, the x87 state in fpregs, uc_sigmask)
   and the legacy frame of a plain handler (struct sigcontext passed by value, its oldmask).
   The interrupted code is hand-written assembly with known register values and labels. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define FUNC(name) ".globl " #name "\n.hidden " #name "\n.type " #name ",@function\n" #name ":\n"
#define LABEL(name) ".globl " #name "\n.hidden " #name "\n" #name ":\n"
#define PROLOGUE "  pushl %ebx\n  pushl %esi\n  pushl %edi\n  pushl %ebp\n"
#define EPILOGUE "  popl %ebp\n  popl %edi\n  popl %esi\n  popl %ebx\n  ret\n"

/* void uc_regs(uint32_t out[7]): eax..ebp = 0x11..0x77, ud2, then stores eax, ecx, edx, ebx, esi,
   edi, ebp into out. */
/* void uc_flags(uint32_t in_flags, uint32_t *out): popf in_flags, ud2, *out = pushf, then the
   caller's flags are restored. */
/* void uc_fpu(const double in[3], const uint16_t *cw, struct fpout *out): fninit, fldcw *cw,
   fldl in[0], in[1], in[2], ud2, then out->cw = fnstcw, out->st[0..2] = fstpl x3, out->sw. */
/* int uc_kill(int pid, int sig): kill through int $0x80, returns eax after it. */
asm(".text\n"
    FUNC(uc_regs) PROLOGUE
    "  movl $0x11, %eax\n  movl $0x22, %ecx\n  movl $0x33, %edx\n  movl $0x44, %ebx\n"
    "  movl $0x55, %esi\n  movl $0x66, %edi\n  movl $0x77, %ebp\n"
    LABEL(uc_regs_insn) "  ud2\n" LABEL(uc_regs_after)
    "  pushl %eax\n  movl 24(%esp), %eax\n"
    "  movl %ecx, 4(%eax)\n  movl %edx, 8(%eax)\n  movl %ebx, 12(%eax)\n  movl %esi, 16(%eax)\n"
    "  movl %edi, 20(%eax)\n  movl %ebp, 24(%eax)\n  popl %ecx\n  movl %ecx, (%eax)\n"
    EPILOGUE
    FUNC(uc_flags)
    "  movl 8(%esp), %edx\n  pushfl\n  pushl 8(%esp)\n  popfl\n"
    LABEL(uc_flags_insn) "  ud2\n" LABEL(uc_flags_after)
    "  pushfl\n  popl (%edx)\n  popfl\n  ret\n"
    FUNC(uc_fpu)
    "  movl 4(%esp), %eax\n  movl 8(%esp), %ecx\n  movl 12(%esp), %edx\n"
    "  fninit\n  fldcw (%ecx)\n  fldl (%eax)\n  fldl 8(%eax)\n  fldl 16(%eax)\n"
    LABEL(uc_fpu_insn) "  ud2\n" LABEL(uc_fpu_after)
    "  fnstcw (%edx)\n  fstpl 4(%edx)\n  fstpl 12(%edx)\n  fstpl 20(%edx)\n  fnstsw 28(%edx)\n"
    "  fninit\n  ret\n"
    FUNC(uc_kill) "  pushl %ebx\n  movl 8(%esp), %ebx\n  movl 12(%esp), %ecx\n  movl $37, %eax\n"
    LABEL(uc_kill_insn) "  int $0x80\n" LABEL(uc_kill_after) "  popl %ebx\n  ret\n");

#define HIDDEN __attribute__((visibility("hidden")))
HIDDEN void uc_regs(uint32_t out[7]);
HIDDEN void uc_flags(uint32_t in_flags, uint32_t *out);
struct fpout {
    uint16_t cw, pad;
    double st[3];
    uint16_t sw, pad2;
};
HIDDEN void uc_fpu(const double in[3], const uint16_t *cw, struct fpout *out);
HIDDEN int uc_kill(int pid, int sig);
HIDDEN extern const char uc_regs_insn[], uc_regs_after[], uc_flags_insn[], uc_flags_after[],
    uc_fpu_insn[], uc_fpu_after[], uc_kill_insn[], uc_kill_after[];

static const char *yesno(int c) { return c ? "yes" : "no"; }

static int mode;
static uint32_t seen[12];

#define FL_STATUS 0x08d5u /* OF SF ZF AF PF CF */
#define FL_DF 0x0400u
#define FL_IOPL 0x3000u

static uint32_t my_flags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

static void ill_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    switch (mode) {
    case 1: /* registers: check, then replace all of them and skip the ud2 */
        seen[0] = g[REG_EIP] == (greg_t)(uintptr_t)uc_regs_insn;
        seen[1] = g[REG_EAX] == 0x11 && g[REG_ECX] == 0x22 && g[REG_EDX] == 0x33 &&
                  g[REG_EBX] == 0x44 && g[REG_ESI] == 0x55 && g[REG_EDI] == 0x66 && g[REG_EBP] == 0x77;
        g[REG_EAX] = 0xa0a0;
        g[REG_ECX] = 0xc1c1;
        g[REG_EDX] = 0xd2d2;
        g[REG_EBX] = 0xb3b3;
        g[REG_ESI] = 0x5454;
        g[REG_EDI] = 0xd5d5;
        g[REG_EBP] = 0xe6e6;
        g[REG_EIP] = (greg_t)(uintptr_t)uc_regs_after;
        break;
    case 2: /* flags: report, leave them, skip */
    case 3: /* flags: report, replace the status flags and try to set IOPL, skip */
        seen[0] = g[REG_EIP] == (greg_t)(uintptr_t)uc_flags_insn;
        seen[1] = (uint32_t)g[REG_EFL];
        seen[2] = my_flags();
        {
            /* change this handler's own flags; they must not leak into the interrupted code */
            volatile int a = 1, b = 2;
            seen[3] = a - b < 0;
        }
        if (mode == 3) g[REG_EFL] = (g[REG_EFL] & ~(FL_STATUS | FL_DF)) | 0x0801u /* OF CF */ | FL_IOPL;
        g[REG_EIP] = (greg_t)(uintptr_t)uc_flags_after;
        break;
    case 4: /* x87 */
    case 5: {
        uint16_t cw, env[14];
        __asm__ volatile("fnstcw %0" : "=m"(cw));
        __asm__ volatile("fnstenv %0" : "=m"(env));
        seen[0] = g[REG_EIP] == (greg_t)(uintptr_t)uc_fpu_insn;
        seen[1] = cw;
        seen[2] = env[4];                /* tag word */
        seen[3] = (env[2] >> 11) & 7;    /* TOP */
        struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
        seen[4] = fp != NULL;
        if (fp) {
            seen[5] = fp->cw & 0xffff;
            seen[6] = fp->tag & 0xffff;
            seen[7] = (fp->sw >> 11) & 7;
            long double want = -3.0L, got;
            memcpy(&got, &fp->_st[0], 10);
            seen[8] = got == want;
            memcpy(&got, &fp->_st[2], 10);
            seen[9] = got == 1.5L;
            if (mode == 5) {
                fp->cw = (fp->cw & ~0xffffu) | 0x0b7f;
                long double seven = 7.0L;
                memcpy(&fp->_st[0], &seven, 10);
            }
        }
        /* leave this handler's x87 state changed: control word and a non-empty stack */
        uint16_t newcw = 0x077f;
        __asm__ volatile("fldcw %0\n\tfld1\n\tfldz\n\tfldpi" : : "m"(newcw));
        g[REG_EIP] = (greg_t)(uintptr_t)uc_fpu_after;
        break;
    }
    default: g[REG_EIP] += 2; break;
    }
}

static void usr1_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    seen[0] = g[REG_EIP] == (greg_t)(uintptr_t)uc_kill_after;
    seen[1] = (uint32_t)g[REG_EAX];
    seen[2] = si->si_code == SI_USER;
    seen[3] = uc->uc_link == NULL;
    seen[4] = uc->uc_stack.ss_flags;
    seen[5] = sigismember(&uc->uc_sigmask, SIGHUP);
    seen[6] = sigismember(&uc->uc_sigmask, SIGUSR1);
    g[REG_EAX] = 1234;
    sigaddset(&uc->uc_sigmask, SIGUSR2); /* blocked after the return */
    sigdelset(&uc->uc_sigmask, SIGHUP);  /* unblocked after the return */
}

static struct sigcontext plain_sc;
static void plain_handler(int sig, struct sigcontext sc)
{
    /* i386 plain handlers get the sigcontext by value right after the signal number, and
       sigreturn restores from that copy. */
    plain_sc = sc;
    (void)sig;
    volatile struct sigcontext *p = &sc; /* the stores must happen: sigreturn reads them */
    p->eip = (unsigned long)(uintptr_t)uc_regs_after;
    p->eax = 0xabcd;
    p->esi = 0x1234;
    p->oldmask |= 1u << (SIGUSR2 - 1);
}

static void install(int sig, void *h, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (flags & SA_SIGINFO)
        sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))h;
    else
        sa.sa_handler = (void (*)(int))h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void show_mask(const char *when)
{
    sigset_t m;
    sigprocmask(SIG_SETMASK, NULL, &m);
    printf("%s: HUP blocked %d, USR1 blocked %d, USR2 blocked %d\n", when, sigismember(&m, SIGHUP),
           sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2));
}

static void set_mask(int hup)
{
    sigset_t m;
    sigemptyset(&m);
    if (hup) sigaddset(&m, SIGHUP);
    sigprocmask(SIG_SETMASK, &m, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    install(SIGILL, ill_handler, SA_SIGINFO);

    printf("== general registers\n");
    uint32_t r[7];
    mode = 1;
    uc_regs(r);
    printf("eip at ud2: %s, registers as loaded: %s\n", yesno(seen[0]), yesno(seen[1]));
    printf("after return: eax %x ecx %x edx %x ebx %x esi %x edi %x ebp %x\n", r[0], r[1], r[2], r[3],
           r[4], r[5], r[6]);

    printf("== eflags\n");
    uint32_t out;
    mode = 2;
    uc_flags(0x0ed7 /* OF DF SF ZF AF PF CF + bit 1 */, &out);
    printf("eip at ud2: %s, saved status flags %03x, DF saved %d, DF in handler %d\n", yesno(seen[0]),
           seen[1] & FL_STATUS, (seen[1] & FL_DF) != 0, (seen[2] & FL_DF) != 0);
    printf("handler left them: status flags after %03x, DF after %d\n", out & FL_STATUS,
           (out & FL_DF) != 0);
    mode = 2;
    uc_flags(0x0002, &out);
    printf("all clear: saved %03x, after %03x, DF after %d\n", seen[1] & FL_STATUS, out & FL_STATUS,
           (out & FL_DF) != 0);
    mode = 3;
    uc_flags(0x00c7 /* SF ZF PF CF */, &out);
    printf("handler set OF|CF and IOPL 3: status flags after %03x, DF after %d, IOPL after %d\n",
           out & FL_STATUS, (out & FL_DF) != 0, (out & FL_IOPL) >> 12);

    printf("== x87\n");
    static const double in[3] = {1.5, 2.25, -3.0};
    static const uint16_t cw = 0x0f7f; /* round toward zero */
    struct fpout fo;
    for (mode = 4; mode <= 5; mode++) {
        memset(&fo, 0, sizeof fo);
        uc_fpu(in, &cw, &fo);
        printf("%s: eip at ud2: %s\n", mode == 4 ? "handler leaves it" : "handler edits fpregs",
               yesno(seen[0]));
        printf("  in the handler: cw %04x, tag %04x, top %d (a fresh x87 state)\n", seen[1], seen[2],
               seen[3]);
        printf("  fpregs present: %s, saved cw %04x, tag %04x, top %d, st0 == -3: %s, st2 == 1.5: %s\n",
               yesno(seen[4]), seen[5], seen[6], seen[7], yesno(seen[8]), yesno(seen[9]));
        printf("  after return: cw %04x, st %g %g %g, top %d\n", fo.cw, fo.st[0], fo.st[1], fo.st[2],
               (fo.sw >> 11) & 7);
    }

    printf("== signal at a system call, uc_sigmask, uc_stack\n");
    install(SIGUSR1, usr1_handler, SA_SIGINFO);
    set_mask(1);
    int k = uc_kill(getpid(), SIGUSR1);
    printf("eip after int $0x80: %s, saved eax %u (kill's result), SI_USER %s\n", yesno(seen[0]), seen[1],
           yesno(seen[2]));
    printf("uc_link NULL: %s, uc_stack.ss_flags %u (SS_DISABLE %d), uc_sigmask HUP %u USR1 %u\n",
           yesno(seen[3]), seen[4], SS_DISABLE, seen[5], seen[6]);
    printf("kill returned %d (the handler's eax)\n", k);
    show_mask("after return");

    printf("== plain handler, struct sigcontext\n");
    install(SIGILL, plain_handler, 0);
    set_mask(1);
    uc_regs(r);
    printf("sigcontext eip at ud2: %s, eax %lx ebx %lx ebp %lx, trapno %lu, oldmask HUP %d\n",
           yesno(plain_sc.eip == (unsigned long)(uintptr_t)uc_regs_insn), plain_sc.eax, plain_sc.ebx,
           plain_sc.ebp, plain_sc.trapno, (int)(plain_sc.oldmask >> (SIGHUP - 1)) & 1);
    printf("after return: eax %x ecx %x esi %x\n", r[0], r[1], r[4]);
    show_mask("after return");
    set_mask(0);
    printf("done\n");
    return 0;
}
