/* getcwd/chdir/fchdir, relative paths, and ERANGE/ENOENT errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char buf[512], dir[64];
    printf("chdir / %d\n", chdir("/"));
    printf("cwd [%s]\n", getcwd(buf, sizeof buf));
    printf("chdir /tmp %d\n", chdir("/tmp"));
    printf("cwd [%s]\n", getcwd(buf, sizeof buf));
    snprintf(dir, sizeof dir, "xrun-cwd-%d", (int)getpid());
    mkdir(dir, 0755);
    printf("chdir rel %d\n", chdir(dir));
    getcwd(buf, sizeof buf);
    printf("cwd is /tmp/%s: %d\n", "xrun-cwd-PID", strncmp(buf, "/tmp/xrun-cwd-", 14) == 0);
    mkdir("sub", 0755);
    int fd = open("sub", O_RDONLY | O_DIRECTORY);
    printf("fchdir %d\n", fchdir(fd));
    getcwd(buf, sizeof buf);
    printf("ends with /sub %d\n", strcmp(buf + strlen(buf) - 4, "/sub") == 0);
    close(fd);
    printf("chdir .. %d\n", chdir(".."));
    errno = 0;
    char *r = getcwd(buf, 3);
    printf("small buffer null %d erange %d\n", r == NULL, errno == ERANGE);
    errno = 0;
    int rc = chdir("no/such/dir");
    printf("chdir missing %d enoent %d\n", rc, errno == ENOENT);
    rmdir("sub");
    chdir("/tmp");
    printf("rmdir %d\n", rmdir(dir));
    printf("cwd [%s]\n", getcwd(buf, sizeof buf));
    return 0;
}
