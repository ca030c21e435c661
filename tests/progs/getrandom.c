/* getrandom returns the requested length; /dev/urandom reads work; values are never printed. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

int main(void)
{
    unsigned char buf[256];
    for (size_t n = 1; n <= 256; n *= 4) printf("getrandom(%zu) = %zd\n", n, getrandom(buf, n, 0));
    printf("nonblock %zd\n", getrandom(buf, 32, GRND_NONBLOCK));
    int allzero = 1;
    getrandom(buf, 64, 0);
    for (int i = 0; i < 64; i++) allzero &= buf[i] == 0;
    printf("not all zero %d\n", !allzero);
    int fd = open("/dev/urandom", O_RDONLY);
    printf("urandom read %zd\n", read(fd, buf, 100));
    close(fd);
    return 0;
}
