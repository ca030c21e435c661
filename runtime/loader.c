/* ELF32 i386 loader (runtime/loader.h): open and validate the program
 * (runtime/elf_check.c), map its PT_LOAD segments into the guest space, do
 * the same for its PT_INTERP interpreter found under the sysroot, then build
 * the initial stack (runtime/stack.c).
 *
 * Placement follows Linux with ASLR off: ET_EXEC at its addresses, an
 * ET_DYN program with an interpreter at 0x56555000; the interpreter, and an
 * ET_DYN program without one, top-down from GUEST_MMAP_TOP like any mmap. */
#include "runtime/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/loader_priv.h"
#include "runtime/mem.h"
#include "runtime/mem_priv.h"

char rt_exe_path[PATH_MAX];

#define PIE_BASE 0x56555000u

/* ---- opening ------------------------------------------------------------ */

/* Open path (under root_fd when >= 0) and fill im->fd/size. 0 or status;
 * *err gets errno for the caller's message when the open itself fails. */
static int open_file(Image *im, const char *path, int root_fd, int *err) {
    int fd = -1;
    *err = 0;
    if (root_fd >= 0) {
        struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
        fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd < 0 && (errno == ENOSYS || errno == EPERM)) fd = -2; /* fall back below */
    }
    if (fd == -2 || root_fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return ld_fail(im, RT_EXIT_BADELF, "Is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ld_fail(im, RT_EXIT_BADELF, "not a regular file");
    }
    im->fd = fd;
    im->size = (uint64_t)st.st_size;
    return 0;
}

static void close_image(Image *im) {
    if (im->fd >= 0) close(im->fd);
    im->fd = -1;
    free(im->ph);
    im->ph = NULL;
}

/* ---- mapping ------------------------------------------------------------ */

static int pf_prot(uint32_t pf) {
    return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
           ((pf & PF_X) ? PROT_EXEC : 0);
}

static int map_fail(const Image *im, uint32_t r) {
    return ld_fail(im, RT_EXIT_BADELF, "cannot map segment: %s", strerror((int)-r));
}

