/* Files and directories in a private temporary directory: open/read/write/lseek/fstat/rename/
   unlink/mkdir/opendir/readdir (sorted)/rmdir, plus error numbers of common failures. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

/* Evaluate a call, then print its result and (on failure) errno, in a fixed order. */
#define CHECK(label, expr)                                                             \
    do {                                                                               \
        errno = 0;                                                                     \
        long r_ = (long)(expr);                                                        \
        printf("%s = %ld errno %d\n", label, r_, r_ < 0 ? errno : 0);                  \
    } while (0)

static void path(char *out, const char *name) { snprintf(out, 128, "%s/%s", dir, name); }

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *d)
{
    DIR *dp = opendir(d);
    if (!dp) { printf("opendir failed\n"); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) && n < 64) names[n++] = strdup(e->d_name);
    closedir(dp);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("ls:");
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/xrun-files-%d", (int)getpid());
    umask(022);
    if (mkdir(dir, 0755) != 0) { perror("mkdir"); return 1; }
    char p[128], q[128];
    path(p, "a.txt");
    int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("open %d\n", fd >= 0);
    const char msg[] = "0123456789abcdefghij\n";
    printf("write %zd\n", write(fd, msg, sizeof msg - 1));
    printf("lseek %ld\n", (long)lseek(fd, 5, SEEK_SET));
    printf("write %zd\n", write(fd, "XY", 2));
    printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
    close(fd);

    fd = open(p, O_RDONLY);
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    printf("read %zd [%.*s]\n", n, (int)n - 1, buf);
    CHECK("pread", pread(fd, buf, 4, 10));
    printf("pread data [%.4s]\n", buf);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size %ld reg %d mode %o\n", (long)st.st_size, S_ISREG(st.st_mode),
           st.st_mode & 0777);
    lseek(fd, 0, SEEK_END);
    CHECK("read at eof", read(fd, buf, 10));
    close(fd);

    FILE *f = fopen(p, "a+");
    fprintf(f, "appended line %d\n", 2);
    rewind(f);
    int lines = 0;
    while (fgets(buf, sizeof buf, f)) lines++;
    fclose(f);
    printf("lines %d\n", lines);

    path(q, "b.txt");
    printf("rename %d\n", rename(p, q));
    CHECK("stat old", stat(p, &st));
    CHECK("stat new", stat(q, &st));
    printf("size %ld\n", (long)st.st_size);
    printf("truncate %d\n", truncate(q, 4));
    stat(q, &st);
    printf("size after truncate %ld\n", (long)st.st_size);
    CHECK("access new", access(q, R_OK));
    CHECK("access old", access(p, F_OK));

    path(p, "sub");
    CHECK("mkdir", mkdir(p, 0700));
    CHECK("mkdir again", mkdir(p, 0700));
    path(p, "sub/inner.txt");
    close(open(p, O_CREAT | O_WRONLY, 0600));
    path(p, "c");
    symlink("b.txt", p);
    char link[64] = {0};
    CHECK("readlink", readlink(p, link, sizeof link - 1));
    printf("link [%s]\n", link);
    CHECK("lstat", lstat(p, &st));
    printf("is link %d\n", S_ISLNK(st.st_mode));
    list(dir);
    path(p, "sub");
    list(p);
    CHECK("rmdir nonempty", rmdir(p));
    CHECK("open missing", open("/nonexistent/x", O_RDONLY));
    CHECK("read bad fd", read(999, buf, 1));
    CHECK("unlink dir", unlink(p));

    path(p, "sub/inner.txt"); unlink(p);
    path(p, "sub"); printf("rmdir %d\n", rmdir(p));
    path(p, "c"); unlink(p);
    printf("unlink %d\n", unlink(q));
    list(dir);
    printf("rmdir top %d\n", rmdir(dir));
    return 0;
}
