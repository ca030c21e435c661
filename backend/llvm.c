/* Tier 1: the LLVM backend (ORC LLJIT).
 *
 * One IrBlock becomes one LLVM module holding one function
 *     i32 @xb_<eip>_<n>(ptr noalias %env)
 * built by backend/llvm_lower.c in a fresh context, checked by the verifier
 * (debug builds), optimized with a short function pass pipeline, compiled
 * to an object file by our own host TargetMachine and linked into the
 * LLJIT's main JITDylib; the symbol lookup returns the entry point. The
 * function returns the exit word of backend/be.h, or tail-calls the next
 * translated block through a chain slot owned by the caller (the slot
 * address and guest_base are baked in as constants).
 *
 * Costs. Everything that can be shared is made once in be_llvm_init: the
 * target machine (used both for the pass pipeline's cost models and for code
 * generation), the pass builder options, triple and data layout, the JIT.
 * Emitting the object ourselves, instead of adding IR to the LLJIT, lets us
 * pick the code generator level and reuse one TargetMachine. Measured per
 * block (CPU time, loaded 2-core machine): code generation dominates with a
 * fixed cost of ~1.8 ms at -O1 (~0.6 ms with FastISel at -O0); the IR pass
 * list below costs 0.1-0.8 ms and default<O2> about twice that. A context
 * per block keeps compiles independent and is freed as soon as the object
 * exists. Compiles are serialized by one mutex (the TargetMachine and the
 * pass pipeline are not shareable between threads).
 *
 * Developer knobs (not user options): XRUN_LLVM_PASSES overrides the pass
 * pipeline text, XRUN_LLVM_CODEGEN the code generator level (0..3).
 *
 * Failure never stops the guest: be_llvm_compile returns NULL and the
 * caller keeps interpreting the block. Each distinct problem is reported
 * once on stderr.
 */
#include "backend/be.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "backend/llvm_lower.h"
#include "runtime/dispatch.h"
#include "runtime/opts.h"
#include "runtime/log.h"

/* The optimization pipeline. The IR arrives already optimized by ir/opt_*
 * (get/put forwarding, dead flags, folding) and a block is straight-line
 * code with side exits, so a short function pipeline (redundant GETs,
 * peepholes, dead PUTs, merged exit paths) gets what matters from
 * default<O2> at a fraction of its cost. */
#define BE_LLVM_PASSES "function(early-cse<memssa>,instcombine<no-verify-fixpoint>,dse,simplifycfg)"
/* Regions have control flow and promoted registers in allocas: SROA turns
 * those into SSA values first, and loops get a second round of cleanup. */
#define BE_LLVM_REGION_PASSES                                                                      \
    "function(sroa,early-cse<memssa>,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,"        \
    "simplifycfg)"
/* Code generator levels. -O1 costs as much as -O2 here (the fixed cost of
 * the codegen pipeline dominates) and gives real register allocation; -O0
 * (FastISel + fast regalloc) compiles 2-3x faster but spills around every
 * exit. Blocks compiled with BE_FAST (all of them, today: programs with a
 * flat profile, python3.11 or sqlite3, need thousands) get the fast one;
 * regions, hot loops with their registers in SSA values, and blocks
 * compiled without BE_FAST get the better code. XRUN_LLVM_CODEGEN and XRUN_LLVM_REGION_CODEGEN override
 * the two levels (0..3). */
#define BE_LLVM_CODEGEN LLVMCodeGenLevelNone
#define BE_LLVM_REGION_CODEGEN LLVMCodeGenLevelLess

enum { ST_NONE, ST_READY, ST_FAILED };

static struct {
    int state; /* ST_*, read atomically */
    pthread_mutex_t lock;
    LLVMOrcLLJITRef jit;
    LLVMOrcJITDylibRef jd;
    LLVMTargetMachineRef tm;        /* blocks (and the pass pipeline's cost models) */
    LLVMTargetMachineRef opt_tm;    /* regions, and batches compiled without BE_FAST */
    LLVMPassBuilderOptionsRef pbo;
    char *triple, *layout;
    const char *passes, *region_passes;
    unsigned counter;
} J = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- once-only diagnostics ---------------------------------------------- */

