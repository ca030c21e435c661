/* Directory reading with offsets a 32-bit guest can hold: getdents,
 * getdents64, lseek and _llseek, and the per-descriptor state behind them.
 *
 * The host kernel sees xrun as a 64-bit process, so hashed directories
 * (ext4 htree and others) report d_off positions up to 2^63 where a native
 * i386 process is given 31-bit ones; glibc's non-LFS readdir then fails with
 * EOVERFLOW. So for each directory descriptor xrun keeps a cookie table:
 * cookie k (0 <= k < 2^30) stands for host offset off[k], cookie 0 is host
 * offset 0 (the start), and a hash finds the cookie of a host offset, so a
 * host position always gets the same cookie however often it is seen (a
 * rewinddir loop does not grow the table); ext4's end-of-directory mark is
 * mapped to its 32-bit form (see COOKIE_EOF). The guest only ever sees cookies:
 * as d_off in both getdents forms (so readdir64 and telldir/seekdir agree)
 * and as lseek/_llseek results on the descriptor; SEEK_SET takes a cookie
 * (an unknown one is -EINVAL). d_ino passes unchanged. Every offset is
 * translated, small ones included, so cookies never collide with raw
 * offsets.
 *
 * The state belongs to the open file description, which xrun approximates
 * per descriptor: dup/dup2/dup3/F_DUPFD share the table (reference counted),
 * close/close_range and being dup'ed over drop it. fork copies it with the
 * rest of xrun (host offsets remain the truth, so the copy stays valid even
 * when both processes read on). execve starts a new xrun with no tables: a
 * directory descriptor it inherits gets a fresh table on first use, built
 * from the host position (cookies handed out before the execve are lost).
 *
 * Descriptors whose kind is not known yet are fstat'ed once by lseek and
 * remembered as "not a directory" (nondir), so plain files do not pay an
 * fstat per lseek. getdents succeeding proves a directory by itself. */
#include "syscalls/dirent.h"

#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/handlers.h"
#include "syscalls/sys.h"

/* ---- cookie tables ------------------------------------------------------- */

/* At most this many cookies per table: all of them fit 31 bits. */
#define COOKIE_LIMIT (1u << 30)
/* ext4's end-of-directory position is INT64_MAX for a 64-bit caller and
 * INT32_MAX for a 32-bit one: that pair is mapped directly (outside the
 * table), so the guest sees the value a native process would. */
#define HOST_EOF ((uint64_t)INT64_MAX)
#define COOKIE_EOF ((uint32_t)INT32_MAX)

typedef struct DirTab {
    uint32_t refs;   /* descriptors sharing the table */
    uint32_t n, cap; /* cookies in use, room in off */
    uint64_t *off;   /* cookie -> host offset */
    uint32_t *hash;  /* open addressing on the host offset: cookie + 1, 0 = empty */
    uint32_t hbits;  /* hash has 1 << hbits slots, at least twice n */
} DirTab;

/* Per-descriptor state: NULL = not known yet, &nondir = not a directory,
 * anything else a cookie table. */
