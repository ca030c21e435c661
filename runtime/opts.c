/* Options: XRUN_* environment variables first, then command-line flags
 * (runtime/opts.h). Flags that must survive a guest execve are also kept
 * as an argv fragment in rt_opts.flags. */
#include "runtime/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "runtime/log.h"

/* The tier-up defaults come from the sweep in docs/tierup.md. */
Options rt_opts = {.sysroot = "/",
                   .tier = TIER_AUTO,
                   .hot = 50,
                   .jit_delay = 0,
                   .jit_save = 1.0,
                   .jit_budget = 50,
                   .region_blocks = 32,
                   .jit_batch = 16};

static const struct {
    const char *name;
    unsigned bit;
} dump_items[] = {
    {"in_asm", DUMP_IN_ASM}, {"ir", DUMP_IR},           {"opt", DUMP_OPT},
    {"llvm", DUMP_LLVM},     {"out_asm", DUMP_OUT_ASM}, {"verify", DUMP_VERIFY},
};

/* "in_asm,ir" -> DUMP_* bits; exits with a message on an unknown item. */
static unsigned parse_dump(const char *s)
{
    unsigned bits = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof dump_items / sizeof dump_items[0]; i++)
            if (strcmp(tok, dump_items[i].name) == 0) break;
        if (i == sizeof dump_items / sizeof dump_items[0])
            rt_fatal(2, "unknown -d item '%s' (known: in_asm, ir, opt, llvm, out_asm, verify)", tok);
        bits |= dump_items[i].bit;
    }
    free(copy);
    return bits;
}

static Tier parse_tier(const char *s)
{
    if (strcmp(s, "interp") == 0) return TIER_INTERP;
    if (strcmp(s, "jit") == 0) return TIER_JIT;
    if (strcmp(s, "auto") == 0) return TIER_AUTO;
    rt_fatal(2, "unknown tier '%s' (interp, jit or auto)", s);
}

static bool env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

extern char **environ;

/* Drop every XRUN_* variable from environ (in place, before any thread). */
static void scrub_env(void)
{
    char **w = environ;
    for (char **r = environ; *r; r++)
        if (strncmp(*r, "XRUN_", 5) != 0) *w++ = *r;
    *w = NULL;
}

void rt_opts_from_env(void)
{
    const char *v;
    if (getauxval(AT_SECURE)) {
        rt_opts.secure = true;
        scrub_env();
        return;
    }
    if ((v = getenv("XRUN_SYSROOT")) && *v) rt_opts.sysroot = v;
    if ((v = getenv("XRUN_DEBUG")) && *v) rt_opts.dump = parse_dump(v);
    if ((v = getenv("XRUN_TIER")) && *v) rt_opts.tier = parse_tier(v);
    if ((v = getenv("XRUN_ARGV0")) && *v) rt_opts.argv0 = v;
    if ((v = getenv("XRUN_HOT")) && *v) {
        long n = strtol(v, NULL, 10);
        rt_opts.hot = n < 1 ? 1 : (unsigned)n;
    }
    if ((v = getenv("XRUN_REGION_BLOCKS")) && *v) {
        long n = strtol(v, NULL, 10);
        rt_opts.region_blocks = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
    }
    if ((v = getenv("XRUN_BASE_AT")) && *v) {
        long n = strtol(v, NULL, 10);
        rt_opts.base_at = n < 0 ? 0 : (unsigned)n;
    }
    if ((v = getenv("XRUN_JIT_BATCH")) && *v) {
        long n = strtol(v, NULL, 10);
        rt_opts.jit_batch = n < 1 ? 1 : n > RT_JIT_BATCH_MAX ? RT_JIT_BATCH_MAX : (unsigned)n;
    }
    if ((v = getenv("XRUN_JIT_DELAY")) && *v) rt_opts.jit_delay = strtoull(v, NULL, 10);
    if ((v = getenv("XRUN_JIT_SAVE")) && *v) {
        double f = strtod(v, NULL);
        rt_opts.jit_save = f > 0 ? f : 0;
    }
    if ((v = getenv("XRUN_JIT_BUDGET")) && *v) rt_opts.jit_budget = (unsigned)strtoul(v, NULL, 10);
    rt_opts.strace = env_flag("XRUN_STRACE");
    rt_opts.stats = env_flag("XRUN_STATS");
    rt_opts.tier_trace = env_flag("XRUN_TIER_TRACE");
    rt_opts.precise = env_flag("XRUN_PRECISE");
    rt_opts.perf_map = env_flag("XRUN_PERF_MAP");
    rt_opts.log = env_flag("XRUN_LOG");
    rt_opts.x87_generic = (v = getenv("XRUN_X87")) && !strcmp(v, "generic");
}

void rt_opts_set_dump(const char *items) { rt_opts.dump = parse_dump(items); }
void rt_opts_set_tier(const char *name) { rt_opts.tier = parse_tier(name); }

/* The flags a re-executed xrun needs to behave the same (execve). */
void rt_opts_make_sticky(void)
{
    static char *v[16];
    static char dump[64];
    int n = 0;
    v[n++] = "-L";
    v[n++] = (char *)rt_opts.sysroot;
    if (rt_opts.strace) v[n++] = "-strace";
    if (rt_opts.stats) v[n++] = "--stats";
    if (rt_opts.precise) v[n++] = "--precise";
    if (rt_opts.perf_map) v[n++] = "--perf-map";
    v[n++] = rt_opts.tier == TIER_JIT      ? "--tier=jit"
             : rt_opts.tier == TIER_INTERP ? "--tier=interp"
                                           : "--tier=auto";
    if (rt_opts.dump) {
        dump[0] = 0;
        for (size_t i = 0; i < sizeof dump_items / sizeof dump_items[0]; i++)
            if (rt_opts.dump & dump_items[i].bit) {
                if (dump[0]) strcat(dump, ",");
                strcat(dump, dump_items[i].name);
            }
        v[n++] = "-d";
        v[n++] = dump;
    }
    v[n] = NULL;
    rt_opts.nflags = n;
    rt_opts.flags = v;
}