#define BE_LLVM_MAX_REPORTS 32

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t reported[BE_LLVM_MAX_REPORTS];
static unsigned nreported;

/* Print "llvm: <what>: <first line of detail>" unless already printed. */
static void report_once(uint32_t eip, const char *what, const char *detail) {
    size_t dlen = detail ? strcspn(detail, "\n") : 0;
    uint64_t h = 1469598103934665603ull;
    for (const char *p = what; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    for (size_t i = 0; i < dlen; i++)
        h = (h ^ (uint8_t)detail[i]) * 1099511628211ull;
    pthread_mutex_lock(&report_lock);
    bool seen = false;
    for (unsigned i = 0; i < nreported && i < BE_LLVM_MAX_REPORTS; i++)
        seen |= reported[i] == h;
    if (!seen) {
        if (nreported < BE_LLVM_MAX_REPORTS) {
            reported[nreported] = h;
            rt_error("llvm: %s (block 0x%08x)%s%.*s", what, eip, dlen ? ": " : "", (int)dlen,
                     detail ? detail : "");
        } else if (nreported == BE_LLVM_MAX_REPORTS) {
            rt_error("llvm: further JIT errors not shown");
        }
        nreported++;
    }
    pthread_mutex_unlock(&report_lock);
}

/* Report an LLVMErrorRef (consumed). */
static void report_error(uint32_t eip, const char *what, LLVMErrorRef e) {
    char *msg = LLVMGetErrorMessage(e);
    report_once(eip, what, msg);
    LLVMDisposeErrorMessage(msg);
}

/* Errors ORC reports asynchronously (failed materialization). */
static void session_error(void *ctx, LLVMErrorRef e) {
    (void)ctx;
    report_error(0, "JIT session error", e);
}

static void fatal_handler(const char *reason) {
    rt_error("llvm: fatal error: %s", reason);
}

#ifdef BE_LLVM_PROFILE
/* Developer build only (-DBE_LLVM_PROFILE): CPU time per compile phase. */
static uint64_t prof_ns[6], prof_last, prof_n;
static const char *const prof_name[6] = {"setup",  "lower", "verify",
                                         "passes", "dump",  "codegen+link"};
static uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#define PROF(i) (prof_ns[i] += cpu_ns() - prof_last, prof_last = cpu_ns())
static void prof_print(void) {
    for (int i = 0; i < 6 && prof_n; i++)
        fprintf(stderr, "llvm profile: %-12s %8.1f us/block\n", prof_name[i],
                prof_ns[i] / 1e3 / (double)prof_n);
    memset(prof_ns, 0, sizeof prof_ns);
    prof_n = 0;
}
#else
#define PROF(i) ((void)0)
#endif

/* ---- init / fini -------------------------------------------------------- */

/* Target machine for the host CPU (callers own it). */
static LLVMTargetMachineRef host_tm(LLVMCodeGenOptLevel level) {
    char *triple = LLVMGetDefaultTargetTriple(), *err = NULL;
    LLVMTargetRef target;
    LLVMTargetMachineRef tm = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &err)) {
        rt_error("llvm: no target for %s: %s", triple, err);
        LLVMDisposeMessage(err);
    } else {
        char *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
        tm = LLVMCreateTargetMachine(target, triple, cpu, feat, level, LLVMRelocDefault,
                                     LLVMCodeModelJITDefault);
        if (!tm) rt_error("llvm: cannot create a target machine for %s (%s)", triple, cpu);
        LLVMDisposeMessage(cpu);
        LLVMDisposeMessage(feat);
    }
    LLVMDisposeMessage(triple);
    return tm;
}

