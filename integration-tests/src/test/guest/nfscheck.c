/*
 * nfscheck: POSIX checks the busybox shell cannot express, run inside the Linux guest on an
 * NFS mount. Each subcommand prints one line "ok ..." and exits 0, or prints the failure to
 * stderr and exits 1. Built statically on the host (gcc -static) by the test harness.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    return 1;
}

static int failx(const char *what) {
    fprintf(stderr, "%s\n", what);
    return 1;
}

/* open(O_CREAT|O_EXCL) succeeds once, then fails with EEXIST */
static int excl(const char *path) {
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) return fail("first O_EXCL create");
    close(fd);
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) return failx("second O_EXCL create succeeded");
    if (errno != EEXIST) return fail("second O_EXCL create: want EEXIST");
    printf("ok excl\n");
    return 0;
}

static int count_silly(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, ".nfs", 4) == 0) n++;
    closedir(d);
    return n;
}

/* unlink an open file, keep reading and writing through the descriptor, then close */
static int unlinkopen(const char *dir) {
    char path[4096];
    char buf[64] = {0};
    snprintf(path, sizeof path, "%s/victim", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) return fail("create victim");
    if (write(fd, "before ", 7) != 7) return fail("write before unlink");
    if (unlink(path) != 0) return fail("unlink open file");
    if (access(path, F_OK) == 0) return failx("victim still visible under its name");
    if (count_silly(dir) != 1) return failx("no .nfsXXXX silly-renamed file while open");
    if (write(fd, "after", 5) != 5) return fail("write after unlink");
    if (pread(fd, buf, 12, 0) != 12) return fail("read after unlink");
    if (memcmp(buf, "before after", 12) != 0) return failx("content after unlink differs");
    close(fd);
    /* the client removes the silly-renamed file after the last close, asynchronously */
    for (int i = 0; i < 300 && count_silly(dir) != 0; i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    if (count_silly(dir) != 0) return failx(".nfsXXXX file still there 3 s after close");
    printf("ok unlinkopen\n");
    return 0;
}

/* writes through a shared mapping reach the file */
static int mmapwrite(const char *path) {
    const size_t len = 3 * 4096 + 100;
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) return fail("create");
    if (ftruncate(fd, len) != 0) return fail("ftruncate");
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) return fail("mmap");
    for (size_t i = 0; i < len; i++) m[i] = (unsigned char) (i * 7 + 3);
    if (msync(m, len, MS_SYNC) != 0) return fail("msync");
    munmap(m, len);
    close(fd);
    /* read back through a new descriptor, bypassing the page cache */
    fd = open(path, O_RDONLY | O_DIRECT);
    if (fd < 0) fd = open(path, O_RDONLY);
    if (fd < 0) return fail("reopen");
    unsigned char *b = aligned_alloc(4096, 4 * 4096);
    ssize_t n = read(fd, b, 4 * 4096);
    if (n != (ssize_t) len) return failx("mapped file has the wrong length");
    for (size_t i = 0; i < len; i++)
        if (b[i] != (unsigned char) (i * 7 + 3)) return failx("mapped write not in the file");
    close(fd);
    printf("ok mmapwrite\n");
    return 0;
}

/* two processes append fixed-size records with O_APPEND: none lost, none torn */
static int append(const char *path, int n) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) return fail("create");
    close(fd);
    for (int p = 0; p < 2; p++) {
        if (fork() == 0) {
            int f = open(path, O_WRONLY | O_APPEND);
            char rec[33];
            for (int i = 0; i < n; i++) {
                snprintf(rec, sizeof rec, "%c%030d\n", 'A' + p, i);
                if (write(f, rec, 32) != 32) _exit(1);
            }
            close(f);
            _exit(0);
        }
    }
    int st, bad = 0;
    while (wait(&st) > 0)
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bad = 1;
    if (bad) return failx("an appender failed");
    struct stat s;
    if (stat(path, &s) != 0) return fail("stat");
    if (s.st_size != (off_t) 2 * n * 32) return failx("appended size wrong: records lost or overwritten");
    FILE *f = fopen(path, "r");
    char line[64];
    int count[2] = {0, 0};
    while (fgets(line, sizeof line, f)) {
        if (strlen(line) != 32 || (line[0] != 'A' && line[0] != 'B')) return failx("torn record");
        count[line[0] - 'A']++;
    }
    fclose(f);
    if (count[0] != n || count[1] != n) return failx("record counts differ");
    printf("ok append\n");
    return 0;
}

/* a sparse file with data beyond 4 GiB */
static int sparse(const char *path) {
    const off_t off = 5LL * 1024 * 1024 * 1024 + 123;
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) return fail("create");
    if (pwrite(fd, "far", 3, off) != 3) return fail("pwrite beyond 4 GiB");
    if (fsync(fd) != 0) return fail("fsync");
    close(fd);
    fd = open(path, O_RDONLY);
    char b[4] = {0};
    if (pread(fd, b, 3, off) != 3 || memcmp(b, "far", 3) != 0) return failx("data beyond 4 GiB not read back");
    char z[4096];
    if (pread(fd, z, sizeof z, 4LL * 1024 * 1024 * 1024) != sizeof z) return fail("read in the hole");
    for (size_t i = 0; i < sizeof z; i++)
        if (z[i] != 0) return failx("hole not zero");
    struct stat s;
    fstat(fd, &s);
    if (s.st_size != off + 3) return failx("size of sparse file wrong");
    close(fd);
    printf("ok sparse\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "excl") == 0) return excl(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "unlinkopen") == 0) return unlinkopen(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "mmapwrite") == 0) return mmapwrite(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "append") == 0) return append(argv[2], atoi(argv[3]));
    if (argc >= 3 && strcmp(argv[1], "sparse") == 0) return sparse(argv[2]);
    fprintf(stderr, "usage: nfscheck excl|unlinkopen|mmapwrite|append|sparse PATH [N]\n");
    return 2;
}
