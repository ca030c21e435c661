/* ioctl: a table of the requests xrun knows, each with how its argument is
 * passed. Terminal structures (termios, termio, termios2, winsize) have the
 * same layout on i386 and x86-64, so those requests pass straight through
 * after the guest range is checked. Requests whose number encodes a `long`
 * size are renumbered. Anything else is -ENOTTY, reported once. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "syscalls/handlers.h"

typedef enum IoKind {
    IO_NONE,  /* no argument */
    IO_INT,   /* integer argument by value */
    IO_IN,    /* pointer, `size` bytes read by the kernel */
    IO_OUT,   /* pointer, `size` bytes written */
    IO_INOUT, /* pointer, both */
    IO_IFREQ, /* struct ifreq: 32 bytes on i386, 40 on the host */
} IoKind;

typedef struct IoctlDef {
    uint32_t req, host_req;
    uint8_t kind, size;
    const char *name;
} IoctlDef;

/* X(name, guest request, host request, kind, size) */
#define IOCTL_TABLE(X)                                                                             \
    X(TCGETS, 0x5401, 0x5401, IO_OUT, 36)                                                          \
    X(TCSETS, 0x5402, 0x5402, IO_IN, 36)                                                           \
    X(TCSETSW, 0x5403, 0x5403, IO_IN, 36)                                                          \
    X(TCSETSF, 0x5404, 0x5404, IO_IN, 36)                                                          \
    X(TCGETA, 0x5405, 0x5405, IO_OUT, 18)                                                          \
    X(TCSETA, 0x5406, 0x5406, IO_IN, 18)                                                           \
    X(TCSETAW, 0x5407, 0x5407, IO_IN, 18)                                                          \
    X(TCSETAF, 0x5408, 0x5408, IO_IN, 18)                                                          \
    X(TCSBRK, 0x5409, 0x5409, IO_INT, 0)                                                           \
    X(TCXONC, 0x540a, 0x540a, IO_INT, 0)                                                           \
    X(TCFLSH, 0x540b, 0x540b, IO_INT, 0)                                                           \
    X(TIOCEXCL, 0x540c, 0x540c, IO_NONE, 0)                                                        \
    X(TIOCNXCL, 0x540d, 0x540d, IO_NONE, 0)                                                        \
    X(TIOCSCTTY, 0x540e, 0x540e, IO_INT, 0)                                                        \
    X(TIOCGPGRP, 0x540f, 0x540f, IO_OUT, 4)                                                        \
    X(TIOCSPGRP, 0x5410, 0x5410, IO_IN, 4)                                                         \
    X(TIOCOUTQ, 0x5411, 0x5411, IO_OUT, 4)                                                         \
    X(TIOCSTI, 0x5412, 0x5412, IO_IN, 1)                                                           \
    X(TIOCGWINSZ, 0x5413, 0x5413, IO_OUT, 8)                                                       \
    X(TIOCSWINSZ, 0x5414, 0x5414, IO_IN, 8)                                                        \
    X(TIOCMGET, 0x5415, 0x5415, IO_OUT, 4)                                                         \
    X(TIOCMBIS, 0x5416, 0x5416, IO_IN, 4)                                                          \
    X(TIOCMBIC, 0x5417, 0x5417, IO_IN, 4)                                                          \
    X(TIOCMSET, 0x5418, 0x5418, IO_IN, 4)                                                          \
    X(TIOCGSOFTCAR, 0x5419, 0x5419, IO_OUT, 4)                                                     \
    X(TIOCSSOFTCAR, 0x541a, 0x541a, IO_IN, 4)                                                      \
    X(FIONREAD, 0x541b, 0x541b, IO_OUT, 4)                                                         \
    X(TIOCCONS, 0x541d, 0x541d, IO_NONE, 0)                                                        \
    X(TIOCPKT, 0x5420, 0x5420, IO_IN, 4)                                                           \
    X(FIONBIO, 0x5421, 0x5421, IO_IN, 4)                                                           \
    X(TIOCNOTTY, 0x5422, 0x5422, IO_NONE, 0)                                                       \
    X(TIOCSETD, 0x5423, 0x5423, IO_IN, 4)                                                          \
    X(TIOCGETD, 0x5424, 0x5424, IO_OUT, 4)                                                         \
    X(TCSBRKP, 0x5425, 0x5425, IO_INT, 0)                                                          \
    X(TIOCSBRK, 0x5427, 0x5427, IO_NONE, 0)                                                        \
    X(TIOCCBRK, 0x5428, 0x5428, IO_NONE, 0)                                                        \
    X(TIOCGSID, 0x5429, 0x5429, IO_OUT, 4)                                                         \
    X(TCGETS2, 0x802c542a, 0x802c542a, IO_OUT, 44)                                                 \
    X(TCSETS2, 0x402c542b, 0x402c542b, IO_IN, 44)                                                  \
    X(TCSETSW2, 0x402c542c, 0x402c542c, IO_IN, 44)                                                 \
    X(TCSETSF2, 0x402c542d, 0x402c542d, IO_IN, 44)                                                 \
    X(TIOCGPTN, 0x80045430, 0x80045430, IO_OUT, 4)                                                 \
    X(TIOCSPTLCK, 0x40045431, 0x40045431, IO_IN, 4)                                                \
    X(TIOCGDEV, 0x80045432, 0x80045432, IO_OUT, 4)                                                 \
    X(TIOCVHANGUP, 0x5437, 0x5437, IO_NONE, 0)                                                     \
    X(TIOCGPKT, 0x80045438, 0x80045438, IO_OUT, 4)                                                 \
    X(TIOCGPTLCK, 0x80045439, 0x80045439, IO_OUT, 4)                                               \
    X(TIOCGEXCL, 0x80045440, 0x80045440, IO_OUT, 4)                                                \
    X(TIOCGPTPEER, 0x5441, 0x5441, IO_INT, 0)                                                      \
    X(FIONCLEX, 0x5450, 0x5450, IO_NONE, 0)                                                        \
    X(FIOCLEX, 0x5451, 0x5451, IO_NONE, 0)                                                         \
    X(FIOASYNC, 0x5452, 0x5452, IO_IN, 4)                                                          \
    X(TIOCSERGETLSR, 0x5459, 0x5459, IO_OUT, 4)                                                    \
    X(FIOQSIZE, 0x5460, 0x5460, IO_OUT, 8)                                                         \
    X(FIBMAP, 0x1, 0x1, IO_INOUT, 4)                                                               \
    X(FIGETBSZ, 0x2, 0x2, IO_OUT, 4)                                                               \
    X(BLKSSZGET, 0x1268, 0x1268, IO_OUT, 4)                                                        \
    X(BLKGETSIZE64, 0x80041272, 0x80081272, IO_OUT, 8)                                             \
    X(FS_IOC_GETFLAGS, 0x80046601, 0x80086601, IO_OUT, 4)                                          \
    X(FS_IOC_SETFLAGS, 0x40046602, 0x40086602, IO_IN, 4)                                           \
    X(FS_IOC_GETVERSION, 0x80047601, 0x80087601, IO_OUT, 4)                                        \
    X(FS_IOC_SETVERSION, 0x40047602, 0x40087602, IO_IN, 4)                                         \
    X(SIOCGIFNAME, 0x8910, 0x8910, IO_IFREQ, 32)                                                   \
    X(SIOCGIFFLAGS, 0x8913, 0x8913, IO_IFREQ, 32)                                                  \
    X(SIOCGIFADDR, 0x8915, 0x8915, IO_IFREQ, 32)                                                   \
    X(SIOCGIFBRDADDR, 0x8919, 0x8919, IO_IFREQ, 32)                                                \
    X(SIOCGIFNETMASK, 0x891b, 0x891b, IO_IFREQ, 32)                                                \
    X(SIOCGIFMTU, 0x8921, 0x8921, IO_IFREQ, 32)                                                    \
    X(SIOCGIFHWADDR, 0x8927, 0x8927, IO_IFREQ, 32)                                                 \
    X(SIOCGIFINDEX, 0x8933, 0x8933, IO_IFREQ, 32)

