/* ELF32 i386 validation: every header field the loader uses is checked here
 * against the file size with 64-bit arithmetic, so loading never reads out
 * of bounds or maps something absurd. Each problem is one message line. */
#include "runtime/loader_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/loader.h"
#include "runtime/mem.h"

/* ---- messages ----------------------------------------------------------- */

int ld_fail(const Image *im, int status, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (im->interp)
        fprintf(stderr, "xrun: %s: ELF interpreter %s: %s\n", im->prog, im->interp, msg);
    else
        fprintf(stderr, "xrun: %s: %s\n", im->prog, msg);
    return status;
}

/* e_machine numbers worth naming in a message. */
#define ELF_MACHINES(X)                                                                            \
    X(2, "SPARC")                                                                                  \
    X(3, "i386")                                                                                   \
    X(4, "m68k")                                                                                   \
    X(6, "i486")                                                                                   \
    X(8, "MIPS")                                                                                   \
    X(10, "MIPS")                                                                                  \
    X(15, "PA-RISC")                                                                               \
    X(18, "SPARC")                                                                                 \
    X(20, "PowerPC")                                                                               \
    X(21, "PowerPC64")                                                                             \
    X(22, "s390")                                                                                  \
    X(40, "ARM")                                                                                   \
    X(42, "SuperH")                                                                                \
    X(43, "SPARC64")                                                                               \
    X(50, "IA-64")                                                                                 \
    X(62, "x86-64")                                                                                \
    X(83, "AVR")                                                                                   \
    X(94, "Xtensa")                                                                                \
    X(183, "AArch64")                                                                              \
    X(189, "MicroBlaze")                                                                           \
    X(243, "RISC-V")                                                                               \
    X(247, "BPF")                                                                                  \
    X(258, "LoongArch")                                                                            \
    X(0x9026, "Alpha")

static const struct {
    unsigned em;
    const char *name;
} machines[] = {
#define X(n, s) {n, s},
    ELF_MACHINES(X)
#undef X
};

const char *ld_machine_name(unsigned em, char *buf, unsigned len) {
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
        if (machines[i].em == em) return machines[i].name;
    snprintf(buf, len, "machine %u", em);
    return buf;
}

/* ---- file access -------------------------------------------------------- */

