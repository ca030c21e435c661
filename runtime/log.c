/* Diagnostics (runtime/log.h). */
#include "runtime/log.h"

#include <stdio.h>
#include <stdlib.h>

#include "runtime/opts.h"

static void vreport(const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "xrun: %s\n", buf);
}

void rt_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

void rt_log(const char *fmt, ...)
{
    if (!rt_opts.log && !rt_opts.dump) return;
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

_Noreturn void rt_fatal(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    exit(status);
}

_Noreturn void rt_assert_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "xrun: internal error: assertion '%s' failed at %s:%d\n", what, file, line);
    abort();
}
