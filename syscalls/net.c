/* Sockets: socketcall (the i386 multiplexer) and the direct syscalls.
 * Socket addresses are byte arrays with the same layout on both sides;
 * msghdr/cmsghdr (pointers and size_t) and the old socket timeouts
 * (struct timeval) are converted. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "runtime/safe_syscall.h"
#include "syscalls/handlers.h"

#define G_SOL_SOCKET 1
#define G_SO_RCVTIMEO_OLD 20
#define G_SO_SNDTIMEO_OLD 21
#define G_CMSG_ALIGN(n) (((n) + 3u) & ~3u)

/* An optional (addr, len) input pair. */
static long addr_in(uint32_t ga, uint32_t len, const void **out) {
    *out = NULL;
    if (!ga) return 0;
    if ((int32_t)len < 0) return -EINVAL;
    if (!(*out = GIN(ga, len))) return -EFAULT;
    return 0;
}

/* An optional (addr, socklen_t *len) output pair. */
static long addr_out(uint32_t ga, uint32_t glen, void **addr, socklen_t **len) {
    *addr = NULL;
    *len = NULL;
    if (!ga) return 0;
    if (!(*len = GOUT(glen, 4))) return -EFAULT;
    if ((int32_t) * *len < 0) return -EINVAL;
    if (!(*addr = GOUT(ga, **len))) return -EFAULT;
    return 0;
}

SYS_FN(sys_socket) {
    (void)env;
    return sys_ret(socket((int)a[0], (int)a[1], (int)a[2]));
}
SYS_FN(sys_listen) {
    (void)env;
    return sys_ret(listen((int)a[0], (int)a[1]));
}
SYS_FN(sys_shutdown) {
    (void)env;
    return sys_ret(shutdown((int)a[0], (int)a[1]));
}

SYS_FN(sys_socketpair) {
    (void)env;
    int *sv = GOUT(a[3], 8);
    if (!sv) return -EFAULT;
    return sys_ret(socketpair((int)a[0], (int)a[1], (int)a[2], sv));
}

SYS_FN(sys_bind) {
    (void)env;
    const void *sa;
    long e = addr_in(a[1], a[2], &sa);
    return e ? e : sys_ret(bind((int)a[0], sa, a[2]));
}

SYS_FN(sys_connect) {
    (void)env;
    const void *sa;
    long e = addr_in(a[1], a[2], &sa);
    return e ? e : rt_safe_syscall(SYS_connect, (int)a[0], sa, a[2]);
}

SYS_FN(sys_accept4) {
    (void)env;
    void *sa;
    socklen_t *len;
    long e = addr_out(a[1], a[2], &sa, &len);
    return e ? e : rt_safe_syscall(SYS_accept4, (int)a[0], sa, len, (int)a[3]);
}

SYS_FN(sys_getsockname) {
    (void)env;
    void *sa;
    socklen_t *len;
    if (!a[1]) return -EFAULT;
    long e = addr_out(a[1], a[2], &sa, &len);
    return e ? e : sys_ret(getsockname((int)a[0], sa, len));
}

SYS_FN(sys_getpeername) {
    (void)env;
    void *sa;
    socklen_t *len;
    if (!a[1]) return -EFAULT;
    long e = addr_out(a[1], a[2], &sa, &len);
    return e ? e : sys_ret(getpeername((int)a[0], sa, len));
}

SYS_FN(sys_sendto) {
    (void)env;
    const void *buf = GIN(a[1], a[2]), *sa;
    if (!buf) return -EFAULT;
    long e = addr_in(a[4], a[5], &sa);
    return e ? e : rt_safe_syscall(SYS_sendto, (int)a[0], buf, a[2], (int)a[3], sa, sa ? a[5] : 0);
}

SYS_FN(sys_recvfrom) {
    (void)env;
    void *buf = GOUT(a[1], a[2]), *sa;
    socklen_t *len;
    if (!buf) return -EFAULT;
    long e = addr_out(a[4], a[5], &sa, &len);
    return e ? e : rt_safe_syscall(SYS_recvfrom, (int)a[0], buf, a[2], (int)a[3], sa, len);
}

