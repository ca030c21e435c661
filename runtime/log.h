/* Diagnostics: one prefix, one place. */
#ifndef XRUN_RUNTIME_LOG_H_
#define XRUN_RUNTIME_LOG_H_

#include <stdarg.h>

/* "xrun: <message>\n" to stderr. */
void rt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, only when logging is on (XRUN_LOG / -d); used for once-only reports
 * such as unknown syscalls. */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the message and exit(status) — for start-up errors only. */
_Noreturn void rt_fatal(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef NDEBUG
#define XR_ASSERT(x) ((void)0)
#else
#define XR_ASSERT(x) ((x) ? (void)0 : rt_assert_fail(#x, __FILE__, __LINE__))
#endif
_Noreturn void rt_assert_fail(const char *what, const char *file, int line);

#endif
