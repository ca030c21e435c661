/* /proc files that must describe the guest, not xrun: opening
 * /proc/self/maps, /proc/thread-self/maps or /proc/<own pid>/maps returns a
 * memfd holding the guest's mappings in the kernel's format.
 *
 * The text is built from the host's own /proc/self/maps, clipped to the
 * guest reservation (which gives each mapping's file, offset, device and
 * inode), split where the guest page table differs (guest protection with
 * PROT_EXEC, shared or private; write-protected code pages and the
 * unmapped reservation around mappings are host details) and merged again
 * where the guest sees one mapping. The brk area is [heap] and the mapping
 * holding the top of the initial stack [stack], as the kernel names them;
 * paths under the -L sysroot lose the sysroot prefix.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/opts.h"
#include "syscalls/handlers.h"

typedef struct MapEnt {
    uint32_t start, end; /* guest, page aligned; end 0 means 4 GiB */
    int kind;            /* rt_mem_page_kind */
    uint64_t off;
    unsigned maj, min;
    unsigned long ino;
    char name[PATH_MAX];
} MapEnt;

typedef struct Buf {
    char *p;
    size_t n, cap;
} Buf;

static int buf_add(Buf *b, const char *s, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8192;
        while (cap < b->n + n) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) return -1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

/* One line as fs/proc/task_mmu.c prints it (64-bit kernel: the name starts
 * at column 73). */
static int emit(Buf *b, const MapEnt *e) {
    char line[PATH_MAX + 128];
    int k = e->kind;
    int n = snprintf(line, sizeof line, "%08x-%08x %c%c%c%c %08llx %02x:%02x %lu ", e->start,
                     e->end, (k & PROT_READ) ? 'r' : '-', (k & PROT_WRITE) ? 'w' : '-',
                     (k & PROT_EXEC) ? 'x' : '-', (k & RT_MEM_SHARED) ? 's' : 'p',
                     (unsigned long long)e->off, e->maj, e->min, e->ino);
    if (n < 0) return -1;
    if (e->name[0]) {
        while (n < 72) line[n++] = ' ';
        n += snprintf(line + n, sizeof line - (size_t)n, " %s", e->name);
    }
    if (n >= (int)sizeof line - 1) n = (int)sizeof line - 2;
    line[n++] = '\n';
    return buf_add(b, line, (size_t)n);
}

/* Append e, merging it into *last when the guest sees one mapping. */
static int add(Buf *b, MapEnt *last, bool *have, const MapEnt *e) {
    if (*have && last->end == e->start && last->kind == e->kind && last->maj == e->maj &&
        last->min == e->min && last->ino == e->ino && !strcmp(last->name, e->name) &&
        (!e->ino || last->off + (uint64_t)(last->end - last->start) == e->off)) {
        last->end = e->end;
        return 0;
    }
    if (*have && emit(b, last) < 0) return -1;
    *last = *e;
    *have = true;
    return 0;
}

/* Host path as the guest knows it: without the sysroot prefix. */
static void guest_name(char *dst, const char *host) {
    const char *root = rt_opts.sysroot;
    size_t rl = root ? strlen(root) : 0;
    while (rl > 1 && root[rl - 1] == '/') rl--;
    if (rl > 1 && !strncmp(host, root, rl) && host[rl] == '/') host += rl;
    snprintf(dst, PATH_MAX, "%s", host);
}

static int maps_text(Buf *out) {
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f) return -1;
    uint32_t heap_lo, heap_hi;
    rt_mem_heap(&heap_lo, &heap_hi);
    uint64_t gb = (uint64_t)(uintptr_t)guest_base, ge = gb + GUEST_SPACE;
    MapEnt last, e;
    bool have = false;
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        unsigned long long hs, he, off;
        unsigned maj, min;
        unsigned long ino;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %x:%x %lu %n", &hs, &he, perms, &off, &maj, &min,
                   &ino, &pos) < 7)
            continue;
        if (he <= gb || hs >= ge) continue;
        char *path = line + pos;
        path[strcspn(path, "\n")] = 0;
        uint64_t s = hs < gb ? gb : hs, end = he > ge ? ge : he;
        /* Runs of pages the guest page table describes alike. */
        for (uint64_t a = s; a < end;) {
            uint32_t g = (uint32_t)(a - gb);
            int kind = rt_mem_page_kind(g);
            uint64_t b = a + GUEST_PAGE;
            while (b < end && rt_mem_page_kind((uint32_t)(b - gb)) == kind) b += GUEST_PAGE;
            if (kind) {
                memset(&e, 0, sizeof e);
                e.start = g;
                e.end = (uint32_t)(b - gb);
                e.kind = kind;
                e.maj = maj;
                e.min = min;
                e.ino = ino;
                e.off = ino ? off + (a - hs) : 0;
                if (path[0]) guest_name(e.name, path);
                if (!ino && !path[0]) {
                    if (heap_hi > heap_lo && g < heap_hi && e.end > heap_lo)
                        strcpy(e.name, "[heap]");
                    else if (g <= GUEST_STACK_TOP - 1 && (uint64_t)e.end - 1 >= GUEST_STACK_TOP - 1)
                        strcpy(e.name, "[stack]");
                }
                rc = add(out, &last, &have, &e);
            }
            a = b;
        }
    }
    if (rc == 0 && have) rc = emit(out, &last);
    free(line);
    fclose(f);
    return rc;
}

/* Is p one of the guest's own maps files? */
static bool is_own_maps(const char *p) {
    if (strncmp(p, "/proc/", 6) != 0) return false;
    p += 6;
    if (!strncmp(p, "self/", 5))
        p += 5;
    else if (!strncmp(p, "thread-self/", 12))
        p += 12;
    else {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p || *end != '/' || pid != (long)getpid()) return false;
        p = end + 1;
    }
    return strcmp(p, "maps") == 0;
}

bool sys_procfs_open(const char *path, int flags, long *ret) {
    if (!is_own_maps(path) || (flags & O_ACCMODE) != O_RDONLY) return false;
    int fd = memfd_create("maps", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0) {
        *ret = -errno;
        return true;
    }
    Buf b = {0};
    long r = maps_text(&b) < 0 ? -ENOMEM : 0;
    for (size_t done = 0; r == 0 && done < b.n;) {
        ssize_t w = write(fd, b.p + done, b.n - done);
        if (w < 0) r = -errno;
        else done += (size_t)w;
    }
    free(b.p);
    if (r == 0 && lseek(fd, 0, SEEK_SET) < 0) r = -errno;
    if (r < 0) {
        close(fd);
        *ret = r;
        return true;
    }
    *ret = fd;
    return true;
}
