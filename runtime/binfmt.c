/* binfmt_misc registration (runtime/binfmt.h).
 *
 * The entry matches the first 20 bytes of an ELF header: "\x7fELF",
 * EI_CLASS = ELFCLASS32, EI_DATA = ELFDATA2LSB, e_type ET_EXEC (2) or ET_DYN
 * (3) (low byte masked with 0xfe), e_machine EM_386. EI_VERSION, EI_OSABI
 * and the padding are ignored, so xrun (not the kernel's "Exec format
 * error") reports a header it cannot run.
 *
 * Flags: F opens xrun when the entry is registered, so it works from other
 * mount namespaces and chroots; P keeps the guest's argv[0] (the kernel then
 * runs  xrun PROGRAM ARGV0 ARGS...  and sets AT_FLAGS bit 0, Linux >= 5.12).
 * Never C: a setuid i386 program would run xrun with raised privileges.
 *
 * Entries under RT_BINFMT_DIR read like
 *     enabled / interpreter PATH / flags: PF / offset 0 / magic HEX / mask HEX
 * which is what install parses to spot its own entry and conflicting ones. */
#include "runtime/binfmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime/log.h"

#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC 0x42494e4d
#endif
#define AT_FLAGS_PRESERVE_ARGV0 1u
#define REGISTER_MAX 1920 /* the kernel's MAX_REGISTER_LENGTH */
#define MOUNT_CMD "mount -t binfmt_misc binfmt_misc " RT_BINFMT_DIR

#define PAT_LEN 20
static const unsigned char pat_magic[PAT_LEN] = {
    0x7f, 'E', 'L', 'F', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0,
};
static const unsigned char pat_mask[PAT_LEN] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff,
};

bool rt_binfmt_preserve_argv0(void) {
    return getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0;
}

/* ---- the line ----------------------------------------------------------- */

/* Absolute path of this xrun; fails if it no longer names /proc/self/exe. */
static int self_path(char *buf, size_t n) {
    ssize_t len = readlink("/proc/self/exe", buf, n - 1);
    struct stat a, b;
    if (len <= 0 || (size_t)len >= n - 1) {
        rt_error("cannot read /proc/self/exe: %s", len < 0 ? strerror(errno) : "path too long");
        return -1;
    }
    buf[len] = 0;
    if (buf[0] != '/' || stat(buf, &a) != 0 || stat("/proc/self/exe", &b) != 0 ||
        a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        rt_error("%s is not this xrun executable any more (moved or deleted?)", buf);
        return -1;
    }
    return 0;
}

/* F and P; P only where the kernel also reports it in AT_FLAGS (5.12+),
 * since without that xrun cannot tell the extra argument apart. */
static const char *line_flags(void) {
    struct utsname u;
    int major = 0, minor = 0;
    if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
        (major < 5 || (major == 5 && minor < 12)))
        return "F";
    return "FP";
}

/* ":NAME:M::MAGIC:MASK:INTERP:FLAGS" (no newline); the delimiter is the
 * first of ":|!#%,;@^~" absent from interp. Returns 0, or -1 after a message. */
static int make_line(const char *interp, const char *flags, char *buf, size_t n) {
    const char *d = ":|!#%,;@^~";
    while (*d && strchr(interp, *d))
        d++;
    if (!*d || strchr(interp, '\n')) {
        rt_error("cannot register %s with binfmt_misc: unusual characters in the path", interp);
        return -1;
    }
    char magic[PAT_LEN * 4 + 1], mask[PAT_LEN * 4 + 1];
    for (size_t i = 0; i < PAT_LEN; i++) {
        snprintf(magic + 4 * i, 5, "\\x%02x", pat_magic[i]);
        snprintf(mask + 4 * i, 5, "\\x%02x", pat_mask[i]);
    }
    int len = snprintf(buf, n, "%c%s%cM%c%c%s%c%s%c%s%c%s", *d, RT_BINFMT_NAME, *d, *d, *d, magic,
                       *d, mask, *d, interp, *d, flags);
    if (len < 0 || (size_t)len >= n || len + 1 > REGISTER_MAX) {
        rt_error("cannot register %s with binfmt_misc: path too long", interp);
        return -1;
    }
    return 0;
}

int rt_binfmt_print(void) {
    char self[PATH_MAX], line[PATH_MAX + 256];
    if (self_path(self, sizeof self) || make_line(self, line_flags(), line, sizeof line)) return 1;
    /* One write(2), so that `xrun --binfmt > .../register` registers it. */
    strcat(line, "\n");
    ssize_t w = write(STDOUT_FILENO, line, strlen(line));
    if (w != (ssize_t)strlen(line)) {
        rt_error("writing the binfmt_misc line failed: %s",
                 w < 0 ? strerror(errno) : "short write");
        return 1;
    }
    return 0;
}

