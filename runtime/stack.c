/* The initial guest stack, laid out as Linux does for an i386 process
 * (fs/binfmt_elf.c create_elf_tables, ASLR off). From the top down:
 *
 *   8 zero bytes | AT_EXECFN string | envp strings | argv strings
 *   (align 16) | "i686" (AT_PLATFORM) | 16 random bytes (AT_RANDOM)
 *   | ... padding so that esp is 16-byte aligned ...
 *   auxv pairs, AT_NULL | NULL | envp[] | NULL | argv[] | argc  <- esp
 */
#include "runtime/loader_priv.h"

#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "frontend/cpuid.h"
#include "runtime/loader.h"
#include "runtime/mem.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PLATFORM "i686"
#define MAX_AUXV 24

static void put32(uint32_t a, uint32_t v) {
    memcpy(g2h(a), &v, 4);
}

/* Copy a string to guest address a; returns its size including the NUL. */
static uint32_t put_str(uint32_t a, const char *s) {
    size_t n = strlen(s) + 1;
    memcpy(g2h(a), s, n);
    return (uint32_t)n;
}

static void random_bytes(uint8_t out[16]) {
    size_t got = 0;
    while (got < 16) {
        ssize_t r = getrandom(out + got, 16 - got, 0);
        if (r <= 0) break;
        got += (size_t)r;
    }
    if (got < 16) { /* no getrandom: still differ from run to run */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
        for (size_t i = got; i < 16; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            out[i] = (uint8_t)(x >> 56);
        }
    }
}

uint32_t ld_build_stack(const char *prog, int argc, char **argv, char **envp, const StackInfo *si) {
    Image msg = {.prog = prog};
    int envc = 0;
    while (envp && envp[envc])
        envc++;

    /* Linux refuses more than a quarter of the stack for arguments. */
    uint64_t strsz = strlen(prog) + 1;
    for (int i = 0; i < argc; i++)
        strsz += strlen(argv[i]) + 1;
    for (int i = 0; i < envc; i++)
        strsz += strlen(envp[i]) + 1;
    uint64_t need = strsz + 4ull * ((uint64_t)argc + envc + 3 + 2 * MAX_AUXV) + 64;
    if (need > GUEST_STACK_SIZE / 4) {
        ld_fail(&msg, RT_EXIT_BADELF, "argument list too long");
        return 0;
    }

    uint32_t bottom = GUEST_STACK_TOP - GUEST_STACK_SIZE;
    int prot = PROT_READ | PROT_WRITE | (si->exec_stack ? PROT_EXEC : 0);
    uint32_t r = rt_mem_mmap(bottom, GUEST_STACK_SIZE, prot,
                             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    if (rt_mem_is_err(r)) {
        ld_fail(&msg, RT_EXIT_BADELF, "cannot map the stack: %s", strerror((int)-r));
        return 0;
    }

    /* Strings: argv first (lowest), then envp, then the file name, below
     * one 8-byte zero word (a 64-bit kernel's end marker). */
    uint32_t p = GUEST_STACK_TOP - 8;
    put32(p, 0);
    put32(p + 4, 0);
    p -= (uint32_t)(strlen(prog) + 1);
    uint32_t execfn = p;
    put_str(execfn, prog);
    p -= (uint32_t)(strsz - (strlen(prog) + 1));
    uint32_t argstr = p;
    uint32_t q = argstr; /* next string to copy */

    p &= ~15u;
    p -= sizeof PLATFORM;
    uint32_t platform = p;
    put_str(platform, PLATFORM);
    uint8_t rnd[16];
    random_bytes(rnd);
    p -= 16;
    uint32_t random = p;
    memcpy(g2h(random), rnd, 16);

    uint32_t aux[2 * MAX_AUXV];
    unsigned na = 0;
#define AUX(t, v) (aux[na++] = (t), aux[na++] = (uint32_t)(v))
    AUX(AT_MINSIGSTKSZ, 2048);
    AUX(AT_HWCAP, fe_cpuid_features_edx());
    AUX(AT_PAGESZ, GUEST_PAGE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, si->phdr);
    AUX(AT_PHENT, sizeof(Elf32_Phdr));
    AUX(AT_PHNUM, si->phnum);
    AUX(AT_BASE, si->base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, si->entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_SECURE, getauxval(AT_SECURE) != 0); /* raised privileges reach the guest ld.so */
    AUX(AT_RANDOM, random);
    AUX(AT_HWCAP2, 0);
    AUX(AT_EXECFN, execfn);
    AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX

    uint32_t items = (uint32_t)argc + 1 + (uint32_t)envc + 1 + 1;
    uint32_t sp = (p - na * 4 - items * 4) & ~15u;

    uint32_t w = sp;
    put32(w, (uint32_t)argc);
    w += 4;
    for (int i = 0; i < argc; i++, w += 4) {
        put32(w, q);
        q += put_str(q, argv[i]);
    }
    put32(w, 0);
    w += 4;
    for (int i = 0; i < envc; i++, w += 4) {
        put32(w, q);
        q += put_str(q, envp[i]);
    }
    put32(w, 0);
    w += 4;
    memcpy(g2h(w), aux, na * 4);
    return sp;
}
