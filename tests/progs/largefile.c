/* xrun-test: cflags=-D_FILE_OFFSET_BITS=64 */
/* Large-file interfaces on i386: 64-bit offsets through _llseek/pread64/ftruncate64/fstat64. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/tmp/xrun-large-%d", (int)getpid());
    int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0) { perror("open"); return 1; }
    off_t big = 5LL * 1024 * 1024 * 1024 + 123; /* beyond 4 GiB */
    printf("sizeof(off_t)=%zu\n", sizeof(off_t));
    printf("lseek %lld\n", (long long)lseek(fd, big, SEEK_SET));
    printf("write %zd\n", write(fd, "Z", 1));
    struct stat st;
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);
    char c = 0;
    ssize_t n = pread(fd, &c, 1, big);
    printf("pread %zd %c\n", n, c);
    printf("ftruncate %d\n", ftruncate(fd, 3LL * 1024 * 1024 * 1024));
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);
    printf("lseek cur %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    printf("unlink %d\n", unlink(name));
    return 0;
}
