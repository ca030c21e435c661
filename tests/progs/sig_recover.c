/* xrun-test: timeout=60 */
/* Recovery from synchronous faults with sigsetjmp/siglongjmp, many times in a loop so that the
   faulting code is hot: SIGSEGV (unmapped read, write to a read-only page, call through NULL,
   hlt), SIGBUS (past the end of a file mapping), SIGFPE (idiv by zero and INT_MIN / -1),
   SIGILL (ud2), SIGTRAP (int3). The faulting instructions are in hand-written functions that
   hold known values in every register, so the handler checks the exact state of the faulting
   instruction in the ucontext, and si_code/si_addr. A C function checks that a store made
   just before the fault is visible in the handler. Finally, children show that a fault with
   the signal blocked or ignored kills the process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define ITER 300

/* Each function: cdecl, saves what it must, loads
     ebx = i, esi = 3*i, edi = ~i, ebp = i ^ 0x5a5a5a5a
   with i its last argument, then faults at the label NAME_insn. */
#define SETREGS(off)                                                                             \
    "  movl " #off "(%esp), %ebx\n"                                                              \
    "  leal (%ebx,%ebx,2), %esi\n"                                                               \
    "  movl %ebx, %edi\n"                                                                        \
    "  notl %edi\n"                                                                              \
    "  movl %ebx, %ebp\n"                                                                        \
    "  xorl $0x5a5a5a5a, %ebp\n"
#define PROLOGUE "  pushl %ebx\n  pushl %esi\n  pushl %edi\n  pushl %ebp\n"
#define EPILOGUE "  popl %ebp\n  popl %edi\n  popl %esi\n  popl %ebx\n  ret\n"
#define FUNC(name) ".globl " #name "\n.hidden " #name "\n.type " #name ",@function\n" #name ":\n"
#define LABEL(name) ".globl " #name "\n.hidden " #name "\n" #name ":\n"

/* int fault_read(const int *addr, int i): eax = addr, ecx = 0x600d; movl (%eax), %eax */
/* void fault_write(int *addr, int value, int i): eax = addr, ecx = value; movl %ecx, (%eax) */
/* int fault_div(int a, int b, int i): eax = a, ecx = b; cltd; idivl %ecx */
/* int fault_ud2(int i), fault_int3(int i), fault_hlt(int i): eax = 0x1111, ecx = 0x2222 */
/* void fault_call(void *target, int i): eax = target; call *%eax */
asm(".text\n"
    FUNC(fault_read) PROLOGUE SETREGS(24)
    "  movl 20(%esp), %eax\n  movl $0x600d, %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_read_insn) "  movl (%eax), %eax\n" EPILOGUE
    FUNC(fault_write) PROLOGUE SETREGS(28)
    "  movl 20(%esp), %eax\n  movl 24(%esp), %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_write_insn) "  movl %ecx, (%eax)\n" EPILOGUE
    FUNC(fault_div) PROLOGUE SETREGS(28)
    "  movl 20(%esp), %eax\n  movl 24(%esp), %ecx\n  cltd\n"
    LABEL(fault_div_insn) "  idivl %ecx\n" EPILOGUE
    FUNC(fault_ud2) PROLOGUE SETREGS(20)
    "  movl $0x1111, %eax\n  movl $0x2222, %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_ud2_insn) "  ud2\n" EPILOGUE
    FUNC(fault_int3) PROLOGUE SETREGS(20)
    "  movl $0x1111, %eax\n  movl $0x2222, %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_int3_insn) "  int3\n" LABEL(fault_int3_after) "  nop\n" EPILOGUE
    FUNC(fault_hlt) PROLOGUE SETREGS(20)
    "  movl $0x1111, %eax\n  movl $0x2222, %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_hlt_insn) "  hlt\n" EPILOGUE
    FUNC(fault_call) PROLOGUE SETREGS(24)
    "  movl 20(%esp), %eax\n  movl $0x2222, %ecx\n  movl $0x7777, %edx\n"
    LABEL(fault_call_insn) "  call *%eax\n" LABEL(fault_call_ret) EPILOGUE);

#define HIDDEN __attribute__((visibility("hidden")))
HIDDEN int fault_read(const int *addr, int i);
HIDDEN void fault_write(int *addr, int value, int i);
HIDDEN int fault_div(int a, int b, int i);
HIDDEN int fault_ud2(int i);
HIDDEN int fault_int3(int i);
HIDDEN int fault_hlt(int i);
HIDDEN void fault_call(void *target, int i);
HIDDEN extern const char fault_read_insn[], fault_write_insn[], fault_div_insn[], fault_ud2_insn[],
    fault_int3_insn[], fault_int3_after[], fault_hlt_insn[], fault_call_insn[], fault_call_ret[];

static sigjmp_buf jb;
static volatile int in_test;

