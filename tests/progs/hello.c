/* The smallest guest: one line on stdout, one on stderr, exit status 3. */
#include <stdio.h>

int main(void)
{
    printf("hello from i386\n");
    fprintf(stderr, "hello on stderr\n");
    return 3;
}
