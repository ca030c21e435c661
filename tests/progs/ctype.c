/* Locale-free character classification and case mapping over all of 0..255 in the C locale. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    const char *names[] = {"alnum", "alpha", "cntrl", "digit", "graph", "lower",
                           "print", "punct", "space", "upper", "xdigit", "blank"};
    int (*fns[])(int) = {isalnum, isalpha, iscntrl, isdigit, isgraph, islower,
                         isprint, ispunct, isspace, isupper, isxdigit, isblank};
    for (int f = 0; f < 12; f++) {
        int count = 0;
        unsigned h = 0;
        for (int c = 0; c < 256; c++)
            if (fns[f](c)) { count++; h = h * 33 + (unsigned)c; }
        printf("%-6s count %3d hash %08x\n", names[f], count, h);
    }
    printf("eof classes %d %d\n", isalpha(EOF) != 0, isspace(EOF) != 0);
    char s[] = "Hello, World! 123 xyz";
    for (char *p = s; *p; p++) *p = (char)toupper((unsigned char)*p);
    printf("upper %s\n", s);
    for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
    printf("lower %s\n", s);
    int words = 0, in = 0;
    const char *text = "  the quick\tbrown\nfox   jumps ";
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p)) in = 0;
        else if (!in) { in = 1; words++; }
    }
    printf("words %d\n", words);
    return 0;
}