static const IoctlDef ioctl_defs[] = {
#define X(name, req, hreq, kind, size) {req, hreq, kind, size, #name},
    IOCTL_TABLE(X)
#undef X
};

static const IoctlDef *find_ioctl(uint32_t req) {
    for (size_t i = 0; i < sizeof ioctl_defs / sizeof ioctl_defs[0]; i++)
        if (ioctl_defs[i].req == req) return &ioctl_defs[i];
    return NULL;
}

const char *sys_ioctl_name(uint32_t req) {
    const IoctlDef *d = find_ioctl(req);
    return d ? d->name : NULL;
}

SYS_FN(sys_ioctl) {
    (void)env;
    int fd = (int)a[0];
    uint32_t req = a[1], arg = a[2];
    const IoctlDef *d = find_ioctl(req);
    if (!d) {
        char msg[80];
        snprintf(msg, sizeof msg, "ioctl 0x%x unsupported (returning -ENOTTY)", req);
        sys_log_once(msg);
        return -ENOTTY;
    }
    switch ((IoKind)d->kind) {
    case IO_NONE:
        return sys_ret(ioctl(fd, (unsigned long)d->host_req, 0));
    case IO_INT:
        return sys_ret(ioctl(fd, (unsigned long)d->host_req, (long)(int32_t)arg));
    case IO_IN:
    case IO_OUT:
    case IO_INOUT: {
        void *p = d->kind == IO_IN ? GIN(arg, d->size) : GOUT(arg, d->size);
        if (!p) return -EFAULT;
        /* The host may write a wider value (BLKGETSIZE64 is u64 on both). */
        uint64_t tmp[8] = {0};
        memcpy(tmp, p, d->size);
        long r = sys_ret(ioctl(fd, (unsigned long)d->host_req, tmp));
        if (r >= 0 && d->kind != IO_IN) memcpy(p, tmp, d->size);
        return r;
    }
    case IO_IFREQ: {
        void *p = GOUT(arg, 32);
        if (!p) return -EFAULT;
        uint8_t tmp[40] = {0};
        memcpy(tmp, p, 32);
        long r = sys_ret(ioctl(fd, (unsigned long)d->host_req, tmp));
        if (r >= 0) memcpy(p, tmp, 32);
        return r;
    }
    }
    return -ENOTTY;
}
