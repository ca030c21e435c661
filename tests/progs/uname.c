/* xrun-test: personality=linux32 */
/* uname as an i386 machine sees it (natively run with the PER_LINUX32 personality). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    printf("uname %d\n", uname(&u));
    printf("sysname %s\n", u.sysname);
    printf("machine %s\n", u.machine);
    printf("release non-empty %d nodename non-empty %d\n", u.release[0] != 0, u.nodename[0] != 0);
    return 0;
}