struct seen {
    int sig, code, nsig;
    uintptr_t addr, eip, eax, ecx, edx, ebx, esi, edi, ebp, esp, trapno, err, cr2, ret_at_esp;
};
static struct seen seen;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    seen.sig = sig;
    seen.nsig++;
    seen.code = si->si_code;
    seen.addr = (uintptr_t)si->si_addr;
    seen.eip = (uintptr_t)g[REG_EIP];
    seen.eax = (uintptr_t)g[REG_EAX];
    seen.ecx = (uintptr_t)g[REG_ECX];
    seen.edx = (uintptr_t)g[REG_EDX];
    seen.ebx = (uintptr_t)g[REG_EBX];
    seen.esi = (uintptr_t)g[REG_ESI];
    seen.edi = (uintptr_t)g[REG_EDI];
    seen.ebp = (uintptr_t)g[REG_EBP];
    seen.esp = (uintptr_t)g[REG_ESP];
    seen.trapno = (uintptr_t)g[REG_TRAPNO];
    seen.err = (uintptr_t)g[REG_ERR];
    seen.cr2 = (uintptr_t)uc->uc_mcontext.cr2;
    seen.ret_at_esp = 0;
    if (in_test == 2) seen.ret_at_esp = *(uintptr_t *)g[REG_ESP];
    if (in_test) siglongjmp(jb, 1);
    /* not in a test: return (int3 continues after the instruction) */
}

static int regs_match(const struct seen *s, int i)
{
    uintptr_t u = (uintptr_t)i;
    return s->ebx == u && s->esi == 3 * u && s->edi == ~u && s->ebp == (u ^ 0x5a5a5a5a);
}

static const char *codename(int sig, int code)
{
    if (code == SI_KERNEL) return "SI_KERNEL";
    if (code == SI_USER) return "SI_USER";
    switch (sig) {
    case SIGSEGV: return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    case SIGBUS: return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "?";
    case SIGFPE: return code == FPE_INTDIV ? "FPE_INTDIV" : code == FPE_INTOVF ? "FPE_INTOVF" : "?";
    case SIGILL: return code == ILL_ILLOPN ? "ILL_ILLOPN" : code == ILL_ILLOPC ? "ILL_ILLOPC" : "?";
    case SIGTRAP: return code == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    }
    return "?";
}

static const char *yesno(int c) { return c ? "yes" : "no"; }

enum kind { K_READ, K_WRITE, K_DIV, K_UD2, K_INT3, K_HLT, K_CALL };

struct expect {
    const char *name;
    enum kind kind;
    uintptr_t arg;   /* address (read/write/call) or dividend */
    uintptr_t arg2;  /* divisor for div */
    const char *eip; /* expected eip in the ucontext */
    int with_addr;   /* check si_addr == addr */
    uintptr_t addr;
};

/* Runs one fault ITER times; returns how many iterations showed exactly the expected state. */
static void run(const struct expect *e)
{
    int good = 0, recovered = 0;
    struct seen first;
    memset(&first, 0, sizeof first);
    for (int i = 0; i < ITER; i++) {
        memset(&seen, 0, sizeof seen);
        int mark = i * 5 + 1; /* live in a callee-saved slot of this frame across the fault */
        volatile int done = 0;
        in_test = e->kind == K_CALL ? 2 : 1;
        if (sigsetjmp(jb, 1) == 0) {
            switch (e->kind) {
            case K_READ: fault_read((const int *)e->arg, i); break;
            case K_WRITE: fault_write((int *)e->arg, 0x5eed + i, i); break;
            case K_DIV: fault_div((int)e->arg, (int)e->arg2, i); break;
            case K_UD2: fault_ud2(i); break;
            case K_INT3: fault_int3(i); break;
            case K_HLT: fault_hlt(i); break;
            case K_CALL: fault_call((void *)e->arg, i); break;
            }
            done = 1;
        }
        in_test = 0;
        if (done) continue;
        recovered++;
        if (i == 0) first = seen;
        int ok = seen.nsig == 1 && seen.sig == first.sig && seen.code == first.code && regs_match(&seen, i) &&
                 seen.eip == (uintptr_t)e->eip && mark == i * 5 + 1;
        switch (e->kind) {
        case K_READ: ok = ok && seen.eax == e->arg && seen.ecx == 0x600d && seen.edx == 0x7777; break;
        case K_WRITE:
            ok = ok && seen.eax == e->arg && seen.ecx == (uintptr_t)(0x5eed + i) && seen.edx == 0x7777;
            break;
        case K_DIV: ok = ok && seen.eax == e->arg && seen.ecx == e->arg2; break;
        case K_CALL:
            ok = ok && seen.eax == e->arg && seen.ret_at_esp == (uintptr_t)fault_call_ret &&
                 seen.edx == 0x7777;
            break;
        default: ok = ok && seen.eax == 0x1111 && seen.ecx == 0x2222 && seen.edx == 0x7777; break;
        }
        if (e->with_addr) ok = ok && seen.addr == e->addr;
        good += ok;
    }
    printf("%s: recovered %d/%d, exact state %d/%d\n", e->name, recovered, ITER, good, ITER);
    printf("  signal %s, si_code %s", strsignal(first.sig), codename(first.sig, first.code));
    if (e->with_addr) printf(", si_addr exact: %s", yesno(first.addr == e->addr));
    printf(", eip at the instruction: %s, registers: %s\n", yesno(first.eip == (uintptr_t)e->eip),
           yesno(regs_match(&first, 0)));
}

