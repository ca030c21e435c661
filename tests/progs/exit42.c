/* exit() with a status, after atexit handlers and buffered output flush. */
#include <stdio.h>
#include <stdlib.h>

static void bye1(void) { printf("atexit 1\n"); }
static void bye2(void) { printf("atexit 2\n"); }

int main(void)
{
    atexit(bye1);
    atexit(bye2);
    printf("buffered, no newline flush yet...");
    exit(42);
}
