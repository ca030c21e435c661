/* fork + pipe + wait: a parent feeds children through pipes and collects their statuses. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int total = 0;
    for (int c = 0; c < 4; c++) {
        int down[2], up[2];
        if (pipe(down) || pipe(up)) { perror("pipe"); return 1; }
        fflush(stdout);
        pid_t p = fork();
        if (p == 0) {
            close(down[1]);
            close(up[0]);
            char buf[128];
            ssize_t n, got = 0;
            int sum = 0;
            while ((n = read(down[0], buf, sizeof buf)) > 0) {
                for (ssize_t i = 0; i < n; i++) sum += (unsigned char)buf[i];
                got += n;
            }
            char out[64];
            int len = snprintf(out, sizeof out, "child%d got %zd sum %d", c, got, sum);
            write(up[1], out, (size_t)len);
            _exit(10 + c);
        }
        close(down[0]);
        close(up[1]);
        char data[1000];
        for (int i = 0; i < 1000; i++) data[i] = (char)(i * (c + 1));
        for (int i = 0; i < 1000; i += 100) write(down[1], data + i, 100);
        close(down[1]);
        char reply[128] = {0};
        ssize_t n = 0, r;
        while ((r = read(up[0], reply + n, sizeof reply - 1 - (size_t)n)) > 0) n += r;
        close(up[0]);
        int st;
        pid_t w = waitpid(p, &st, 0);
        printf("[%s] waited-same-pid %d exit %d\n", reply, w == p, WEXITSTATUS(st));
        total += WEXITSTATUS(st);
    }
    printf("total %d\n", total);
    /* wait() with no children left. */
    int st;
    printf("wait none %d\n", (int)wait(&st));
    /* A pipe round-trip in one process and a closed-reader EPIPE are in sigaction.c. */
    int pp[2];
    pipe(pp);
    write(pp[1], "ping", 4);
    char b[8] = {0};
    read(pp[0], b, sizeof b);
    printf("self pipe [%s]\n", b);
    return 0;
}
