/* Deep and mutual recursion: Ackermann, Fibonacci, Hanoi, even/odd, a recursive permutation. */
#include <stdio.h>

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned long moves;
static void hanoi(int n, int from, int to, int via)
{
    if (n == 0) return;
    hanoi(n - 1, from, via, to);
    moves++;
    hanoi(n - 1, via, to, from);
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int perms;
static void permute(char *s, int k, int n)
{
    if (k == n) {
        if (perms < 6) printf("%s ", s);
        perms++;
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

/* Deep recursion with a big frame, to touch many stack pages. */
static int deep(int n)
{
    volatile char pad[512];
    pad[n % 512] = (char)n;
    if (n == 0) return pad[0];
    return deep(n - 1) + pad[n % 512] % 3;
}

int main(void)
{
    printf("ack(2,3)=%u ack(3,5)=%u\n", ack(2, 3), ack(3, 5));
    printf("fib(25)=%u\n", fib(25));
    hanoi(16, 1, 3, 2);
    printf("hanoi(16) moves=%lu\n", moves);
    printf("even(10001)=%d odd(777)=%d\n", is_even(10001), is_odd(777));
    char s[] = "abcdef";
    permute(s, 0, 6);
    printf("\nperms=%d\n", perms);
    printf("deep=%d\n", deep(4000));
    return 0;
}
