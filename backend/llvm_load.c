/* Tier 1 on demand: the LLVM backend lives in a module (xrun-llvm.so, built
 * from backend/llvm.c and llvm_lower.c) that xrun loads with dlopen the
 * first time something is to be compiled. A program that never gets hot
 * code never maps libLLVM (and the libraries it pulls in), so it starts as
 * fast and as small as the interpreter alone.
 *
 * The module is looked for in $XRUN_LLVM_MODULE, then next to the xrun
 * executable (the build tree), then in the install directory. If it cannot
 * be loaded, xrun says so once and runs everything in the interpreter.
 *
 * The module's functions reach xrun's own (helpers, options, counters)
 * through the executable's dynamic symbol table (linked with
 * --export-dynamic); the module keeps its own symbols hidden except the
 * one entry point below, so nothing in it binds to these forwarders.
 */
#include "backend/be.h"
#include "backend/llvm_ops.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/log.h"

#ifndef XRUN_MODULE_DIR
#define XRUN_MODULE_DIR "/usr/local/lib/xrun"
#endif

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static const BeLlvmOps *ops; /* set once, read atomically */
static bool load_failed;

static void *try_open(const char *path, char *err, size_t errlen) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errlen, "%.400s", e ? e : path);
    }
    return h;
}

/* load_lock held. */
static void load_locked(void) {
    if (ops || load_failed) return;
    char path[PATH_MAX + 32], err[512] = "";
    void *h = NULL;
    const char *env = getenv("XRUN_LLVM_MODULE");
    if (env && *env) {
        h = try_open(env, err, sizeof err);
    } else {
        ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
        if (n > 0) {
            path[n] = 0;
            char *slash = strrchr(path, '/');
            if (slash) {
                strcpy(slash + 1, XRUN_LLVM_MODULE_NAME);
                if (access(path, R_OK) == 0) h = try_open(path, err, sizeof err);
            }
        }
        if (!h && !err[0])
            h = try_open(XRUN_MODULE_DIR "/" XRUN_LLVM_MODULE_NAME, err, sizeof err);
    }
    const BeLlvmOps *(*get)(void) = NULL;
    if (h) {
        *(void **)&get = dlsym(h, "xrun_llvm_ops");
        if (!get) snprintf(err, sizeof err, "%s has no xrun_llvm_ops", XRUN_LLVM_MODULE_NAME);
    }
    const BeLlvmOps *o = get ? get() : NULL;
    if (o && o->version != BE_LLVM_OPS_VERSION) {
        snprintf(err, sizeof err, "%s is from another build of xrun", XRUN_LLVM_MODULE_NAME);
        o = NULL;
    }
    if (!o) {
        rt_error("cannot load the LLVM backend (%s); running interpreted only", err);
        load_failed = true;
        return;
    }
    __atomic_store_n(&ops, o, __ATOMIC_RELEASE);
}

static const BeLlvmOps *loaded(void) {
    return __atomic_load_n(&ops, __ATOMIC_ACQUIRE);
}

bool be_llvm_loaded(void) {
    return loaded() != NULL;
}

int be_llvm_init(void) {
    const BeLlvmOps *o = loaded();
    if (!o) {
        pthread_mutex_lock(&load_lock);
        load_locked();
        pthread_mutex_unlock(&load_lock);
        o = loaded();
        if (!o) return -1;
    }
    return o->init();
}

BeBlockFn be_llvm_compile(const IrBlock *b, BeBlockFn *chain, FILE *dump) {
    return be_llvm_compile_owned(b, chain, dump, NULL);
}

BeBlockFn be_llvm_compile_owned(const IrBlock *b, BeBlockFn *chain, FILE *dump,
                                BeJitCode **code) {
    if (code) *code = NULL;
    if (be_llvm_init() != 0) return NULL;
    return loaded()->compile_owned(b, chain, dump, code);
}

unsigned be_llvm_compile_batch(const IrBlock *const *bs, BeBlockFn *const *chains, unsigned n,
                               unsigned flags, FILE *dump, BeBlockFn *fns, BeJitCode **code) {
    if (code) *code = NULL;
    for (unsigned i = 0; i < n; i++) fns[i] = NULL;
    if (be_llvm_init() != 0) return 0;
    return loaded()->compile_batch(bs, chains, n, flags, dump, fns, code);
}

BeBlockFn be_llvm_compile_region(const BeRegion *r, FILE *dump, BeJitCode **code) {
    if (code) *code = NULL;
    if (be_llvm_init() != 0) return NULL;
    return loaded()->compile_region(r, dump, code);
}

void be_llvm_free(BeJitCode *code) {
    const BeLlvmOps *o = loaded();
    if (o && code) o->free_code(code);
}

/* Around fork: the load itself is a critical section too. */
void be_llvm_lock_all(void) {
    pthread_mutex_lock(&load_lock);
    const BeLlvmOps *o = loaded();
    if (o) o->lock_all();
}

void be_llvm_unlock_all(void) {
    const BeLlvmOps *o = loaded();
    if (o) o->unlock_all();
    pthread_mutex_unlock(&load_lock);
}

void be_llvm_fini(void) {
    const BeLlvmOps *o = loaded();
    if (o) o->fini();
}