/* Parse a tuning override from the environment (developer knob only). */
static const char *tuning_env(const char *name, const char *dflt) {
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static int init_locked(void) {
    /* the asm parser: inline asm (backend/llvm_f80.c) */
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
        LLVMInitializeNativeAsmParser()) {
        rt_error("llvm: the native target is not available in this LLVM build");
        return -1;
    }
    LLVMInstallFatalErrorHandler(fatal_handler);
    /* --tier=jit compiles every block the first time it runs, so compile
     * latency dominates: use the fast code generator there. Auto mode only
     * compiles hot blocks and can afford better code. */
    LLVMCodeGenOptLevel cg = BE_LLVM_CODEGEN, rcg = BE_LLVM_REGION_CODEGEN;
    const char *cgs = tuning_env("XRUN_LLVM_CODEGEN", NULL);
    if (cgs) cg = (LLVMCodeGenOptLevel)atoi(cgs);
    cgs = tuning_env("XRUN_LLVM_REGION_CODEGEN", NULL);
    if (cgs) rcg = (LLVMCodeGenOptLevel)atoi(cgs);
    J.passes = tuning_env("XRUN_LLVM_PASSES", BE_LLVM_PASSES);
    J.region_passes = tuning_env("XRUN_LLVM_REGION_PASSES", BE_LLVM_REGION_PASSES);

    J.tm = host_tm(cg);
    if (!J.tm) return -1;
    J.opt_tm = rcg == cg ? J.tm : host_tm(rcg);
    if (!J.opt_tm) return -1;
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&J.jit, builder);
    if (e) {
        char *msg = LLVMGetErrorMessage(e);
        rt_error("llvm: cannot create the JIT: %s", msg);
        LLVMDisposeErrorMessage(msg);
        J.jit = NULL;
        return -1;
    }
    LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(J.jit), session_error,
                                            NULL);
    J.jd = LLVMOrcLLJITGetMainJITDylib(J.jit);
    J.triple = strdup(LLVMOrcLLJITGetTripleString(J.jit));
    J.layout = strdup(LLVMOrcLLJITGetDataLayoutStr(J.jit));
    J.pbo = LLVMCreatePassBuilderOptions();
    LLVMPassBuilderOptionsSetLoopVectorization(J.pbo, 0);
    LLVMPassBuilderOptionsSetSLPVectorization(J.pbo, 0);
    LLVMPassBuilderOptionsSetLoopUnrolling(J.pbo, 0);
    if (!J.triple || !J.layout) {
        rt_error("llvm: out of memory");
        return -1;
    }
    return 0;
}

static void release_all(void) {
    if (J.jit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(J.jit);
        if (e) report_error(0, "disposing the JIT", e);
    }
    if (J.opt_tm && J.opt_tm != J.tm) LLVMDisposeTargetMachine(J.opt_tm);
    if (J.tm) LLVMDisposeTargetMachine(J.tm);
    if (J.pbo) LLVMDisposePassBuilderOptions(J.pbo);
    free(J.triple);
    free(J.layout);
    J.jit = NULL;
    J.jd = NULL;
    J.tm = J.opt_tm = NULL;
    J.pbo = NULL;
    J.triple = J.layout = NULL;
}

int be_llvm_init(void) {
    int st = __atomic_load_n(&J.state, __ATOMIC_ACQUIRE);
    if (st != ST_NONE) return st == ST_READY ? 0 : -1;
    pthread_mutex_lock(&J.lock);
    if (J.state == ST_NONE) {
        int ok = init_locked() == 0;
        if (!ok) release_all();
        __atomic_store_n(&J.state, ok ? ST_READY : ST_FAILED, __ATOMIC_RELEASE);
    }
    st = J.state;
    pthread_mutex_unlock(&J.lock);
    return st == ST_READY ? 0 : -1;
}

bool be_llvm_loaded(void) {
    return true; /* linked in (the module, or a unit test) */
}

