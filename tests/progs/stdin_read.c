/* xrun-test: stdin="first line\nsecond  line with   spaces\n\n42 17 -3\nlast line without newline" */
/* Reading stdin: fgets line by line, counting words, numbers; then EOF behaviour. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char line[256];
    int n = 0, words = 0;
    long numsum = 0;
    while (fgets(line, sizeof line, stdin)) {
        n++;
        size_t len = strlen(line);
        int nl = len && line[len - 1] == '\n';
        if (nl) line[--len] = 0;
        printf("%d: [%s] len %zu newline %d\n", n, line, len, nl);
        for (char *save, *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
            words++;
            char *end;
            long v = strtol(t, &end, 10);
            if (*end == 0) numsum += v;
        }
    }
    printf("lines %d words %d numsum %ld eof %d\n", n, words, numsum, feof(stdin));
    char c;
    printf("read after eof %zd\n", read(0, &c, 1));
    return 0;
}
