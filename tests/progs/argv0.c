/* xrun-test: argv0=legacy-argv0-name args="first 'second arg'" */
/* argv[0] exactly as the caller passed it (xrun -0, or binfmt_misc's P flag), then the rest. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    return argc;
}