void be_llvm_fini(void) {
    pthread_mutex_lock(&J.lock);
#ifdef BE_LLVM_PROFILE
    prof_print();
#endif
    if (J.state == ST_READY) release_all();
    __atomic_store_n(&J.state, ST_NONE, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&J.lock);
}

/* ---- compile ------------------------------------------------------------ */

/* -d out_asm: host assembly of the optimized module, generated from a copy
 * (code generation rewrites the IR it runs on). */
static void dump_asm(uint32_t eip, LLVMModuleRef mod) {
    LLVMModuleRef copy = LLVMCloneModule(mod);
    LLVMMemoryBufferRef text = NULL;
    char *msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(J.tm, copy, LLVMAssemblyFile, &msg, &text)) {
        report_once(eip, "assembly dump failed", msg);
        LLVMDisposeMessage(msg);
    } else {
        fprintf(stderr, "; host code of guest block 0x%08x\n%.*s\n", eip,
                (int)LLVMGetBufferSize(text), LLVMGetBufferStart(text));
        LLVMDisposeMemoryBuffer(text);
    }
    LLVMDisposeModule(copy);
}

/* --perf-map: one line "START SIZE name" per compiled block in
 * /tmp/perf-PID.map (the format perf reads for JIT code), the size taken
 * from the object's symbol table before the JIT links it. J.lock held. */
static FILE *perf_map;

static uint64_t symbol_size(LLVMMemoryBufferRef obj, const char *name) {
    char *msg = NULL;
    LLVMBinaryRef bin = LLVMCreateBinary(obj, NULL, &msg);
    if (!bin) {
        LLVMDisposeMessage(msg);
        return 0;
    }
    uint64_t size = 0;
    LLVMSymbolIteratorRef it = LLVMObjectFileCopySymbolIterator(bin);
    for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, it); LLVMMoveToNextSymbol(it)) {
        const char *n = LLVMGetSymbolName(it);
        if (n && !strcmp(n, name)) size = LLVMGetSymbolSize(it);
    }
    LLVMDisposeSymbolIterator(it);
    LLVMDisposeBinary(bin);
    return size;
}

static void perf_map_add(uint64_t addr, uint64_t size, uint32_t eip) {
    if (!perf_map) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
        perf_map = fopen(path, "a");
        if (!perf_map) {
            report_once(eip, "cannot write the perf map", path);
            rt_opts.perf_map = false;
            return;
        }
        setvbuf(perf_map, NULL, _IOLBF, 0);
    }
    fprintf(perf_map, "%llx %llx xrun guest 0x%08x\n", (unsigned long long)addr,
            (unsigned long long)(size ? size : 1), eip);
}

/* Compiled code: the resource tracker of one object file, which holds one
 * block, one region or a batch of blocks; each function compiled into it
 * holds a reference (counted under J.lock). */
struct BeJitCode {
    LLVMOrcResourceTrackerRef rt;
    unsigned refs;
};

/* The compile proper, J.lock held: n blocks (or, with R, the one region
 * whose entry is bs[0]) lowered into one module, optimized and code
 * generated together, so the fixed costs of the pass pipeline, the code
 * generator and the linker are paid once per module. out[i] receives the
 * code of bs[i] (NULL when that block failed to lower). With `owned`, the
 * module's resource tracker goes to the caller in *owned, one reference per
 * function in out (for be_llvm_free); otherwise the code stays for the
 * life of the JIT. Returns the number of functions compiled. */
