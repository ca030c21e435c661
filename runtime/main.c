/* xrun: run a 32-bit x86 Linux program on this 64-bit host.
 *
 *     xrun [FLAG...] PROGRAM [ARG...]
 *     xrun PROGRAM ARGV0 [ARG...]     (started by binfmt_misc with the P flag)
 *
 * main() reads options, sets up the guest address space, loads the ELF,
 * builds the initial CPU state and hands over to the dispatcher.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/fe.h"
#include "frontend/flags.h"
#include "runtime/binfmt.h"
#include "runtime/cpu.h"
#include "runtime/dispatch.h"
#include "runtime/loader.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/signal.h"
#include "runtime/thread.h"
#include "syscalls/sys.h"

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xrun [FLAG...] PROGRAM [ARG...]\n"
            "Run a 32-bit x86 (i386) Linux program on this x86-64 host.\n"
            "\n"
            "  -h, --help         show this help and exit\n"
            "  -V, --version      show the version and exit\n"
            "  -L SYSROOT         look for the ELF interpreter and libraries under SYSROOT\n"
            "                     (XRUN_SYSROOT; default /)\n"
            "  -E VAR=VALUE       set VAR in the guest environment (XRUN_SET_ENV=A=1,B=2)\n"
            "  -U VAR             remove VAR from the guest environment (XRUN_UNSET_ENV=A,B)\n"
            "  -0 ARGV0           use ARGV0 as the guest's argv[0] (XRUN_ARGV0)\n"
            "  -strace            log every guest system call to stderr (XRUN_STRACE=1)\n"
            "  -d ITEMS           dump translation stages to stderr; ITEMS is a comma list of\n"
            "                     in_asm, ir, opt, llvm, out_asm (XRUN_DEBUG=ITEMS);\n"
            "                     verify checks the IR after every pass instead\n"
            "  --tier=TIER        interp: interpret only; jit: compile every block with LLVM\n"
            "                     before running it; auto (default): interpret, compile hot\n"
            "                     blocks (XRUN_TIER)\n"
            "  --stats            print translation and execution counters at exit\n"
            "                     (XRUN_STATS=1)\n"
            "  --precise          translate in precise mode from the start (exact state at\n"
            "                     every memory access; normally entered when the guest\n"
            "                     installs a SIGSEGV/SIGBUS handler) (XRUN_PRECISE=1)\n"
            "  --perf-map         write /tmp/perf-PID.map, so that perf names compiled\n"
            "                     code by guest address (XRUN_PERF_MAP=1)\n"
            "  --                 end of flags\n"
            "  --binfmt           print the binfmt_misc line that makes the kernel run i386\n"
            "                     programs with this xrun (flags FP)\n"
            "  --install-binfmt   register that line in " RT_BINFMT_DIR " (root)\n"
            "  --uninstall-binfmt remove the " RT_BINFMT_NAME " registration\n"
            "Environment only: XRUN_LOG=1 reports unsupported syscalls and instructions once.\n"
            "Tier-up in auto mode: a block is queued for compilation once its runs so far times\n"
            "the estimated saving per run reach XRUN_JIT_SAVE=F times its estimated compile cost\n"
            "(default 1), and never before XRUN_HOT=N runs (default 50); the compiler spends at\n"
            "most XRUN_JIT_BUDGET=P percent of the guest's CPU time (default 50, 0: no limit) and\n"
            "starts after XRUN_JIT_DELAY=N interpreted runs (default 0) once the queue is worth\n"
            "loading LLVM; XRUN_TIER_TRACE=1 prints each compile's size and CPU time;\n"
            "XRUN_X87=generic lifts every x87 instruction to its generic helper.\n"
            "XRUN_REGION_BLOCKS=N caps the blocks compiled together as one region in auto\n"
            "mode (default 32, at most 64; 1 compiles single blocks).\n"
            "XRUN_BASE_AT=N (experimental, default 0: off) compiles a block with the baseline\n"
            "x86-64 compiler at N interpreted runs (N > XRUN_HOT/4); it then skips LLVM.\n"
            "Started by binfmt_misc (P flag), xrun reads no flags: argv is PROGRAM ARGV0 ARG...\n"
            "and only XRUN_* variables apply. With raised privileges (AT_SECURE: setuid, file\n"
            "capabilities) every XRUN_* variable is ignored and removed from the environment.\n"
            "xrun exits with the guest's status, or dies of the signal that killed it.\n");
}

/* ---- guest environment ------------------------------------------------ */

static char **genv;
static size_t genv_n, genv_cap;

static void genv_unset(const char *name)
{
    size_t len = strcspn(name, "=");
    for (size_t i = 0; i < genv_n; i++)
        if (strncmp(genv[i], name, len) == 0 && genv[i][len] == '=') {
            memmove(&genv[i], &genv[i + 1], (genv_n - i) * sizeof *genv);
            genv_n--;
            i--;
        }
}

static void genv_set(const char *assign)
{
    if (!strchr(assign, '=')) rt_fatal(2, "-E expects VAR=VALUE, got '%s'", assign);
    genv_unset(assign);
    if (genv_n + 2 > genv_cap) {
        genv_cap = genv_cap ? genv_cap * 2 : 64;
        genv = realloc(genv, genv_cap * sizeof *genv);
        if (!genv) rt_fatal(1, "out of memory");
    }
    genv[genv_n++] = (char *)assign;
    genv[genv_n] = NULL;
}

/* Apply a comma-separated list from an XRUN_* variable with fn. */
static void genv_apply_list(const char *var, void (*fn)(const char *))
{
    const char *v = getenv(var);
    if (!v || !*v) return;
    char *copy = strdup(v), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) fn(t);
}

