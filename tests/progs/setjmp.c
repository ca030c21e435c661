/* setjmp/longjmp: non-local exits from nested calls, values, volatile locals, sigsetjmp. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
    depth_reached = depth;
    if (depth == 50) longjmp(env, depth);
    if (depth < 1000) dive(depth + 1);
}

static jmp_buf retry_env;
static int attempts;
static void may_fail(void)
{
    if (++attempts < 4) longjmp(retry_env, attempts);
}

int main(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    if (r == 0) {
        printf("first pass\n");
        dive(0);
    }
    printf("returned %d counter %d depth %d\n", r, counter, depth_reached);

    int v = setjmp(retry_env);
    if (v) printf("retry %d\n", v);
    may_fail();
    printf("succeeded after %d attempts\n", attempts);

    jmp_buf zero;
    if (setjmp(zero) == 0) longjmp(zero, 0); /* longjmp(…, 0) must return 1 */
    else printf("zero became 1\n");

    sigjmp_buf senv;
    volatile int phase = 0;
    if (sigsetjmp(senv, 1) == 0) {
        phase = 1;
        siglongjmp(senv, 7);
    }
    printf("sigsetjmp phase %d\n", phase);
    return 0;
}
