/* raise(SIGSEGV) with the default action: the process dies of SIGSEGV. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    printf("raising SIGSEGV\n");
    fflush(stdout);
    raise(SIGSEGV);
    printf("not reached\n");
    return 0;
}