static unsigned compile_locked(const IrBlock *const *bs, unsigned n, const BeRegion *R,
                               BeBlockFn *const *chains, unsigned flags, FILE *dump,
                               BeBlockFn *out, BeJitCode **owned) {
    char err[256];
    uint32_t eip0 = bs[0]->guest_addr;
#ifdef BE_LLVM_PROFILE
    if (prof_n >= 256) prof_print(); /* the process ends with _exit: print as it goes */
    prof_last = cpu_ns();
    prof_n += n;
#endif
    char (*names)[48] = calloc(n, sizeof *names);
    LLVMValueRef *fns = calloc(n, sizeof *fns);
    unsigned nfn = 0, got = 0;
    for (unsigned i = 0; i < n; i++) out[i] = NULL;
    if (!names || !fns) {
        free(names);
        free(fns);
        report_once(eip0, "cannot compile", "out of memory");
        return 0;
    }
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext(n == 1 ? "xb" : "xbatch", ctx);
    LLVMSetTarget(mod, J.triple);
    LLVMSetDataLayout(mod, J.layout);

    PROF(0);
    for (unsigned i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "%s_%08x_%u", R ? "xr" : "xb", bs[i]->guest_addr,
                 J.counter++);
        fns[i] = R ? be_llvm_lower_region(mod, R, names[i], err, sizeof err)
                   : be_llvm_lower(mod, bs[i], chains[i], names[i], err, sizeof err);
        if (fns[i])
            nfn++;
        else
            report_once(bs[i]->guest_addr, R ? "cannot lower region" : "cannot lower block", err);
    }
    PROF(1);
    if (!nfn) goto done;
#ifndef NDEBUG
    char *msg = NULL;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        report_once(eip0, "verifier rejected block", msg);
        LLVMDisposeMessage(msg);
        goto done;
    }
    LLVMDisposeMessage(msg);
#endif
    PROF(2);
    LLVMErrorRef e = LLVMRunPasses(mod, R ? J.region_passes : J.passes, J.tm, J.pbo);
    if (e) {
        report_error(eip0, "pass pipeline failed", e);
        goto done;
    }
    PROF(3);
    for (unsigned i = 0; dump && i < n; i++) {
        if (!fns[i]) continue;
        char *text = LLVMPrintValueToString(fns[i]);
        fprintf(dump, "; guest %s 0x%08x\n%s\n", R ? "region" : "block", bs[i]->guest_addr, text);
        LLVMDisposeMessage(text);
    }
    PROF(4);

    if (rt_opts.dump & DUMP_OUT_ASM) dump_asm(eip0, mod);

    LLVMMemoryBufferRef obj = NULL;
    char *cgmsg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(R || !(flags & BE_FAST) ? J.opt_tm : J.tm, mod,
                                            LLVMObjectFile, &cgmsg, &obj)) {
        report_once(eip0, "code generation failed", cgmsg);
        LLVMDisposeMessage(cgmsg);
        goto done;
    }
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    mod = NULL;
    uint64_t *sizes = rt_opts.perf_map ? calloc(n, sizeof *sizes) : NULL;
    for (unsigned i = 0; sizes && i < n; i++)
        if (fns[i]) sizes[i] = symbol_size(obj, names[i]);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(J.jd);
    e = LLVMOrcLLJITAddObjectFileWithRT(J.jit, rt, obj); /* takes obj */
    if (e) report_error(eip0, "cannot add object to the JIT", e);
    for (unsigned i = 0; !e && i < n; i++) {
        if (!fns[i]) continue;
        LLVMOrcExecutorAddress addr = 0;
        LLVMErrorRef le = LLVMOrcLLJITLookup(J.jit, &addr, names[i]);
        if (le) {
            report_error(bs[i]->guest_addr, "cannot link block", le);
            continue;
        }
        if (addr && sizes) perf_map_add(addr, sizes[i], bs[i]->guest_addr);
        out[i] = (BeBlockFn)(uintptr_t)addr;
        got += addr != 0;
    }
    free(sizes);
    BeJitCode *code = got && owned ? malloc(sizeof *code) : NULL;
    if (!got) {
        LLVMErrorRef re = LLVMOrcResourceTrackerRemove(rt);
        if (re) LLVMConsumeError(re);
        LLVMOrcReleaseResourceTracker(rt);
    } else if (code) {
        code->rt = rt;
        code->refs = got;
        *owned = code;
    } else {
        /* Dropping our reference keeps the code (it moves to the default
         * tracker); also the fallback when the handle cannot be made. */
        LLVMOrcReleaseResourceTracker(rt);
    }
    PROF(5);

