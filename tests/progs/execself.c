/* execve of itself with an extra argument; the second incarnation reports and exits with 5. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--second") == 0) {
        printf("second incarnation: argc=%d arg2=%s\n", argc, argc > 2 ? argv[2] : "-");
        return 5;
    }
    printf("first incarnation\n");
    fflush(stdout);
    /* In a child first, so the parent can report the status; then in this process. */
    pid_t p = fork();
    if (p == 0) {
        char *args[] = {argv[0], "--second", "from-child", NULL};
        execve(argv[0], args, environ);
        perror("execve");
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    printf("child status %d\n", WEXITSTATUS(st));
    fflush(stdout);
    char *args[] = {argv[0], "--second", "replaced", NULL};
    execve(argv[0], args, environ);
    perror("execve");
    return 1;
}
