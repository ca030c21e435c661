/* Per-descriptor directory state of the syscall layer (syscalls/dirent.c):
 * what the descriptor calls (close, dup, fcntl F_DUPFD) tell it. */
#ifndef XRUN_SYSCALLS_DIRENT_H_
#define XRUN_SYSCALLS_DIRENT_H_

/* fd was closed (or is about to be reused): forget its state. */
void sys_dir_forget(int fd);
/* Descriptors first..last were closed (close_range). */
void sys_dir_forget_range(unsigned first, unsigned last);
/* newfd now refers to oldfd's open file description (dup, dup2, dup3,
 * F_DUPFD): it shares oldfd's state. Call only after a successful dup with
 * oldfd != newfd. */
void sys_dir_dup(int oldfd, int newfd);

#endif
