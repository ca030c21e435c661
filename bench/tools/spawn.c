/* bench/run's launcher (a host program): runs one command and reports its wall time, peak RSS
   and CPU time.

       spawn REPORT PROGRAM [ARG...]

   forks, execs PROGRAM with the same stdin, stdout and stderr, waits with wait4, and writes
   one line to the file REPORT:

       wall_ns maxrss_kib user_us sys_us status

   where status is the exit code, or minus the number of the signal that killed it (wall_ns
   is -1 if the exec failed; errno then goes in place of maxrss_kib). spawn itself exits 0 once the report
   is written.

   Why not let Python fork the program itself: Linux counts the memory of the process an exec
   replaces in the new program's ru_maxrss (exec_mmap records the old mm's high-water mark,
   and a vfork child's old mm is its parent's), so every program started by the Python that
   runs bench/run would report at least that Python's RSS, about 20 MiB. Forked from this
   small program, the floor is under a megabyte. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: spawn REPORT PROGRAM [ARG...]\n");
        return 2;
    }
    FILE *rep = fopen(argv[1], "w");
    if (!rep) {
        perror(argv[1]);
        return 2;
    }
    int pfd[2]; /* the child writes errno here if exec fails; close-on-exec otherwise */
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        perror("pipe2");
        return 2;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        close(pfd[0]);
        execv(argv[2], argv + 2);
        int e = errno;
        if (write(pfd[1], &e, sizeof e) < 0) _exit(127);
        _exit(127);
    }
    close(pfd[1]);
    int err = 0;
    ssize_t n = read(pfd[0], &err, sizeof err);
    close(pfd[0]);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    }
    long long wall = now_ns() - t0;
    if (n == (ssize_t)sizeof err) {
        fprintf(rep, "-1 %d 0 0 127\n", err);
    } else {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        fprintf(rep, "%lld %ld %lld %lld %d\n", wall, ru.ru_maxrss,
                (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
                (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, code);
    }
    return fclose(rep) == 0 ? 0 : 2;
}