/* A store just before a fault must be visible to the handler; a value computed before the fault
   and kept in this frame is intact after siglongjmp (it is only read through volatile). */
static volatile int progress;
static int __attribute__((noinline)) store_then_fault(volatile int *p, int i)
{
    int a = i * 7 + 1;
    progress = a;
    int x = *p;
    progress = -1;
    return a + x;
}

static int progress_in_handler;
static void progress_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    progress_in_handler = progress;
    siglongjmp(jb, 1);
}

static void child_fault(int how)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (how == 0) {
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGSEGV);
            sigprocmask(SIG_BLOCK, &s, NULL);
        } else {
            signal(SIGSEGV, SIG_IGN);
        }
        fault_read((const int *)16, 0);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("fault with SIGSEGV %s (handler installed: %s): child %s %d\n",
           how == 0 ? "blocked" : "ignored", how == 0 ? "yes" : "no",
           WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);

    long pagesz = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, pagesz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, pagesz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    char path[64];
    snprintf(path, sizeof path, "/tmp/xrun-sigrecover-%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char data[100];
    memset(data, 'd', sizeof data);
    if (write(fd, data, sizeof data) != (ssize_t)sizeof data) printf("write failed\n");
    char *fm = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    unlink(path);
    printf("mappings ok: %s\n", yesno(ro != MAP_FAILED && none != MAP_FAILED && fm != MAP_FAILED));
    printf("file map: byte 99 '%c', byte 100 %d, last byte of page 0 %d\n", fm[99], fm[100],
           fm[pagesz - 1]);

    uintptr_t a_none = (uintptr_t)(none + 12), a_ro = (uintptr_t)(ro + 8);
    uintptr_t a_eof_r = (uintptr_t)(fm + pagesz + 40), a_eof_w = (uintptr_t)(fm + pagesz + 4);
    struct expect tests[] = {
        {"read NULL+8", K_READ, 8, 0, fault_read_insn, 1, 8},
        {"read PROT_NONE page+12", K_READ, a_none, 0, fault_read_insn, 1, a_none},
        {"write PROT_READ page+8", K_WRITE, a_ro, 0, fault_write_insn, 1, a_ro},
        {"read past EOF of a file mapping", K_READ, a_eof_r, 0, fault_read_insn, 1, a_eof_r},
        {"write past EOF of a file mapping", K_WRITE, a_eof_w, 0, fault_write_insn, 1, a_eof_w},
        {"idiv by zero", K_DIV, 1000, 0, fault_div_insn, 1, (uintptr_t)fault_div_insn},
        {"idiv INT_MIN / -1", K_DIV, 0x80000000u, (uintptr_t)-1, fault_div_insn, 1,
         (uintptr_t)fault_div_insn},
        {"ud2", K_UD2, 0, 0, fault_ud2_insn, 1, (uintptr_t)fault_ud2_insn},
        {"int3", K_INT3, 0, 0, fault_int3_after, 1, 0},
        {"hlt", K_HLT, 0, 0, fault_hlt_insn, 1, 0},
        {"call NULL", K_CALL, 0, 0, NULL, 1, 0},
    };
    for (unsigned k = 0; k < sizeof tests / sizeof tests[0]; k++) {
        run(&tests[k]);
        if (tests[k].kind == K_READ || tests[k].kind == K_WRITE)
            /* the user and write bits of the page-fault error code (the present bit depends on
               whether the kernel had mapped the page) */
            printf("  trapno %d, err & 6 = %d, cr2 == si_addr: %s\n", (int)seen.trapno,
                   (int)(seen.err & 6), yesno(seen.cr2 == seen.addr));
        else if (tests[k].kind != K_CALL)
            printf("  trapno %d, err %d\n", (int)seen.trapno, (int)seen.err);
    }
    printf("read-only page still zero: %s\n", yesno(ro[8] == 0));

    /* int3 with a handler that returns: execution continues after the int3 */
    in_test = 0;
    memset(&seen, 0, sizeof seen);
    int r = fault_int3(7);
    printf("int3, handler returns: function returned 0x%x, handler ran %d, registers: %s\n", r,
           seen.nsig, yesno(regs_match(&seen, 7)));

    sa.sa_sigaction = progress_handler;
    sigaction(SIGSEGV, &sa, NULL);
    int good = 0;
    for (int i = 0; i < ITER; i++) {
        volatile int done = 0;
        progress_in_handler = -2;
        if (sigsetjmp(jb, 1) == 0) {
            store_then_fault((volatile int *)(uintptr_t)(none + 4 * (i % 64)), i);
            done = 1;
        }
        good += !done && progress_in_handler == i * 7 + 1 && progress == i * 7 + 1;
    }
    printf("store before the fault seen by the handler: %d/%d\n", good, ITER);

    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("mask after siglongjmp: SEGV blocked %d, FPE blocked %d\n", sigismember(&cur, SIGSEGV),
           sigismember(&cur, SIGFPE));

    sa.sa_sigaction = handler;
    sigaction(SIGSEGV, &sa, NULL);
    child_fault(0);
    child_fault(1);
    printf("done\n");
    return 0;
}