/* Map one PT_LOAD at its biased address. */
static int map_segment(const Image *im, const Elf32_Phdr *ph) {
    uint32_t va = ph->p_vaddr + im->bias;
    uint32_t start = va & GUEST_PAGE_MASK;
    uint64_t fend = (uint64_t)va + ph->p_filesz;
    uint64_t mend = (uint64_t)va + ph->p_memsz;
    uint32_t mend_pg = (uint32_t)((mend + GUEST_PAGE - 1) & GUEST_PAGE_MASK);
    int prot = pf_prot(ph->p_flags);
    uint32_t r;

    if (ph->p_filesz > 0 && (ph->p_offset & (GUEST_PAGE - 1)) == (va & (GUEST_PAGE - 1))) {
        /* File-backed: the pages holding file data, then anonymous bss pages. */
        uint32_t fend_pg = (uint32_t)((fend + GUEST_PAGE - 1) & GUEST_PAGE_MASK);
        bool zero_tail = ph->p_memsz > ph->p_filesz && (fend & (GUEST_PAGE - 1));
        r = rt_mem_mmap(start, fend_pg - start, prot | (zero_tail ? PROT_WRITE : 0),
                        MAP_FIXED | MAP_PRIVATE, im->fd, ph->p_offset - (va - start));
        if (rt_mem_is_err(r)) return map_fail(im, r);
        if (zero_tail) {
            memset(g2h((uint32_t)fend), 0, fend_pg - fend);
            if (!(prot & PROT_WRITE)) rt_mem_mprotect(start, fend_pg - start, prot);
        }
        if (mend_pg > fend_pg) {
            r = rt_mem_mmap(fend_pg, mend_pg - fend_pg, prot,
                            MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (rt_mem_is_err(r)) return map_fail(im, r);
        }
        return 0;
    }

    /* Anonymous pages, file data copied in. A first page shared with the
     * previous segment keeps that segment's bytes and gets both protections. */
    uint32_t first = start;
    int shared_prot = -1;
    if (rt_mem_range_ok(start, 1, 0)) {
        shared_prot = rt_mem_prot(start);
        first += GUEST_PAGE;
    }
    if (mend_pg > first) {
        r = rt_mem_mmap(first, mend_pg - first, PROT_READ | PROT_WRITE,
                        MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (rt_mem_is_err(r)) return map_fail(im, r);
    }
    if (shared_prot >= 0) rt_mem_mprotect(start, GUEST_PAGE, PROT_READ | PROT_WRITE);
    if (ph->p_filesz && ld_read(im->fd, ph->p_offset, g2h(va), ph->p_filesz) != 0)
        return ld_fail(im, RT_EXIT_BADELF, "read error");
    rt_mem_mprotect(start, mend_pg - start, prot);
    if (shared_prot >= 0) rt_mem_mprotect(start, GUEST_PAGE, prot | shared_prot);
    return 0;
}

/* Choose the load bias and map every PT_LOAD; `anywhere` places an
 * ET_DYN image with the allocator instead of at the PIE base. */
static int map_image(Image *im, bool anywhere) {
    uint32_t span = im->hi - im->lo;
    uint32_t a;
    int anon = MAP_PRIVATE | MAP_ANONYMOUS;
    if (im->eh.e_type == ET_EXEC) {
        a = rt_mem_mmap(im->lo, span, PROT_NONE, anon | MAP_FIXED_NOREPLACE, -1, 0);
        if (rt_mem_is_err(a))
            return ld_fail(im, RT_EXIT_BADELF,
                           "segments at 0x%x-0x%x collide with the stack or are unmappable: %s",
                           im->lo, im->hi, strerror((int)-a));
    } else {
        a = anywhere ? (uint32_t)-ENOMEM
                     : rt_mem_mmap(PIE_BASE, span, PROT_NONE, anon | MAP_FIXED_NOREPLACE, -1, 0);
        if (rt_mem_is_err(a)) a = rt_mem_mmap(0, span, PROT_NONE, anon, -1, 0);
        if (rt_mem_is_err(a))
            return ld_fail(im, RT_EXIT_BADELF, "no room for 0x%x bytes of segments", span);
    }
    /* The span was only a placement; gaps between segments stay unmapped. */
    rt_mem_munmap(a, span);
    im->bias = a - im->lo;
    for (unsigned i = 0; i < im->eh.e_phnum; i++) {
        const Elf32_Phdr *ph = &im->ph[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0) continue;
        int st = map_segment(im, ph);
        if (st) return st;
    }
    return 0;
}

/* Guest address of the program headers (AT_PHDR). */
static uint32_t phdr_addr(const Image *im) {
    if (im->phdr_ph >= 0) return im->ph[im->phdr_ph].p_vaddr + im->bias;
    uint32_t off = im->eh.e_phoff;
    const Elf32_Phdr *first = NULL;
    for (unsigned i = 0; i < im->eh.e_phnum; i++) {
        const Elf32_Phdr *ph = &im->ph[i];
        if (ph->p_type != PT_LOAD) continue;
        if (!first) first = ph;
        if (off >= ph->p_offset && (uint64_t)off - ph->p_offset < ph->p_filesz)
            return ph->p_vaddr + (off - ph->p_offset) + im->bias;
    }
    return first->p_vaddr - first->p_offset + off + im->bias;
}

/* ---- the interpreter ---------------------------------------------------- */

/* Read PT_INTERP, find it under sysroot, validate and map it. */
static int load_interp(const Image *prog, const char *sysroot, Image *in, char *resolved,
                       size_t rsz) {
    const Elf32_Phdr *ph = &prog->ph[prog->interp_ph];
    char ipath[PATH_MAX + 1];
    if (ld_read(prog->fd, ph->p_offset, ipath, ph->p_filesz) != 0)
        return ld_fail(prog, RT_EXIT_BADELF, "read error");
    ipath[ph->p_filesz] = 0;

    bool root = !sysroot || !*sysroot || !strcmp(sysroot, "/");
    int root_fd = -1;
    if (root) {
        snprintf(resolved, rsz, "%s", ipath);
    } else {
        size_t sl = strlen(sysroot);
        while (sl > 1 && sysroot[sl - 1] == '/')
            sl--;
        snprintf(resolved, rsz, "%.*s%s%s", (int)sl, sysroot, ipath[0] == '/' ? "" : "/", ipath);
        root_fd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    *in = (Image){.prog = prog->prog, .interp = resolved, .fd = -1};
    int err;
    int st = open_file(in, root_fd >= 0 ? ipath : resolved, root_fd, &err);
    if (root_fd >= 0) close(root_fd);
    if (st < 0) {
        if (err == ENOENT || err == ENOTDIR)
            return ld_fail(prog, RT_EXIT_NOTFOUND,
                           "ELF interpreter %s not found (looked for %s); install libc6-i386 "
                           "(dpkg --add-architecture i386; apt-get install libc6:i386) or pass "
                           "-L SYSROOT",
                           ipath, resolved);
        return ld_fail(in, RT_EXIT_BADELF, "%s", strerror(err));
    }
    if (st) return st;
    if ((st = ld_check(in))) return st;
    return map_image(in, true);
}

/* ---- entry points ------------------------------------------------------- */

int rt_load(const char *path, const char *sysroot, int argc, char **argv, char **envp,
            LoadInfo *out) {
    Image prog = {.prog = path, .fd = -1}, in = {.fd = -1};
    char resolved[2 * PATH_MAX + 2];
    int err, st = open_file(&prog, path, -1, &err);
    if (st < 0) {
        st = err == ENOENT || err == ENOTDIR ? RT_EXIT_NOTFOUND : RT_EXIT_BADELF;
        ld_fail(&prog, st, "%s", strerror(err));
        goto done;
    }
    if (st || (st = ld_check(&prog))) goto done;

    /* Linux: i386 programs without PT_GNU_STACK get READ_IMPLIES_EXEC. */
    bool exec_stack = prog.stack_ph < 0 || (prog.ph[prog.stack_ph].p_flags & PF_X);
    rt_mem_set_read_implies_exec(prog.stack_ph < 0);

    /* The stack first, as the kernel does: the images go around it. */
    StackInfo si = {.exec_stack = exec_stack};
    uint32_t bottom = GUEST_STACK_TOP - GUEST_STACK_SIZE;
    uint32_t r = rt_mem_mmap(bottom, GUEST_STACK_SIZE, PROT_NONE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (rt_mem_is_err(r)) {
        st = ld_fail(&prog, RT_EXIT_BADELF, "cannot reserve the stack: %s", strerror((int)-r));
        goto done;
    }
    /* Linux puts an ET_DYN program without interpreter (static-pie, ld.so
     * run directly) where mmap would, and its brk at the PIE base. */
    bool self_contained = prog.eh.e_type == ET_DYN && prog.interp_ph < 0;
    if ((st = map_image(&prog, self_contained))) goto done;
    si.phdr = phdr_addr(&prog);
    si.phnum = prog.eh.e_phnum;
    si.entry = prog.eh.e_entry + prog.bias;
    out->prog_entry = si.entry;
    out->entry = si.entry;
    if (prog.interp_ph >= 0) {
        if ((st = load_interp(&prog, sysroot, &in, resolved, sizeof resolved))) goto done;
        si.base = in.bias + in.lo;
        out->entry = in.eh.e_entry + in.bias;
    }
    out->brk = self_contained ? PIE_BASE : prog.hi + prog.bias;
    rt_mem_set_brk_base(out->brk);

    rt_mem_munmap(bottom, GUEST_STACK_SIZE);
    out->sp = ld_build_stack(path, argc, argv, envp, &si);
    if (!out->sp) {
        st = RT_EXIT_BADELF;
        goto done;
    }
    if (!realpath(path, rt_exe_path)) snprintf(rt_exe_path, sizeof rt_exe_path, "%s", path);
done:
    close_image(&prog);
    close_image(&in);
    return st;
}

int rt_is_i386_elf(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    Elf32_Ehdr eh;
    bool ok = ld_read(fd, 0, &eh, sizeof eh) == 0;
    close(fd);
    return ok && !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS32 &&
           eh.e_ident[EI_DATA] == ELFDATA2LSB && (eh.e_machine == EM_386 || eh.e_machine == 6) &&
           (eh.e_type == ET_EXEC || eh.e_type == ET_DYN);
}
