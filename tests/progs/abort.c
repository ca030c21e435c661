/* abort(): death by SIGABRT after printing (stdout is flushed first by hand). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    fflush(stdout);
    abort();
}
