/* Under the suite, stdin is /dev/null and stdout/stderr are pipes: none of them is a terminal. */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    for (int fd = 0; fd < 3; fd++) {
        errno = 0;
        int t = isatty(fd);
        printf("isatty(%d) = %d errno %d\n", fd, t, errno);
    }
    struct termios tio;
    errno = 0;
    int rc = tcgetattr(0, &tio);
    printf("tcgetattr(0) = %d errno %d\n", rc, errno);
    struct winsize ws;
    errno = 0;
    int r = ioctl(1, TIOCGWINSZ, &ws);
    printf("TIOCGWINSZ = %d errno %d\n", r, errno);
    errno = 0;
    rc = isatty(99);
    printf("isatty(99) = %d errno %d\n", rc, errno);
    struct stat st;
    fstat(0, &st);
    printf("stdin chr %d\n", S_ISCHR(st.st_mode));
    fstat(1, &st);
    printf("stdout fifo %d\n", S_ISFIFO(st.st_mode));
    return 0;
}
