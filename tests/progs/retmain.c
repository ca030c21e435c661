/* Returning from main: status 0x1ff is truncated to 8 bits by the kernel (255); _exit skips stdio
   in a child. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t p = fork();
    if (p == 0) {
        printf("child output lost by _exit");
        _exit(0x1ff);
    }
    int st;
    waitpid(p, &st, 0);
    printf("child exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
    return 300; /* 300 & 0xff == 44 */
}
