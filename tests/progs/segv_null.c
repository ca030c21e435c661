/* A NULL pointer store: the guest must die of SIGSEGV (and xrun must not crash itself). */
#include <stdio.h>

int main(void)
{
    printf("storing through NULL\n");
    fflush(stdout);
    volatile int *volatile p = 0;
    *p = 1;
    printf("not reached\n");
    return 0;
}