/* ---- existing entries --------------------------------------------------- */

typedef struct Entry {
    bool enabled, is_magic, has_mask;
    char interp[PATH_MAX];
    char flags[16];
    unsigned offset;
    size_t size;
    unsigned char magic[128], mask[128];
} Entry;

/* strcpy that truncates to n bytes. */
static void set_str(char *dst, size_t n, const char *src) {
    size_t len = strnlen(src, n - 1);
    memcpy(dst, src, len);
    dst[len] = 0;
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "7f454c46..." -> bytes; returns how many. */
static size_t parse_hex(const char *s, unsigned char *out, size_t max) {
    size_t n = 0;
    while (n < max && hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
        out[n++] = (unsigned char)(hexval(s[0]) << 4 | hexval(s[1]));
        s += 2;
    }
    return n;
}

/* Read RT_BINFMT_DIR/name into e; returns 0 or an errno value. */
static int read_entry(const char *name, Entry *e) {
    char path[PATH_MAX], line[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", RT_BINFMT_DIR, name);
    FILE *f = fopen(path, "re");
    if (!f) return errno;
    memset(e, 0, sizeof *e);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strcmp(line, "enabled"))
            e->enabled = true;
        else if (!strncmp(line, "interpreter ", 12))
            set_str(e->interp, sizeof e->interp, line + 12);
        else if (!strncmp(line, "flags: ", 7))
            set_str(e->flags, sizeof e->flags, line + 7);
        else if (!strncmp(line, "offset ", 7))
            e->offset = (unsigned)strtoul(line + 7, NULL, 10);
        else if (!strncmp(line, "magic ", 6)) {
            e->is_magic = true;
            e->size = parse_hex(line + 6, e->magic, sizeof e->magic);
        } else if (!strncmp(line, "mask ", 5)) {
            e->has_mask = true;
            parse_hex(line + 5, e->mask, sizeof e->mask);
        }
    }
    fclose(f);
    return 0;
}

/* True if some i386 ELF header that xrun's pattern matches also matches e,
 * judged on the header bytes both constrain. */
static bool matches_i386(const Entry *e) {
    if (!e->enabled || !e->is_magic) return false;
    bool shared = false;
    for (size_t i = 0; i < e->size && e->offset + i < PAT_LEN; i++) {
        size_t pos = e->offset + i;
        unsigned char both = (e->has_mask ? e->mask[i] : 0xff) & pat_mask[pos];
        if ((e->magic[i] ^ pat_magic[pos]) & both) return false;
        shared |= both != 0;
    }
    return shared;
}

/* True if e is exactly the entry install would register for interp. */
static bool is_ours(const Entry *e, const char *interp, const char *flags) {
    if (!e->is_magic || !e->has_mask || e->offset || e->size != PAT_LEN ||
        strcmp(e->interp, interp) || strlen(e->flags) != strlen(flags))
        return false;
    for (const char *f = flags; *f; f++)
        if (!strchr(e->flags, *f)) return false;
    for (size_t i = 0; i < PAT_LEN; i++)
        if (e->mask[i] != pat_mask[i] || (e->magic[i] & e->mask[i]) != pat_magic[i]) return false;
    return true;
}

/* Where entry name comes from and how to keep it off at boot, or "". */
static void origin_hint(const char *name, char *from, size_t nf, char *keep, size_t nk) {
    char path[PATH_MAX];
    from[0] = keep[0] = 0;
    snprintf(path, sizeof path, "/var/lib/binfmts/%s", name);
    FILE *f = fopen(path, "re");
    if (f) { /* binfmt-support: the first line names the package */
        char pkg[256] = "";
        if (fgets(pkg, sizeof pkg, f)) pkg[strcspn(pkg, "\n")] = 0;
        fclose(f);
        if (pkg[0] && strcmp(pkg, ":")) snprintf(from, nf, ", from package %s", pkg);
        snprintf(keep, nk, " (keep it off: update-binfmts --disable %s)", name);
        return;
    }
    static const char *const dirs[] = {"/etc", "/run", "/usr/local/lib", "/usr/lib"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        int len = snprintf(path, sizeof path, "%s/binfmt.d/%s.conf", dirs[i], name);
        if (len > 0 && (size_t)len < sizeof path && access(path, F_OK) == 0) {
            set_str(from, nf, ", from ");
            set_str(from + strlen(from), nf - strlen(from), path);
            snprintf(keep, nk, " (keep it off at boot: ln -s /dev/null /etc/binfmt.d/%s.conf)",
                     name);
            return;
        }
    }
}

