/* Thread-local storage in the main thread: initialized and zeroed __thread data (%gs-relative on
   i386), arrays, address stability, errno (itself TLS). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static __thread int counter = 41;
static __thread int zeroed;
static __thread char name[16] = "tls-name";
static __thread uint64_t big = 0x1122334455667788ULL;
static __thread int arr[100];
__thread double tdouble = 2.5;

static int *counter_addr(void) { return &counter; }

int main(void)
{
    printf("init %d %d %s %llx %.1f\n", counter, zeroed, name, (unsigned long long)big, tdouble);
    counter++;
    zeroed += 7;
    name[0] = 'T';
    big <<= 4;
    for (int i = 0; i < 100; i++) arr[i] = i * i;
    int s = 0;
    for (int i = 0; i < 100; i++) s += arr[i];
    printf("after %d %d %s %llx sum %d\n", counter, zeroed, name, (unsigned long long)big, s);
    printf("stable address %d\n", counter_addr() == &counter);
    printf("aligned %d\n", ((uintptr_t)&big & 7) == 0);
    errno = 0;
    close(-1);
    printf("errno via tls %d\n", errno);
    unsigned gs;
    __asm__ volatile("mov %%gs, %0" : "=r"(gs));
    printf("gs nonzero %d\n", gs != 0);
    return 0;
}