static DirTab nondir;
static DirTab **fdstate;
static size_t nfdstate;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash_slot(uint64_t off, uint32_t bits) {
    return (uint32_t)((off * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* Put cookie c into t's hash (the caller knows it is not there yet). */
static void hash_insert(DirTab *t, uint32_t c) {
    uint32_t mask = (1u << t->hbits) - 1;
    uint32_t i = hash_slot(t->off[c], t->hbits);
    while (t->hash[i])
        i = (i + 1) & mask;
    t->hash[i] = c + 1;
}

/* Double t's hash; 0 or -ENOMEM. */
static int hash_grow(DirTab *t) {
    uint32_t *h = calloc((size_t)1 << (t->hbits + 1), sizeof *h);
    if (!h) return -ENOMEM;
    free(t->hash);
    t->hash = h;
    t->hbits++;
    for (uint32_t c = 0; c < t->n; c++)
        hash_insert(t, c);
    return 0;
}

/* A table holding just cookie 0 = host offset 0, or NULL. */
static DirTab *tab_new(void) {
    DirTab *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->cap = 16;
    t->hbits = 5;
    t->off = malloc(t->cap * sizeof *t->off);
    t->hash = calloc((size_t)1 << t->hbits, sizeof *t->hash);
    if (!t->off || !t->hash) {
        free(t->off);
        free(t->hash);
        free(t);
        return NULL;
    }
    t->refs = 1;
    t->n = 1;
    t->off[0] = 0;
    hash_insert(t, 0);
    return t;
}

static void tab_unref(DirTab *t) {
    if (!t || t == &nondir || --t->refs) return;
    free(t->off);
    free(t->hash);
    free(t);
}

/* The cookie of host offset off, made on first sight: cookie or -errno. */
static long tab_cookie(DirTab *t, uint64_t off) {
    if (off == HOST_EOF) return COOKIE_EOF;
    uint32_t mask = (1u << t->hbits) - 1;
    for (uint32_t i = hash_slot(off, t->hbits); t->hash[i]; i = (i + 1) & mask)
        if (t->off[t->hash[i] - 1] == off) return (long)t->hash[i] - 1;
    if (t->n >= COOKIE_LIMIT) return -EOVERFLOW;
    if (t->n == t->cap) {
        uint64_t *o = realloc(t->off, (size_t)t->cap * 2 * sizeof *o);
        if (!o) return -ENOMEM;
        t->off = o;
        t->cap *= 2;
    }
    if ((t->n + 1) * 2 > (1u << t->hbits) && hash_grow(t)) return -ENOMEM;
    uint32_t c = t->n++;
    t->off[c] = off;
    hash_insert(t, c);
    return c;
}

/* ---- per-descriptor state (callers hold lock) ---------------------------- */

static DirTab *state_get(int fd) {
    return fd >= 0 && (size_t)fd < nfdstate ? fdstate[fd] : NULL;
}

/* Make t fd's state (taking over the caller's reference), dropping the old
 * one; 0 or -errno (then the caller still owns t). */
static int state_set(int fd, DirTab *t) {
    if (fd < 0) return -EBADF;
    if ((size_t)fd >= nfdstate) {
        if (!t) return 0;
        size_t n = nfdstate ? nfdstate : 64;
        while (n <= (size_t)fd)
            n *= 2;
        DirTab **s = realloc(fdstate, n * sizeof *s);
        if (!s) return -ENOMEM;
        memset(s + nfdstate, 0, (n - nfdstate) * sizeof *s);
        fdstate = s;
        nfdstate = n;
    }
    tab_unref(fdstate[fd]);
    fdstate[fd] = t;
    return 0;
}

/* fd's cookie table, made when it has none (the caller knows fd is a
 * directory); NULL when out of memory. */
static DirTab *dir_table(int fd) {
    DirTab *t = state_get(fd);
    if (t && t != &nondir) return t;
    t = tab_new();
    if (t && state_set(fd, t)) {
        tab_unref(t);
        t = NULL;
    }
    return t;
}

void sys_fork_lock(void) {
    pthread_mutex_lock(&lock);
}

void sys_fork_unlock(void) {
    pthread_mutex_unlock(&lock);
}

void sys_dir_forget(int fd) {
    pthread_mutex_lock(&lock);
    state_set(fd, NULL);
    pthread_mutex_unlock(&lock);
}

void sys_dir_forget_range(unsigned first, unsigned last) {
    pthread_mutex_lock(&lock);
    for (size_t fd = first; fd <= last && fd < nfdstate; fd++)
        state_set((int)fd, NULL);
    pthread_mutex_unlock(&lock);
}

void sys_dir_dup(int oldfd, int newfd) {
    pthread_mutex_lock(&lock);
    DirTab *t = state_get(oldfd);
    if (t && t != &nondir) t->refs++;
    if (state_set(newfd, t)) tab_unref(t); /* newfd stays "not known yet" */
    pthread_mutex_unlock(&lock);
}

/* ---- getdents ------------------------------------------------------------ */

/* struct linux_dirent64, the same on both sides (8-byte aligned records). */
enum { D64_OFF = 8, D64_RECLEN = 16, D64_TYPE = 18, D64_NAME = 19 };

/* getdents64: the host fills the guest buffer, then each d_off becomes its
 * cookie in place. */
SYS_FN(sys_getdents64) {
    (void)env;
    int fd = (int)a[0];
    uint8_t *p = GOUT(a[1], a[2]);
    if (!p) return -EFAULT;
    long n = sys_ret(syscall(SYS_getdents64, fd, p, (size_t)a[2]));
    if (n <= 0) return n;
    long err = 0;
    pthread_mutex_lock(&lock);
    DirTab *t = dir_table(fd);
    if (!t) err = -ENOMEM;
    for (long pos = 0; !err && pos + D64_NAME <= n;) {
        uint16_t reclen;
        uint64_t off;
        memcpy(&reclen, p + pos + D64_RECLEN, 2);
        memcpy(&off, p + pos + D64_OFF, 8);
        if (reclen < D64_NAME || reclen > n - pos) break; /* the guest scribbled on it */
        long c = tab_cookie(t, off);
        if (c < 0) {
            err = c;
            break;
        }
        int64_t g = c;
        memcpy(p + pos + D64_OFF, &g, 8);
        pos += reclen;
    }
    pthread_mutex_unlock(&lock);
    return err ? err : n;
}

/* getdents (struct linux_dirent): host records converted into the guest
 * buffer. A 32-bit record is never larger than the host record it comes
 * from, so a host read of the guest's size always fits. An inode number
 * beyond 32 bits stops the read as on a native kernel: the entries before it
 * are returned (or -EOVERFLOW if there are none) and the host position goes
 * back to just before it. */
SYS_FN(sys_getdents) {
    (void)env;
    int fd = (int)a[0];
    uint32_t count = a[2];
    uint8_t *out = GOUT(a[1], count);
    if (!out) return -EFAULT;
    int64_t prev = lseek(fd, 0, SEEK_CUR); /* host position before the next record */
    uint8_t *tmp = malloc(count ? count : 1);
    if (!tmp) return -ENOMEM;
    long n = sys_ret(syscall(SYS_getdents64, fd, tmp, (size_t)count));
    long w = 0, err = 0;
    if (n > 0) {
        pthread_mutex_lock(&lock);
        DirTab *t = dir_table(fd);
        if (!t) err = -ENOMEM;
        for (long pos = 0; !err && pos + D64_NAME <= n;) {
            const uint8_t *d = tmp + pos;
            uint64_t ino, off;
            uint16_t reclen;
            memcpy(&ino, d, 8);
            memcpy(&off, d + D64_OFF, 8);
            memcpy(&reclen, d + D64_RECLEN, 2);
            if (reclen < D64_NAME || reclen > n - pos) break;
            long c = ino > UINT32_MAX ? -EOVERFLOW : tab_cookie(t, off);
            if (c < 0) {
                err = c;
                break;
            }
            size_t namelen = strnlen((const char *)d + D64_NAME, reclen - D64_NAME);
            uint32_t glen =
                (uint32_t)(offsetof(struct i386_dirent, d_name) + namelen + 2 + 3) & ~3u;
            struct i386_dirent g = {(uint32_t)ino, (uint32_t)c, (uint16_t)glen};
            uint8_t *o = out + w;
            memset(o, 0, glen);
            memcpy(o, &g, offsetof(struct i386_dirent, d_name));
            memcpy(o + offsetof(struct i386_dirent, d_name), d + D64_NAME, namelen);
            o[glen - 1] = d[D64_TYPE];
            w += glen;
            prev = (int64_t)off;
            pos += reclen;
        }
        pthread_mutex_unlock(&lock);
    }
    free(tmp);
    if (n < 0) return n;
    if (!err) return w;
    if (prev >= 0) lseek(fd, prev, SEEK_SET); /* give back what was not delivered */
    return w ? w : err;
}

/* ---- seeking ------------------------------------------------------------- */

/* fd's state with a reference held (release with lseek_done); an unknown
 * descriptor is fstat'ed once to learn whether it is a directory. NULL and
 * *err on failure. */
static DirTab *lseek_state(int fd, long *err) {
    pthread_mutex_lock(&lock);
    DirTab *t = state_get(fd);
    if (!t) {
        struct stat st;
        if (fstat(fd, &st)) {
            *err = -errno;
        } else if (!(t = S_ISDIR(st.st_mode) ? tab_new() : &nondir)) {
            *err = -ENOMEM;
        } else if (state_set(fd, t)) {
            tab_unref(t);
            t = NULL;
            *err = -ENOMEM;
        }
    }
    if (t && t != &nondir) t->refs++;
    pthread_mutex_unlock(&lock);
    return t;
}

static void lseek_done(DirTab *t) {
    pthread_mutex_lock(&lock);
    tab_unref(t);
    pthread_mutex_unlock(&lock);
}

/* lseek for both guest forms: the new position (a cookie for directories)
 * in *res; 0 or -errno. */
static long do_lseek(int fd, int64_t off, int whence, int64_t *res) {
    long err = 0;
    DirTab *t = lseek_state(fd, &err);
    if (!t) return err;
    if (t != &nondir && whence == SEEK_SET) {
        pthread_mutex_lock(&lock);
        if (off == COOKIE_EOF)
            off = (int64_t)HOST_EOF;
        else if (off < 0 || off >= t->n)
            err = -EINVAL;
        else
            off = (int64_t)t->off[off];
        pthread_mutex_unlock(&lock);
    }
    if (!err) {
        off_t r = lseek(fd, (off_t)off, whence);
        if (r < 0) {
            err = -errno;
        } else if (t == &nondir) {
            *res = r;
        } else {
            pthread_mutex_lock(&lock);
            long c = tab_cookie(t, (uint64_t)r);
            pthread_mutex_unlock(&lock);
            if (c < 0)
                err = c;
            else
                *res = c;
        }
    }
    lseek_done(t);
    return err;
}

SYS_FN(sys_lseek) {
    (void)env;
    int64_t r;
    long err = do_lseek((int)a[0], (int32_t)a[1], (int)a[2], &r);
    if (err) return err;
    if (r > INT32_MAX) return -EOVERFLOW;
    return (long)r;
}

/* _llseek(fd, offset_high, offset_low, loff_t *result, whence) */
SYS_FN(sys_llseek) {
    (void)env;
    void *res = GOUT(a[3], 8);
    if (!res) return -EFAULT;
    int64_t r;
    long err = do_lseek((int)a[0], ARG64(a[2], a[1]), (int)a[4], &r);
    if (err) return err;
    memcpy(res, &r, 8);
    return 0;
}
