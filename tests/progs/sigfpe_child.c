/* Integer division faults in forked children: x/0 and INT_MIN/-1 both raise SIGFPE on x86. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(const char *what, int a, int b)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        volatile int x = a, y = b;
        printf("child %s = %d\n", what, x / y);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d (SIGFPE=%d)\n", what, WTERMSIG(st), SIGFPE);
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int main(void)
{
    run("7/2", 7, 2);
    run("1/0", 1, 0);
    run("INT_MIN/-1", INT_MIN, -1);
    run("-9/4", -9, 4);
    return 0;
}