/* ---- socket options ------------------------------------------------------ */

static int is_old_timeo(uint32_t level, uint32_t name) {
    return level == G_SOL_SOCKET && (name == G_SO_RCVTIMEO_OLD || name == G_SO_SNDTIMEO_OLD);
}

SYS_FN(sys_setsockopt) {
    (void)env;
    if (is_old_timeo(a[1], a[2])) {
        struct timeval tv;
        if (a[4] < 8) return -EINVAL;
        if (sys_get_tv32(a[3], &tv)) return -EFAULT;
        return sys_ret(setsockopt((int)a[0], (int)a[1], (int)a[2], &tv, sizeof tv));
    }
    const void *v = GIN(a[3], a[4]);
    if (!v) return -EFAULT;
    return sys_ret(setsockopt((int)a[0], (int)a[1], (int)a[2], v, a[4]));
}

SYS_FN(sys_getsockopt) {
    (void)env;
    socklen_t *len = GOUT(a[4], 4);
    if (!len) return -EFAULT;
    if ((int32_t)*len < 0) return -EINVAL;
    if (is_old_timeo(a[1], a[2])) {
        struct timeval tv;
        socklen_t hl = sizeof tv;
        if (*len < 8) return -EINVAL;
        long r = sys_ret(getsockopt((int)a[0], (int)a[1], (int)a[2], &tv, &hl));
        if (r < 0) return r;
        *len = 8;
        return sys_put_tv32(a[3], &tv);
    }
    void *v = GOUT(a[3], *len);
    if (!v) return -EFAULT;
    return sys_ret(getsockopt((int)a[0], (int)a[1], (int)a[2], v, len));
}

/* ---- sendmsg / recvmsg --------------------------------------------------- */

/* Guest control messages to host ones; returns the host length or -errno. */
static long cmsg_in(uint8_t *h, size_t hcap, const uint8_t *g, uint32_t glen) {
    size_t ho = 0;
    uint32_t go = 0;
    while (go + sizeof(struct i386_cmsghdr) <= glen) {
        struct i386_cmsghdr gc;
        memcpy(&gc, g + go, sizeof gc);
        if (gc.cmsg_len < sizeof gc || gc.cmsg_len > glen - go) return -EINVAL;
        uint32_t data = gc.cmsg_len - (uint32_t)sizeof gc;
        if (ho + CMSG_SPACE(data) > hcap) return -EINVAL;
        struct cmsghdr *hc = (struct cmsghdr *)(h + ho);
        hc->cmsg_len = CMSG_LEN(data);
        hc->cmsg_level = gc.cmsg_level;
        hc->cmsg_type = gc.cmsg_type;
        memcpy(CMSG_DATA(hc), g + go + sizeof gc, data);
        ho += CMSG_SPACE(data);
        go += G_CMSG_ALIGN(gc.cmsg_len);
    }
    return (long)ho;
}

/* Host control messages to the guest buffer; returns the guest length and
 * sets MSG_CTRUNC in *flags when they did not fit. */
static uint32_t cmsg_out(uint8_t *g, uint32_t gcap, struct msghdr *hm, int *flags) {
    uint32_t go = 0;
    for (struct cmsghdr *hc = CMSG_FIRSTHDR(hm); hc; hc = CMSG_NXTHDR(hm, hc)) {
        uint32_t data = (uint32_t)(hc->cmsg_len - CMSG_LEN(0));
        uint32_t glen = (uint32_t)sizeof(struct i386_cmsghdr) + data;
        if (go + glen > gcap) {
            *flags |= MSG_CTRUNC;
            break;
        }
        struct i386_cmsghdr gc = {glen, hc->cmsg_level, hc->cmsg_type};
        memcpy(g + go, &gc, sizeof gc);
        memcpy(g + go + sizeof gc, CMSG_DATA(hc), data);
        go += G_CMSG_ALIGN(glen);
        if (go > gcap) go = gcap;
    }
    return go;
}

