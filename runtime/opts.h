/* Options from the command line and XRUN_* environment variables. */
#ifndef XRUN_RUNTIME_OPTS_H_
#define XRUN_RUNTIME_OPTS_H_

#include <stdbool.h>
#include <stdint.h>

typedef enum Tier { TIER_AUTO, TIER_INTERP, TIER_JIT } Tier;

enum {
    DUMP_IN_ASM = 1,
    DUMP_IR = 2,
    DUMP_OPT = 4,
    DUMP_LLVM = 8,
    DUMP_OUT_ASM = 16,
    DUMP_VERIFY = 32, /* not a dump: verify the IR after every pass (ir/ir.h) */
};

/* The largest XRUN_JIT_BATCH. */
#define RT_JIT_BATCH_MAX 64

typedef struct Options {
    const char *sysroot;  /* -L, XRUN_SYSROOT; default "/" */
    bool strace;          /* -strace, XRUN_STRACE */
    unsigned dump;        /* -d, XRUN_DEBUG: DUMP_* bits */
    Tier tier;            /* --tier, XRUN_TIER */
    bool stats;           /* --stats, XRUN_STATS */
    bool precise;         /* --precise, XRUN_PRECISE: precise mode from the start */
    bool perf_map;        /* --perf-map, XRUN_PERF_MAP: /tmp/perf-PID.map for perf */
    bool log;             /* XRUN_LOG: once-only reports (unknown syscalls...) */
    bool tier_trace;      /* XRUN_TIER_TRACE: each background compile's size and CPU */
    bool x87_generic;     /* XRUN_X87=generic: every x87 insn through its helper (no
                             static-stack fast path, frontend/lift_x87_fast.c) */
    unsigned hot;         /* XRUN_HOT: fewest executions before tier-up in auto mode */
    double jit_save;      /* XRUN_JIT_SAVE: predicted saving / compile cost to queue */
    unsigned jit_budget;  /* XRUN_JIT_BUDGET: compiler CPU, percent of the guest's */
    unsigned region_blocks; /* XRUN_REGION_BLOCKS: most blocks per region (1: blocks only) */
    uint64_t jit_delay;   /* XRUN_JIT_DELAY: interpreted runs before the compiler starts */
    unsigned base_at;     /* XRUN_BASE_AT: baseline-compile a block at this many runs (0: never) */
    unsigned jit_batch;   /* XRUN_JIT_BATCH: most blocks compiled together in one module */
    const char *argv0;    /* -0 */
    const char *self;     /* path of the xrun executable (for execve) */
    bool secure;          /* AT_SECURE: raised privileges, XRUN_* ignored */
    /* The flags as given, to re-run xrun with the same options on execve. */
    int nflags;
    char **flags;
} Options;

extern Options rt_opts;

/* Read the XRUN_* variables (before flags, which override them). Under
 * AT_SECURE (setuid, file capabilities...) they are all ignored instead and
 * removed from the environment, so neither xrun, the guest nor its children
 * see them. */
void rt_opts_from_env(void);
void rt_opts_set_dump(const char *items);
void rt_opts_set_tier(const char *name);
/* Fill rt_opts.flags/nflags with the flags a re-executed xrun needs. */
void rt_opts_make_sticky(void);

#endif
