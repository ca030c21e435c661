/* ELF32 i386 loader: program, interpreter, initial stack. */
#ifndef XRUN_RUNTIME_LOADER_H_
#define XRUN_RUNTIME_LOADER_H_

#include <limits.h>
#include <stdint.h>

typedef struct LoadInfo {
    uint32_t entry;      /* first guest eip (interpreter entry if PT_INTERP) */
    uint32_t sp;         /* initial guest esp (points at argc) */
    uint32_t prog_entry; /* AT_ENTRY */
    uint32_t brk;        /* initial program break */
} LoadInfo;

/* Absolute path of the guest program (readlink /proc/self/exe). */
extern char rt_exe_path[PATH_MAX];

/* Exit statuses for load failures. */
#define RT_EXIT_NOTFOUND 127 /* program or interpreter missing */
#define RT_EXIT_BADELF 126   /* not an i386 ELF, corrupt headers */

/* Load `path` (interpreter searched under sysroot), build the initial stack
 * with argv (argv[0] as given), envp and auxv. Returns 0, or an exit status
 * after printing one clear line ("xrun: PATH: ..."). Never crashes on bad
 * input. */
int rt_load(const char *path, const char *sysroot, int argc, char **argv, char **envp,
            LoadInfo *out);

/* True when the file at path starts like an ELF32 i386 executable (used by
 * execve to decide whether to re-enter xrun). */
int rt_is_i386_elf(const char *path);

#endif