static long do_msg(uint32_t fd, uint32_t gmsg, uint32_t flags, int send) {
    struct i386_msghdr *gm = GOUT(gmsg, sizeof *gm);
    if (!gm) return -EFAULT;
    struct iovec iov[IOV_MAX];
    long n = sys_get_iovec(iov, gm->msg_iov, gm->msg_iovlen, !send);
    if (n < 0) return n;
    struct msghdr hm;
    memset(&hm, 0, sizeof hm);
    hm.msg_iov = iov;
    hm.msg_iovlen = (size_t)n;
    if (gm->msg_name) {
        if ((int32_t)gm->msg_namelen < 0) return -EINVAL;
        if (!(hm.msg_name =
                  send ? GIN(gm->msg_name, gm->msg_namelen) : GOUT(gm->msg_name, gm->msg_namelen)))
            return -EFAULT;
        hm.msg_namelen = gm->msg_namelen;
    }
    uint8_t *gctl = NULL, *hctl = NULL;
    if (gm->msg_control && gm->msg_controllen) {
        if (gm->msg_controllen > (1u << 20)) return -ENOBUFS;
        gctl = send ? GIN(gm->msg_control, gm->msg_controllen)
                    : GOUT(gm->msg_control, gm->msg_controllen);
        if (!gctl) return -EFAULT;
        size_t hcap = (size_t)gm->msg_controllen * 2 + 64;
        hctl = calloc(1, hcap);
        if (!hctl) return -ENOMEM;
        hm.msg_control = hctl;
        hm.msg_controllen = hcap;
        if (send) {
            long hl = cmsg_in(hctl, hcap, gctl, gm->msg_controllen);
            if (hl < 0) {
                free(hctl);
                return hl;
            }
            hm.msg_controllen = (size_t)hl;
            if (!hl) hm.msg_control = NULL;
        }
    }
    long r = rt_safe_syscall(send ? SYS_sendmsg : SYS_recvmsg, (int)fd, &hm, (int)flags);
    if (r >= 0 && !send) {
        int f = hm.msg_flags;
        gm->msg_namelen = hm.msg_name ? hm.msg_namelen : 0;
        gm->msg_controllen = gctl ? cmsg_out(gctl, gm->msg_controllen, &hm, &f) : 0;
        gm->msg_flags = f;
    }
    free(hctl);
    return r;
}

SYS_FN(sys_sendmsg) {
    (void)env;
    return do_msg(a[0], a[1], a[2], 1);
}
SYS_FN(sys_recvmsg) {
    (void)env;
    return do_msg(a[0], a[1], a[2], 0);
}

/* ---- socketcall ---------------------------------------------------------- */

/* socketcall(call, args): the arguments are an array in guest memory. */
SYS_FN(sys_socketcall) {
    static const uint8_t nargs[] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4};
    uint32_t call = a[0];
    if (call < 1 || call >= sizeof nargs) return -EINVAL;
    uint32_t v[6] = {0};
    if (sys_get(v, a[1], nargs[call] * 4u)) return -EFAULT;
    switch (call) {
    case 1:
        return sys_socket(env, v);
    case 2:
        return sys_bind(env, v);
    case 3:
        return sys_connect(env, v);
    case 4:
        return sys_listen(env, v);
    case 5:
        v[3] = 0;
        return sys_accept4(env, v);
    case 6:
        return sys_getsockname(env, v);
    case 7:
        return sys_getpeername(env, v);
    case 8:
        return sys_socketpair(env, v);
    case 9:
        v[4] = v[5] = 0;
        return sys_sendto(env, v); /* send */
    case 10:
        v[4] = v[5] = 0;
        return sys_recvfrom(env, v); /* recv */
    case 11:
        return sys_sendto(env, v);
    case 12:
        return sys_recvfrom(env, v);
    case 13:
        return sys_shutdown(env, v);
    case 14:
        return sys_setsockopt(env, v);
    case 15:
        return sys_getsockopt(env, v);
    case 16:
        return sys_sendmsg(env, v);
    case 17:
        return sys_recvmsg(env, v);
    case 18:
        return sys_accept4(env, v);
    }
    return -EINVAL;
}
