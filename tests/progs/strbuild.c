/* A growable string builder on realloc, used to build, split, reverse and join text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *p; size_t len, cap; unsigned grows; } Sb;

static void sb_reserve(Sb *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 8;
    while (cap < b->len + extra + 1) cap *= 2;
    b->p = realloc(b->p, cap);
    b->cap = cap;
    b->grows++;
}
static void sb_add(Sb *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void sb_printf(Sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    sb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int main(void)
{
    Sb b = {0};
    for (int i = 0; i < 5000; i++) sb_printf(&b, "%d%s", i * i, i % 10 == 9 ? "\n" : ",");
    unsigned h = 0;
    for (size_t i = 0; i < b.len; i++) h = h * 131 + (unsigned char)b.p[i];
    printf("len %zu cap %zu grows %u hash %08x\n", b.len, b.cap, b.grows, h);
    /* Split into lines, reverse the order, join with '|'. */
    size_t nl = 0;
    for (size_t i = 0; i < b.len; i++) nl += b.p[i] == '\n';
    char **lines = malloc(nl * sizeof *lines);
    size_t k = 0;
    for (char *save, *t = strtok_r(b.p, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) lines[k++] = t;
    Sb out = {0};
    for (size_t i = k; i-- > 0;) {
        sb_add(&out, lines[i], strlen(lines[i]));
        if (i) sb_add(&out, "|", 1);
    }
    printf("lines %zu joined %zu head [%.40s] tail [%s]\n", k, out.len, out.p, out.p + out.len - 30);
    free(lines);
    free(b.p);
    free(out.p);
    return 0;
}
