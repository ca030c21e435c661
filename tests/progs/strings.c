/* String and memory functions of libc (many are hand-written SSE/i686 assembly in glibc). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char buf[256];
    const char *words[] = {"", "a", "hello", "hello world", "a much longer string that spans more than sixteen bytes"};
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++)
        printf("strlen=%zu ", strlen(words[i]));
    printf("\n");

    strcpy(buf, "abc");
    strcat(buf, "def");
    const char *volatile tail = "ghijkl";
    strncat(buf, tail, 3);
    printf("cat [%s] chr [%s] rchr [%s]\n", buf, strchr(buf, 'd'), strrchr("a/b/c", '/'));
    printf("cmp %d %d %d %d ncmp %d casecmp %d\n", strcmp("abc", "abd") < 0, strcmp("b", "a") > 0,
           strcmp("same", "same"), strcmp("", "x") < 0, strncmp("abcx", "abcy", 3),
           strcasecmp("HeLLo", "hello"));
    printf("str [%s] [%s] null=%d\n", strstr("haystack with needle inside", "needle"),
           strstr("aaaab", "aab"), strstr("abc", "zz") == NULL);
    printf("spn %zu cspn %zu pbrk [%s]\n", strspn("aabbcx", "ab"), strcspn("hello, world", ",;"),
           strpbrk("key=value", "=:"));

    /* memcpy/memmove with all small alignments and overlaps. */
    unsigned char m[80];
    unsigned sum = 0;
    for (int off = 0; off < 8; off++) {
        for (int len = 0; len < 40; len += 3) {
            for (int i = 0; i < 80; i++) m[i] = (unsigned char)(i * 7 + off);
            memmove(m + off, m + 8, (size_t)len);      /* overlap, backwards */
            memmove(m + 16 + off, m + 12, (size_t)len); /* overlap, forwards */
            memcpy(m + 60, m + off, 10);
            for (int i = 0; i < 80; i++) sum = sum * 31 + m[i];
        }
    }
    printf("memmove hash %08x\n", sum);
    memset(buf, 'x', 10);
    buf[10] = 0;
    printf("memset [%s] memcmp %d memchr [%s]\n", buf, memcmp("abc", "abd", 3) < 0,
           (char *)memchr("find:me", ':', 7));

    char out[64];
    int n = sprintf(out, "%d|%5s|%-5s|%05.1f|%x|%X|%o|%c|%%|%ld", -42, "ab", "cd", 3.14159, 255,
                    255, 8, 'z', 1234567L);
    printf("sprintf %d [%s]\n", n, out);
    const char *volatile ten = "0123456789";
    n = snprintf(out, 8, "%s", ten);
    printf("snprintf %d [%s]\n", n, out);
    n = snprintf(NULL, 0, "%d-%d", 100, 200);
    printf("snprintf-null %d\n", n);

    char *end;
    printf("strtol %ld %ld %ld %ld\n", strtol("  -1234xyz", &end, 10), strtol("ff", NULL, 16),
           strtol("0x1F", NULL, 0), strtol("0777", NULL, 0));
    printf("rest [%s]\n", end);
    errno = 0;
    long big = strtol("99999999999999", NULL, 10);
    printf("overflow %ld erange %d\n", big, errno == ERANGE);
    printf("strtoul %lu strtoll %lld strtoull %llu\n", strtoul("4294967295", NULL, 10),
           strtoll("-9223372036854775807", NULL, 10), strtoull("18446744073709551615", NULL, 10));
    printf("strtod %.6f %.3e %g %g\n", strtod("3.25", NULL), strtod("-1.5e-7", NULL),
           strtod("1e300", NULL), strtod("0x1.8p1", NULL));
    printf("atoi %d atol %ld\n", atoi("  77 apples"), atol("-5"));

    char tok[] = "one,two;;three,,four";
    for (char *save, *t = strtok_r(tok, ",;", &save); t; t = strtok_r(NULL, ",;", &save))
        printf("<%s>", t);
    printf("\n");
    char *d = strdup("duplicate");
    printf("strdup [%s] strndup [%s]\n", d, strndup("truncate", 4));
    free(d);
    return 0;
}
