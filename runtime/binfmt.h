/* binfmt_misc: xrun's registration line for i386 ELF files, installing and
 * removing it, and recognising that the kernel started xrun through it. */
#ifndef XRUN_RUNTIME_BINFMT_H_
#define XRUN_RUNTIME_BINFMT_H_

#include <stdbool.h>

#define RT_BINFMT_NAME "xrun-i386"
#define RT_BINFMT_DIR "/proc/sys/fs/binfmt_misc"

/* --binfmt: print the registration line for this xrun. Returns an exit status. */
int rt_binfmt_print(void);
/* --install-binfmt: write the line to RT_BINFMT_DIR/register after checking
 * for a mounted binfmt_misc, an existing xrun entry and conflicting handlers. */
int rt_binfmt_install(void);
/* --uninstall-binfmt: remove RT_BINFMT_DIR/RT_BINFMT_NAME. */
int rt_binfmt_uninstall(void);

/* True when binfmt_misc started xrun with the P flag (AT_FLAGS bit 0, Linux
 * >= 5.12): argv is then  xrun PROGRAM GUEST_ARGV0 GUEST_ARGS...  */
bool rt_binfmt_preserve_argv0(void);

#endif
