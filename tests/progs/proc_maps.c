/* /proc/self/maps shows the process's own mappings: a file mapped at a fixed address with its
   permissions, offset, inode and path; the split after mprotect of the middle page; the lines
   after munmap of the first page; an anonymous mapping; [stack] and [heap]; the executable;
   and /proc/PID/maps for our own pid is the same. Only parsed, stable fields are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define AT 0x4f000000u
#define ANON_AT 0x4f100000u

static char maps[1 << 18];
static char path[64];
static char pidstr[16];
static struct stat st;

static int read_all(const char *file, char *buf, size_t size)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0) return -1;
    size_t n = 0;
    ssize_t r;
    while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0) n += (size_t)r;
    close(fd);
    buf[n] = 0;
    return (int)n;
}

static const char *yesno(int c) { return c ? "yes" : "no"; }

/* Prints the lines of /proc/self/maps that overlap [lo, hi). */
static void show(const char *title, unsigned lo, unsigned hi)
{
    printf("%s:\n", title);
    if (read_all("/proc/self/maps", maps, sizeof maps) <= 0) {
        printf("  cannot read /proc/self/maps: errno %d\n", errno);
        return;
    }
    int found = 0;
    for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long s, e, off, ino;
        char perms[8], dev[16];
        int pos = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &s, &e, perms, &off, dev, &ino, &pos) < 6) {
            printf("  unparsed line\n");
            continue;
        }
        if (e <= lo || s >= hi) continue;
        found++;
        const char *name = pos ? line + pos : "";
        while (*name == ' ') name++;
        printf("  %08lx-%08lx %s offset %08lx", s, e, perms, off);
        if (*name == 0)
            printf(", anonymous (inode %lu, dev %s)\n", ino, dev);
        else if (strcmp(name, path) == 0)
            printf(", our file (inode matches: %s)\n", yesno(ino == (unsigned long)st.st_ino));
        else
            printf(", other name\n");
    }
    if (!found) printf("  (none)\n");
}

static int has_name(const char *name, const char *perms)
{
    read_all("/proc/self/maps", maps, sizeof maps);
    for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
        char *p = strstr(line, name);
        if (p && strcmp(p, name) == 0 && (!perms || strncmp(strchr(line, ' ') + 1, perms, 4) == 0))
            return 1;
    }
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    long P = sysconf(_SC_PAGESIZE);
    snprintf(pidstr, sizeof pidstr, "%d", (int)getpid());
    snprintf(path, sizeof path, "/tmp/xrun-procmaps-%s", pidstr);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 1;
    char page[4096];
    for (int i = 0; i < 4; i++) {
        memset(page, 'A' + i, sizeof page);
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page) return 1;
    }
    fstat(fd, &st);

    char *m = mmap((void *)AT, 3 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, P);
    printf("mapped at the fixed address: %s, first byte '%c'\n", yesno(m == (char *)AT),
           m == MAP_FAILED ? '?' : m[0]);
    if (m != (char *)AT) return 1;
    show("3 pages of the file from offset 1 page, read-only, private", AT, AT + 0x100000);

    mprotect(m + P, P, PROT_READ | PROT_WRITE);
    show("after mprotect(RW) of the middle page", AT, AT + 0x100000);
    m[P] = 'x'; /* the middle page is now a private copy; the line stays the file's */
    mprotect(m + 2 * P, P, PROT_READ | PROT_EXEC);
    show("after mprotect(RX) of the last page", AT, AT + 0x100000);
    munmap(m, P);
    show("after munmap of the first page", AT, AT + 0x100000);
    mprotect(m + 2 * P, P, PROT_READ | PROT_WRITE);
    show("after mprotect(RW) of the last page: merged with the middle one", AT, AT + 0x100000);

    char *a = mmap((void *)ANON_AT, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                   -1, 0);
    printf("anonymous at the fixed address: %s\n", yesno(a == (char *)ANON_AT));
    show("anonymous mapping", ANON_AT, ANON_AT + 0x100000);
    char *none = mmap((void *)(ANON_AT + 2 * P), P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                      -1, 0);
    printf("PROT_NONE page next to it: %s\n", yesno(none == (char *)(ANON_AT + 2 * P)));
    show("anonymous mapping and a PROT_NONE page", ANON_AT, ANON_AT + 0x100000);
    errno = 0;
    void *clash = mmap((void *)ANON_AT, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over it: %s errno %d (EEXIST %d)\n", clash == MAP_FAILED ? "failed" : "mapped", errno,
           EEXIST);
    if (clash != MAP_FAILED) munmap(clash, P); /* so that a wrong success does not change later lines */

    char *heap = malloc(100); /* the brk heap exists once malloc has run */
    printf("[stack] rw-p: %s\n", yesno(has_name("[stack]", "rw-p")));
    printf("[heap] rw-p: %s\n", yesno(heap && has_name("[heap]", "rw-p")));
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("the executable mapped r-xp under its path: %s\n", yesno(n > 0 && has_name(exe, "r-xp")));

    static char other[1 << 18];
    char pidmaps[64];
    snprintf(pidmaps, sizeof pidmaps, "/proc/%s/maps", pidstr);
    int n1 = read_all("/proc/self/maps", maps, sizeof maps);
    int n2 = read_all(pidmaps, other, sizeof other);
    printf("/proc/PID/maps the same as /proc/self/maps: %s\n", yesno(n1 > 0 && n1 == n2 && memcmp(maps, other, n1) == 0));

    munmap(m + P, 2 * P);
    munmap(a, 3 * P);
    show("all unmapped", AT, ANON_AT + 0x100000);
    close(fd);
    unlink(path);
    free(heap);
    printf("done\n");
    return 0;
}
