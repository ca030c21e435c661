/* dup/dup2/dup3/fcntl: redirect stdout into a file and back, FD_CLOEXEC flags, O_APPEND, pipe2. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/tmp/xrun-dup2-%d", (int)getpid());
    int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0600);
    fflush(stdout);
    int saved = dup(1);
    printf("dup ok %d\n", saved > 2);
    fflush(stdout);
    dup2(fd, 1);
    printf("this line goes to the file\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    printf("back on stdout\n");
    char buf[128] = {0};
    pread(fd, buf, sizeof buf - 1, 0);
    printf("file had [%s]\n", strtok(buf, "\n"));
    printf("dup2 same fd %d\n", dup2(fd, fd) == fd);
    errno = 0;
    int rc = dup3(fd, fd, 0);
    printf("dup3 same fd %d einval %d\n", rc, errno == EINVAL);
    int hi = fcntl(fd, F_DUPFD, 50);
    printf("F_DUPFD >= 50: %d\n", hi >= 50);
    int ce = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    printf("cloexec flag %d plain flag %d\n", fcntl(ce, F_GETFD) & FD_CLOEXEC, fcntl(hi, F_GETFD) & FD_CLOEXEC);
    fcntl(hi, F_SETFD, FD_CLOEXEC);
    printf("set cloexec %d\n", fcntl(hi, F_GETFD) & FD_CLOEXEC);
    int fl = fcntl(fd, F_GETFL);
    printf("accmode rdwr %d append %d\n", (fl & O_ACCMODE) == O_RDWR, (fl & O_APPEND) != 0);
    fcntl(fd, F_SETFL, fl | O_APPEND);
    printf("append now %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    lseek(fd, 0, SEEK_SET);
    write(fd, "END", 3);
    printf("size after append %ld\n", (long)lseek(fd, 0, SEEK_END));
    int p[2];
    rc = pipe2(p, O_CLOEXEC);
    printf("pipe2 %d cloexec %d\n", rc, fcntl(p[0], F_GETFD) & FD_CLOEXEC);
    errno = 0;
    rc = dup2(777, 5);
    printf("dup2 bad %d ebadf %d\n", rc, errno == EBADF);
    /* stderr redirected into stdout's pipe keeps ordering once both are unbuffered. */
    fflush(stdout);
    int e = dup(2);
    dup2(1, 2);
    fprintf(stderr, "stderr now goes to stdout\n");
    dup2(e, 2);
    fprintf(stderr, "stderr restored\n");
    close(fd); close(hi); close(ce); close(p[0]); close(p[1]); close(e);
    unlink(name);
    return 0;
}