done:
    if (mod) {
        LLVMDisposeModule(mod);
        LLVMContextDispose(ctx);
    }
    free(names);
    free(fns);
    return got;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

BeBlockFn be_llvm_compile(const IrBlock *b, BeBlockFn *chain, FILE *dump) {
    return be_llvm_compile_owned(b, chain, dump, NULL);
}

BeBlockFn be_llvm_compile_owned(const IrBlock *b, BeBlockFn *chain, FILE *dump,
                                BeJitCode **code) {
    BeBlockFn fn = NULL;
    be_llvm_compile_batch(&b, &chain, 1, BE_FAST, dump, &fn, code);
    return fn;
}

unsigned be_llvm_compile_batch(const IrBlock *const *bs, BeBlockFn *const *chains, unsigned n,
                               unsigned flags, FILE *dump, BeBlockFn *fns, BeJitCode **code) {
    uint64_t t0 = now_ns();
    unsigned got = 0;
    if (code) *code = NULL;
    for (unsigned i = 0; i < n; i++) fns[i] = NULL;
    if (n && be_llvm_init() == 0) {
        pthread_mutex_lock(&J.lock);
        if (J.state == ST_READY) got = compile_locked(bs, n, NULL, chains, flags, dump, fns, code);
        pthread_mutex_unlock(&J.lock);
    }
    __atomic_fetch_add(&rt_stats.jit_compiles, got, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rt_stats.jit_failures, n - got, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rt_stats.jit_ns, now_ns() - t0, __ATOMIC_RELAXED);
    return got;
}

BeBlockFn be_llvm_compile_region(const BeRegion *r, FILE *dump, BeJitCode **code) {
    uint64_t t0 = now_ns();
    BeBlockFn fn = NULL;
    if (code) *code = NULL;
    if (r->nblocks && be_llvm_init() == 0) {
        pthread_mutex_lock(&J.lock);
        BeBlockFn *chain = r->chain;
        if (J.state == ST_READY) compile_locked(&r->blocks[0], 1, r, &chain, 0, dump, &fn, code);
        pthread_mutex_unlock(&J.lock);
    }
    __atomic_fetch_add(fn ? &rt_stats.jit_compiles : &rt_stats.jit_failures, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rt_stats.jit_ns, now_ns() - t0, __ATOMIC_RELAXED);
    return fn;
}

void be_llvm_free(BeJitCode *code) {
    if (!code) return;
    pthread_mutex_lock(&J.lock);
    bool last = --code->refs == 0;
    if (last && J.state == ST_READY) {
        LLVMErrorRef e = LLVMOrcResourceTrackerRemove(code->rt);
        if (e) report_error(0, "freeing compiled code", e);
        LLVMOrcReleaseResourceTracker(code->rt);
    }
    pthread_mutex_unlock(&J.lock);
    if (last) free(code);
}

void be_llvm_lock_all(void) {
    pthread_mutex_lock(&J.lock);
}

void be_llvm_unlock_all(void) {
    pthread_mutex_unlock(&J.lock);
}

#ifdef XRUN_LLVM_MODULE
/* The module's one exported symbol (backend/llvm_load.c). */
#include "backend/llvm_ops.h"
__attribute__((visibility("default"))) const BeLlvmOps *xrun_llvm_ops(void) {
    static const BeLlvmOps ops = {BE_LLVM_OPS_VERSION,    be_llvm_init,       be_llvm_compile_owned,
                                  be_llvm_compile_batch,  be_llvm_compile_region, be_llvm_free,
                                  be_llvm_lock_all,       be_llvm_unlock_all, be_llvm_fini};
    return &ops;
}
#endif
