/* i386 Linux system calls on the host kernel. */
#ifndef XRUN_SYSCALLS_SYS_H_
#define XRUN_SYSCALLS_SYS_H_

#include "runtime/cpu.h"

void sys_init(void);
/* Run the syscall in env (EAX = number, EBX ECX EDX ESI EDI EBP = args);
 * the result (or -errno) goes to EAX. exit/exit_group do not return. */
void sys_dispatch(CPUState *env);

/* The calling thread's guest alternate signal stack recorded by sigaltstack, for the
 * runtime's signal delivery. flags is SS_DISABLE (2) when none is set, else
 * 0 plus SS_AUTODISARM (1u << 31) when requested. */
typedef struct SysAltStack {
    uint32_t sp, flags, size;
} SysAltStack;
const SysAltStack *sys_get_altstack(void);

#endif