static void genv_init(void)
{
    genv_cap = 64;
    genv = calloc(genv_cap, sizeof *genv);
    if (!genv) rt_fatal(1, "out of memory");
    for (char **e = environ; *e; e++) genv_set(*e);
    genv_apply_list("XRUN_SET_ENV", genv_set);
    genv_apply_list("XRUN_UNSET_ENV", genv_unset);
}

/* ---- program lookup --------------------------------------------------- */

/* A name without '/' that is not in the current directory is searched in
 * PATH, like a shell would. */
static const char *find_program(const char *name)
{
    if (strchr(name, '/') || access(name, F_OK) == 0) return name;
    const char *path = getenv("PATH");
    if (!path) return name;
    char *copy = strdup(path), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *full;
        if (asprintf(&full, "%s/%s", *dir ? dir : ".", name) < 0) break;
        struct stat st;
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) return full;
        free(full);
    }
    return name;
}

/* ---- main ------------------------------------------------------------- */

static void init_cpu(CPUState *env, const LoadInfo *li)
{
    memset(env, 0, sizeof *env);
    env->eip = li->entry;
    env->regs[R_ESP] = li->sp;
    env->eflags = EF_IF | EF_BIT1;
    env->cc_op = CC_EFLAGS; /* cc_res = 0: no arithmetic flag set */
    env->seg[SEG_CS] = 0x23;
    env->seg[SEG_DS] = env->seg[SEG_ES] = env->seg[SEG_SS] = 0x2b;
    env->fp_cw = 0x037f;
    env->fp_tag = 0xffff;
}

/* Parse the flags in argv; returns the index of PROGRAM. Exits for -h, -V,
 * the binfmt actions and errors. */
static int parse_flags(int argc, char **argv)
{
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == 0) break;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_ARG()                                                                                 \
    do {                                                                                           \
        if (!next) rt_fatal(2, "option %s needs an argument (see xrun -h)", a);                    \
        i++;                                                                                       \
    } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("xrun %s (i386 guests on x86-64; Capstone, LLVM ORC JIT)\n", XRUN_VERSION);
            exit(0);
        } else if (!strcmp(a, "--binfmt")) {
            exit(rt_binfmt_print());
        } else if (!strcmp(a, "--install-binfmt")) {
            exit(rt_binfmt_install());
        } else if (!strcmp(a, "--uninstall-binfmt")) {
            exit(rt_binfmt_uninstall());
        } else if (!strcmp(a, "-L")) {
            NEED_ARG();
            rt_opts.sysroot = next;
        } else if (!strcmp(a, "-E")) {
            NEED_ARG();
            genv_set(next);
        } else if (!strcmp(a, "-U")) {
            NEED_ARG();
            genv_unset(next);
        } else if (!strcmp(a, "-0")) {
            NEED_ARG();
            rt_opts.argv0 = next;
        } else if (!strcmp(a, "-strace") || !strcmp(a, "--strace")) {
            rt_opts.strace = true;
        } else if (!strcmp(a, "-d")) {
            NEED_ARG();
            rt_opts_set_dump(next);
        } else if (!strncmp(a, "--tier=", 7)) {
            rt_opts_set_tier(a + 7);
        } else if (!strcmp(a, "--tier")) {
            NEED_ARG();
            rt_opts_set_tier(next);
        } else if (!strcmp(a, "--stats")) {
            rt_opts.stats = true;
        } else if (!strcmp(a, "--precise")) {
            rt_opts.precise = true;
        } else if (!strcmp(a, "--perf-map")) {
            rt_opts.perf_map = true;
        } else {
            rt_error("unknown option '%s'", a);
            usage(stderr);
            exit(2);
        }
#undef NEED_ARG
    }
    if (i >= argc) {
        usage(stderr);
        exit(2);
    }
    return i;
}

/* The path a guest execve re-runs xrun by: its real path while that still
 * names this executable, else /proc/self/exe (a mount namespace or chroot
 * entered through binfmt_misc's F flag may not see that path). */
static const char *self_exe(const char *argv0)
{
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return argv0;
    self[n] = 0;
    struct stat a, b;
    if (stat(self, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return self;
    return "/proc/self/exe";
}

int main(int argc, char **argv)
{
    rt_opts_from_env();
    genv_init();

    const char *prog;
    int i;
    if (rt_binfmt_preserve_argv0() && argc >= 2) {
        /* binfmt_misc P: argv[1] is the program as the kernel opened it,
         * argv[2] the guest's own argv[0]; nothing here is an xrun flag. */
        prog = argv[1];
        i = argc >= 3 ? 2 : 1;
    } else {
        i = parse_flags(argc, argv);
        prog = find_program(argv[i]);
    }
    rt_opts.self = self_exe(argv[0]);
    rt_opts_make_sticky();

    int gargc = argc - i;
    char **gargv = &argv[i];
    if (rt_opts.argv0) gargv[0] = (char *)rt_opts.argv0;

    if (rt_mem_init() != 0) return 1;
    rt_signal_init();
    if (rt_opts.precise) rt_precise = true; /* nothing translated yet */
    if (fe_init() != 0) return 1;
    sys_init();

    LoadInfo li;
    int st = rt_load(prog, rt_opts.sysroot, gargc, gargv, genv, &li);
    if (st != 0) return st;

    static CPUState cpu;
    init_cpu(&cpu, &li);
    rt_thread_init(&cpu);
    rt_run(&cpu);
}

/* ---- sanitizer builds ---------------------------------------------------- */

/* With -Db_sanitize=address,undefined, any report ends xrun at once with status 86, whatever
 * the environment holds (tests/run gives guests a fixed one). Leak checking is off: xrun leaves
 * through _exit. Without sanitizers nothing calls these. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0:halt_on_error=1:exitcode=86"; }
const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1:exitcode=86";
}