/* Report every other enabled entry that takes i386 ELF files; returns how many. */
static int report_conflicts(void) {
    DIR *d = opendir(RT_BINFMT_DIR);
    if (!d) return 0;
    int n = 0;
    static Entry e;
    for (struct dirent *de; (de = readdir(d));) {
        const char *name = de->d_name;
        if (name[0] == '.' || !strcmp(name, "register") || !strcmp(name, "status") ||
            !strcmp(name, RT_BINFMT_NAME) || read_entry(name, &e) || !matches_i386(&e))
            continue;
        char from[320], keep[320];
        origin_hint(name, from, sizeof from, keep, sizeof keep);
        rt_error("binfmt_misc entry '%s' (interpreter %s%s) already handles i386 ELF files; "
                 "disable it with: echo 0 > %s/%s%s",
                 name, e.interp, from, RT_BINFMT_DIR, name, keep);
        n++;
    }
    closedir(d);
    return n;
}

/* ---- install / uninstall ------------------------------------------------ */

static int check_mounted(void) {
    struct statfs sf;
    if (statfs(RT_BINFMT_DIR, &sf) == 0 && sf.f_type == BINFMTFS_MAGIC) return 0;
    rt_error("binfmt_misc is not mounted on %s; mount it with: " MOUNT_CMD, RT_BINFMT_DIR);
    return 1;
}

/* One write(2) of s to path; returns 0 or an errno value. */
static int write_once(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    size_t len = strlen(s);
    ssize_t w = write(fd, s, len);
    int err = w < 0 ? errno : (size_t)w != len ? EIO : 0;
    close(fd);
    return err;
}

static void privilege_error(const char *what, int err) {
    rt_error("cannot %s: %s (needs root, or CAP_SYS_ADMIN over the binfmt_misc mount)", what,
             strerror(err));
}

int rt_binfmt_install(void) {
    char self[PATH_MAX], line[PATH_MAX + 256];
    const char *flags = line_flags();
    if (self_path(self, sizeof self) || make_line(self, flags, line, sizeof line)) return 1;
    if (check_mounted()) return 1;

    static Entry own;
    if (read_entry(RT_BINFMT_NAME, &own) == 0) {
        if (is_ours(&own, self, flags)) {
            printf("binfmt_misc entry %s is already installed for %s%s\n", RT_BINFMT_NAME, self,
                   own.enabled ? ""
                               : " (but disabled: echo 1 > " RT_BINFMT_DIR "/" RT_BINFMT_NAME ")");
            return 0;
        }
        rt_error("binfmt_misc entry %s already exists with interpreter %s (flags %s); remove it "
                 "first with: xrun --uninstall-binfmt",
                 RT_BINFMT_NAME, own.interp, own.flags);
        return 1;
    }
    if (report_conflicts()) return 1;

    strcat(line, "\n");
    int err = write_once(RT_BINFMT_DIR "/register", line);
    if (err == EACCES || err == EPERM) {
        privilege_error("write " RT_BINFMT_DIR "/register", err);
        return 1;
    }
    if (err) {
        rt_error("binfmt_misc refused the registration: %s", strerror(err));
        return 1;
    }
    printf("registered binfmt_misc entry %s: i386 programs now run with %s\n", RT_BINFMT_NAME,
           self);
    char st[16] = "";
    FILE *f = fopen(RT_BINFMT_DIR "/status", "re");
    if (f && fgets(st, sizeof st, f) && !strncmp(st, "disabled", 8))
        printf("note: binfmt_misc itself is disabled; enable it with: echo 1 > " RT_BINFMT_DIR
               "/status\n");
    if (f) fclose(f);
    return 0;
}

int rt_binfmt_uninstall(void) {
    if (check_mounted()) return 1;
    static Entry own;
    int err = read_entry(RT_BINFMT_NAME, &own);
    if (err == 0) err = write_once(RT_BINFMT_DIR "/" RT_BINFMT_NAME, "-1\n");
    if (err == ENOENT) {
        rt_error("binfmt_misc entry %s is not installed", RT_BINFMT_NAME);
        return 1;
    }
    if (err == EACCES || err == EPERM) {
        privilege_error("remove " RT_BINFMT_DIR "/" RT_BINFMT_NAME, err);
        return 1;
    }
    if (err) {
        rt_error("cannot remove binfmt_misc entry %s: %s", RT_BINFMT_NAME, strerror(err));
        return 1;
    }
    printf("removed binfmt_misc entry %s (interpreter %s)\n", RT_BINFMT_NAME, own.interp);
    return 0;
}
