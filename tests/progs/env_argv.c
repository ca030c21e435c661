/* xrun-test: args="alpha 'two words' '' --flag=x \"quote\\\"d\" ünïcode" */
/* argv and the environment as the guest sees them, and getenv/setenv/unsetenv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    printf("argv[0] ends with env_argv: %d\n", strstr(argv[0], "env_argv") != NULL);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len %zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%p\n", (void *)argv[argc]);
    int n = 0;
    for (char **e = environ; *e; e++, n++) printf("env: %s\n", *e);
    printf("envc=%d\n", n);
    printf("getenv(PATH) set %d, getenv(NOPE) null %d\n", getenv("PATH") != NULL, getenv("NOPE") == NULL);
    setenv("XR_NEW", "value", 1);
    setenv("XR_NEW", "ignored", 0);
    printf("XR_NEW=%s\n", getenv("XR_NEW"));
    unsetenv("XR_NEW");
    printf("after unset null %d\n", getenv("XR_NEW") == NULL);
    return 0;
}