int ld_read(int fd, uint64_t off, void *buf, size_t n) {
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* ---- the checks --------------------------------------------------------- */

#define ONLY_I386 "xrun runs 32-bit x86 (i386) programs only"

/* The identification bytes and the ELF header. */
static int check_header(Image *im) {
    uint8_t id[EI_NIDENT] = {0};
    size_t got = im->size < EI_NIDENT ? (size_t)im->size : EI_NIDENT;
    if (got && ld_read(im->fd, 0, id, got) != 0) return ld_fail(im, RT_EXIT_BADELF, "read error");
    if (got < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0) {
        if (got >= 2 && id[0] == '#' && id[1] == '!')
            return ld_fail(im, RT_EXIT_BADELF, "not an ELF file (a script: run its interpreter)");
        return ld_fail(im, RT_EXIT_BADELF, "not an ELF file");
    }
    if (got < EI_NIDENT) return ld_fail(im, RT_EXIT_BADELF, "truncated ELF header");

    /* e_machine is at offset 18 in both classes. */
    uint8_t m[2] = {0, 0};
    bool have_m = im->size >= 20 && ld_read(im->fd, 18, m, 2) == 0;
    unsigned em =
        id[EI_DATA] == ELFDATA2MSB ? (unsigned)(m[0] << 8 | m[1]) : (unsigned)(m[1] << 8 | m[0]);
    char buf[32];
    const char *mname = have_m ? ld_machine_name(em, buf, sizeof buf) : "unknown machine";

    if (id[EI_CLASS] == ELFCLASS64) {
        if (have_m && em == EM_X86_64 && id[EI_DATA] == ELFDATA2LSB)
            return ld_fail(im, RT_EXIT_BADELF, "64-bit ELF (x86-64): run it natively");
        return ld_fail(im, RT_EXIT_BADELF, "64-bit ELF (%s): " ONLY_I386, mname);
    }
    if (id[EI_CLASS] != ELFCLASS32)
        return ld_fail(im, RT_EXIT_BADELF, "invalid ELF class %u", id[EI_CLASS]);
    if (id[EI_DATA] == ELFDATA2MSB)
        return ld_fail(im, RT_EXIT_BADELF, "big-endian ELF (%s): " ONLY_I386, mname);
    if (id[EI_DATA] != ELFDATA2LSB)
        return ld_fail(im, RT_EXIT_BADELF, "invalid ELF data encoding %u", id[EI_DATA]);
    if (id[EI_VERSION] != EV_CURRENT)
        return ld_fail(im, RT_EXIT_BADELF, "unsupported ELF version %u", id[EI_VERSION]);
    if (im->size < sizeof(Elf32_Ehdr)) return ld_fail(im, RT_EXIT_BADELF, "truncated ELF header");
    if (ld_read(im->fd, 0, &im->eh, sizeof im->eh) != 0)
        return ld_fail(im, RT_EXIT_BADELF, "read error");

    const Elf32_Ehdr *eh = &im->eh;
    if (eh->e_machine != EM_386 && eh->e_machine != 6 /* EM_486, accepted by Linux */)
        return ld_fail(im, RT_EXIT_BADELF, "ELF for %s: " ONLY_I386, mname);
    if (eh->e_version != EV_CURRENT)
        return ld_fail(im, RT_EXIT_BADELF, "unsupported ELF version %u", (unsigned)eh->e_version);
    switch (eh->e_type) {
    case ET_EXEC:
    case ET_DYN:
        break;
    case ET_REL:
        return ld_fail(im, RT_EXIT_BADELF, "not an executable (relocatable object file)");
    case ET_CORE:
        return ld_fail(im, RT_EXIT_BADELF, "not an executable (core dump)");
    default:
        return ld_fail(im, RT_EXIT_BADELF, "not an executable (ELF type %u)", (unsigned)eh->e_type);
    }
    if (eh->e_phentsize != sizeof(Elf32_Phdr))
        return ld_fail(im, RT_EXIT_BADELF, "bad program header entry size %u (expected %zu)",
                       (unsigned)eh->e_phentsize, sizeof(Elf32_Phdr));
    if (eh->e_phnum == 0) return ld_fail(im, RT_EXIT_BADELF, "no program headers");
    /* Linux refuses more than 64 KiB of program headers. */
    if ((uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > 65536)
        return ld_fail(im, RT_EXIT_BADELF, "too many program headers (%u)", (unsigned)eh->e_phnum);
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > im->size)
        return ld_fail(im, RT_EXIT_BADELF,
                       "program headers outside the file (offset 0x%x, %u entries)",
                       (unsigned)eh->e_phoff, (unsigned)eh->e_phnum);
    return 0;
}

/* One PT_LOAD: sizes, file range, address range. */
static int check_load(Image *im, unsigned i) {
    const Elf32_Phdr *ph = &im->ph[i];
    if (ph->p_filesz > ph->p_memsz)
        return ld_fail(im, RT_EXIT_BADELF,
                       "PT_LOAD segment %u: file size 0x%x larger than memory size 0x%x", i,
                       (unsigned)ph->p_filesz, (unsigned)ph->p_memsz);
    if ((uint64_t)ph->p_offset + ph->p_filesz > im->size)
        return ld_fail(im, RT_EXIT_BADELF,
                       "PT_LOAD segment %u: file data (offset 0x%x, size 0x%x) beyond the end of "
                       "the file (size 0x%llx)",
                       i, (unsigned)ph->p_offset, (unsigned)ph->p_filesz,
                       (unsigned long long)im->size);
    if ((uint64_t)ph->p_vaddr + ph->p_memsz > 0xffffe000u)
        return ld_fail(im, RT_EXIT_BADELF,
                       "PT_LOAD segment %u: 0x%x+0x%x outside the 32-bit address space", i,
                       (unsigned)ph->p_vaddr, (unsigned)ph->p_memsz);
    return 0;
}

/* PT_INTERP: a NUL-terminated path inside the file. */
static int check_interp(Image *im, unsigned i) {
    const Elf32_Phdr *ph = &im->ph[i];
    if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
        return ld_fail(im, RT_EXIT_BADELF, "PT_INTERP: bad size %u", (unsigned)ph->p_filesz);
    if ((uint64_t)ph->p_offset + ph->p_filesz > im->size)
        return ld_fail(im, RT_EXIT_BADELF, "PT_INTERP: beyond the end of the file");
    char last;
    if (ld_read(im->fd, (uint64_t)ph->p_offset + ph->p_filesz - 1, &last, 1) != 0)
        return ld_fail(im, RT_EXIT_BADELF, "read error");
    if (last != 0) return ld_fail(im, RT_EXIT_BADELF, "PT_INTERP: path not NUL-terminated");
    return 0;
}

int ld_check(Image *im) {
    im->ph = NULL;
    im->interp_ph = im->phdr_ph = im->stack_ph = -1;
    int st = check_header(im);
    if (st) return st;
    unsigned n = im->eh.e_phnum;
    im->ph = calloc(n, sizeof *im->ph);
    if (!im->ph) return ld_fail(im, RT_EXIT_BADELF, "out of memory");
    if (ld_read(im->fd, im->eh.e_phoff, im->ph, n * sizeof *im->ph) != 0)
        return ld_fail(im, RT_EXIT_BADELF, "read error");

    int prev = -1;
    for (unsigned i = 0; i < n; i++) {
        const Elf32_Phdr *ph = &im->ph[i];
        switch (ph->p_type) {
        case PT_LOAD:
            if ((st = check_load(im, i))) return st;
            if (ph->p_memsz == 0) break;
            if (prev >= 0) {
                const Elf32_Phdr *pp = &im->ph[prev];
                if (ph->p_vaddr < pp->p_vaddr)
                    return ld_fail(im, RT_EXIT_BADELF,
                                   "PT_LOAD segments %d and %u not in ascending address order",
                                   prev, i);
                if (ph->p_vaddr < (uint64_t)pp->p_vaddr + pp->p_memsz)
                    return ld_fail(im, RT_EXIT_BADELF, "PT_LOAD segments %d and %u overlap", prev,
                                   i);
            } else {
                im->lo = ph->p_vaddr & GUEST_PAGE_MASK;
            }
            im->hi = (uint32_t)(((uint64_t)ph->p_vaddr + ph->p_memsz + GUEST_PAGE - 1) &
                                GUEST_PAGE_MASK);
            prev = (int)i;
            break;
        case PT_INTERP:
            if (im->interp_ph >= 0 || im->interp) break; /* first one counts; ignored in ld.so */
            if ((st = check_interp(im, i))) return st;
            im->interp_ph = (int)i;
            break;
        case PT_PHDR:
            if (im->phdr_ph < 0) im->phdr_ph = (int)i;
            break;
        case PT_GNU_STACK:
            if (im->stack_ph < 0) im->stack_ph = (int)i;
            break;
        default:
            break;
        }
    }
    if (prev < 0) return ld_fail(im, RT_EXIT_BADELF, "no loadable segments");
    if (im->eh.e_type == ET_EXEC && im->lo < GUEST_MMAP_BOTTOM)
        return ld_fail(im, RT_EXIT_BADELF,
                       "PT_LOAD segment at 0x%x below the lowest mappable address 0x%x", im->lo,
                       GUEST_MMAP_BOTTOM);
    if (im->eh.e_type == ET_DYN && im->hi - im->lo > GUEST_MMAP_TOP - GUEST_MMAP_BOTTOM)
        return ld_fail(im, RT_EXIT_BADELF, "PT_LOAD segments span 0x%x bytes: too large",
                       im->hi - im->lo);
    return 0;
}
