/*
 * A lock suite in the spirit of Connectathon's lock tests, run by the Linux kernel NFS client in
 * the test guest over NLM (the export is mounted without nolock).
 *
 *   locksuite DIR          runs every check on files in DIR; prints "@@CHECK lock_<name> PASS"
 *                          or "@@CHECK lock_<name> FAIL <why>" per check, exits 0 if all passed
 *   locksuite hold FILE START LEN  takes an exclusive fcntl lock (waiting for it), prints
 *                          "@@HELD FILE" and holds it until its stdin closes or says anything
 *   locksuite try FILE START LEN   one non-blocking exclusive lock: exit 0 taken, 1 refused
 *   locksuite wait FILE START LEN  a blocking exclusive lock; prints the milliseconds it waited
 *
 * A child process is another lock owner (its own pid, so its own NLM svid); the parent and its
 * children talk over pipes, so each step waits for the other's answer, never for time to pass,
 * except where a request must first reach the server before the other side acts (say so).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char fail_why[512];

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

static int open_file(const char *dir, const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    return fd;
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

/* Runs fn(fd, arg) in a child (another lock owner); returns its exit status (0: as expected). */
static int in_child(int (*fn)(int, void *), int fd, void *arg) {
    pid_t p = fork();
    if (p == 0) {
        _exit(fn(fd, arg));
    }
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

struct probe { short type; off_t start, len; int expect_ok; };

/* The child's view: each probe's non-blocking lock taken (and dropped) or refused, as expected. */
static int probes(int fd, void *arg) {
    for (struct probe *p = arg; p->type; p++) {
        int r = lk(fd, F_SETLK, p->type, p->start, p->len);
        int ok = r == 0;
        if (ok != p->expect_ok) {
            return 10 + (int)(p - (struct probe *)arg);
        }
        if (!ok && errno != EAGAIN && errno != EACCES) {
            return 50;
        }
        if (ok) {
            lk(fd, F_SETLK, F_UNLCK, p->start, p->len);
        }
    }
    return 0;
}

#define CHECK(name, cond) do { if (cond) printf("@@CHECK lock_%s PASS\n", name); \
    else { failures++; printf("@@CHECK lock_%s FAIL %s\n", name, fail_why); } fflush(stdout); fail_why[0] = 0; } while (0)
#define WHY(...) snprintf(fail_why, sizeof fail_why, __VA_ARGS__)

static int expect_probes(int fd, struct probe *ps) {
    int r = in_child(probes, fd, ps);
    if (r != 0) {
        WHY("child probe %d not as expected (status %d)", r >= 10 && r < 50 ? r - 10 : -1, r);
    }
    return r == 0;
}

static int getlk_child(int fd, void *arg) {
    pid_t parent = *(pid_t *)arg;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    if (fcntl(fd, F_GETLK, &fl) != 0) return 2;
    if (fl.l_type != F_WRLCK) return 3;
    if (fl.l_pid != parent) return 4;
    return 0;
}

static int unlocked_child(int fd, void *arg) {
    (void)arg;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(fd, F_GETLK, &fl) != 0) return 2;
    return fl.l_type == F_UNLCK ? 0 : 3;
}

static int flock_child(int fd, void *arg) {
    (void)fd;
    int f2 = open((char *)arg, O_RDWR);
    if (f2 < 0) return 2;
    return flock(f2, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK ? 0 : 3;
}

/* Blocking: the child waits for [0,1); the parent releases; the child reports how long it waited. */
static int blocking(int fd, long *waited_ms) {
    int toparent[2], tochild[2];
    if (pipe(toparent) || pipe(tochild)) return 0;
    if (lk(fd, F_SETLK, F_WRLCK, 0, 1) != 0) { WHY("parent lock: %s", strerror(errno)); return 0; }
    pid_t p = fork();
    if (p == 0) {
        char c = 'w';
        write(toparent[1], &c, 1);
        long t0 = now_ms();
        int r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);
        long dt = now_ms() - t0;
        write(toparent[1], &dt, sizeof dt);
        read(tochild[0], &c, 1);
        _exit(r == 0 ? 0 : 3);
    }
    char c;
    read(toparent[0], &c, 1);
    /* the child's LOCK must reach the server and be told BLOCKED before we release: give it time */
    usleep(1500 * 1000);
    long t_release = now_ms();
    lk(fd, F_SETLK, F_UNLCK, 0, 1);
    long dt;
    read(toparent[0], &dt, sizeof dt);
    *waited_ms = now_ms() - t_release;
    /* while the child holds it, the parent is refused */
    int refused = lk(fd, F_SETLK, F_WRLCK, 0, 1) != 0;
    write(tochild[1], &c, 1);
    int st;
    waitpid(p, &st, 0);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && refused;
    if (!ok) WHY("child status %d, parent refused while child held: %d", st, refused);
    return ok;
}

static void on_alarm(int s) { (void)s; }

/* A waiter interrupted by a signal gives up (CANCEL): it must not be left holding the lock. */
static int interrupted(int fd) {
    int toparent[2];
    if (pipe(toparent)) return 0;
    if (lk(fd, F_SETLK, F_WRLCK, 0, 1) != 0) { WHY("parent lock: %s", strerror(errno)); return 0; }
    pid_t p = fork();
    if (p == 0) {
        struct sigaction sa = {.sa_handler = on_alarm};
        sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: the wait ends with EINTR */
        alarm(3);
        int r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);
        int e = errno;
        write(toparent[1], &e, sizeof e);
        pause(); /* stays alive (holding nothing) until killed */
        _exit(r == 0 ? 3 : 0);
    }
    int e;
    read(toparent[0], &e, sizeof e);
    lk(fd, F_SETLK, F_UNLCK, 0, 1);
    /* the interrupted waiter is alive but must not hold the lock: another owner gets it at once */
    struct probe ps[] = {{F_WRLCK, 0, 1, 1}, {0}};
    int free_now = in_child(probes, fd, ps) == 0;
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    if (e != EINTR || !free_now) WHY("waiter's errno %d (want EINTR), free after release: %d", e, free_now);
    return e == EINTR && free_now;
}

static int run_suite(const char *dir) {
    pid_t me = getpid();
    int fd;

    fd = open_file(dir, "unlocked");
    CHECK("test_on_unlocked_file", in_child(unlocked_child, fd, NULL) == 0);
    close(fd);

    fd = open_file(dir, "whole");
    lk(fd, F_SETLK, F_WRLCK, 0, 0);
    {
        struct probe ps[] = {{F_WRLCK, 0, 1, 0}, {F_RDLCK, 100, 1, 0}, {F_WRLCK, (off_t)1 << 40, 1, 0}, {0}};
        CHECK("whole_file_excludes_other_owner", expect_probes(fd, ps));
    }
    {
        int r = in_child(getlk_child, fd, &me);
        if (r) WHY("F_GETLK in child: status %d", r);
        CHECK("getlk_reports_holder", r == 0);
    }
    close(fd);

    fd = open_file(dir, "ranges");
    lk(fd, F_SETLK, F_WRLCK, 0, 10);
    lk(fd, F_SETLK, F_WRLCK, 20, 10);
    {
        struct probe ps[] = {{F_WRLCK, 10, 10, 1}, {F_WRLCK, 5, 1, 0}, {F_WRLCK, 25, 1, 0}, {F_WRLCK, 9, 2, 0},
                             {F_WRLCK, 30, 100, 1}, {0}};
        CHECK("byte_ranges", expect_probes(fd, ps));
    }
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    lk(fd, F_SETLK, F_WRLCK, 0, 100);
    lk(fd, F_SETLK, F_UNLCK, 40, 20);
    {
        struct probe ps[] = {{F_WRLCK, 40, 20, 1}, {F_WRLCK, 39, 1, 0}, {F_WRLCK, 60, 1, 0}, {0}};
        CHECK("unlock_splits_a_lock", expect_probes(fd, ps));
    }
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    /* two adjacent locks merge: unlocking across the seam leaves both outer parts held */
    lk(fd, F_SETLK, F_WRLCK, 0, 50);
    lk(fd, F_SETLK, F_WRLCK, 50, 50);
    lk(fd, F_SETLK, F_UNLCK, 45, 10);
    {
        struct probe ps[] = {{F_WRLCK, 45, 10, 1}, {F_WRLCK, 44, 1, 0}, {F_WRLCK, 55, 1, 0}, {0}};
        CHECK("adjacent_locks_merge", expect_probes(fd, ps));
    }
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    close(fd);

    fd = open_file(dir, "shared");
    lk(fd, F_SETLK, F_RDLCK, 0, 100);
    {
        struct probe ps[] = {{F_RDLCK, 0, 100, 1}, {F_WRLCK, 50, 1, 0}, {F_WRLCK, 100, 1, 1}, {0}};
        CHECK("shared_locks_share", expect_probes(fd, ps));
    }
    int up = lk(fd, F_SETLK, F_WRLCK, 0, 100);
    {
        struct probe ps[] = {{F_RDLCK, 0, 1, 0}, {0}};
        CHECK("upgrade_in_place", up == 0 && expect_probes(fd, ps));
    }
    int down = lk(fd, F_SETLK, F_RDLCK, 0, 100);
    {
        struct probe ps[] = {{F_RDLCK, 0, 100, 1}, {F_WRLCK, 0, 1, 0}, {0}};
        CHECK("downgrade_in_place", down == 0 && expect_probes(fd, ps));
    }
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    close(fd);

    fd = open_file(dir, "far");
    int far = lk(fd, F_SETLK, F_WRLCK, (off_t)1 << 62, 1);
    int eof = lk(fd, F_SETLK, F_WRLCK, ((off_t)1 << 62) + 10, 0);
    {
        struct probe ps[] = {{F_WRLCK, (off_t)1 << 62, 1, 0}, {F_WRLCK, INT64_MAX - 1, 1, 0},
                             {F_WRLCK, ((off_t)1 << 62) + 1, 9, 1}, {F_WRLCK, 0, 1000, 1}, {0}};
        if (far || eof) WHY("far lock %d, to-end lock %d: %s", far, eof, strerror(errno));
        CHECK("locks_past_end_of_file", far == 0 && eof == 0 && expect_probes(fd, ps));
    }
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    close(fd);

    fd = open_file(dir, "block");
    long waited = -1;
    int blocked = blocking(fd, &waited);
    printf("@@MEASURE blocked_lock_granted_after_release_ms %ld\n", waited);
    /* Linux polls a blocked lock every 30 s; the server's GRANTED callback ends the wait at once */
    if (blocked && waited > 10000) WHY("granted %ld ms after the release: no GRANTED callback", waited);
    CHECK("blocked_lock_granted_on_release", blocked && waited <= 10000);
    close(fd);

    fd = open_file(dir, "intr");
    CHECK("interrupted_waiter_holds_nothing", interrupted(fd));
    close(fd);

    fd = open_file(dir, "close");
    lk(fd, F_SETLK, F_WRLCK, 0, 10);
    {
        char path[1024];
        snprintf(path, sizeof path, "%s/close", dir);
        int other = open(path, O_RDWR);
        close(other); /* POSIX: closing any descriptor of the file drops the process's locks on it */
        struct probe ps[] = {{F_WRLCK, 0, 10, 1}, {0}};
        CHECK("close_of_any_descriptor_releases", expect_probes(fd, ps));
    }
    close(fd);

    fd = open_file(dir, "exit");
    {
        /* the child locks and exits holding the lock */
        pid_t p = fork();
        if (p == 0) {
            _exit(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 3);
        }
        int st;
        waitpid(p, &st, 0);
        int mine = lk(fd, F_SETLK, F_WRLCK, 0, 0);
        if (mine) WHY("lock after the holder exited: %s", strerror(errno));
        CHECK("exit_releases", WIFEXITED(st) && WEXITSTATUS(st) == 0 && mine == 0);
        lk(fd, F_SETLK, F_UNLCK, 0, 0);
    }
    close(fd);

    fd = open_file(dir, "flock");
    {
        char path[1024];
        snprintf(path, sizeof path, "%s/flock", dir);
        int held = flock(fd, LOCK_EX);
        CHECK("flock_excludes_other_process", held == 0 && in_child(flock_child, fd, path) == 0);
        flock(fd, LOCK_UN);
    }
    close(fd);
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2) return run_suite(argv[1]);
    if (argc == 5) {
        int fd = open(argv[2], O_RDWR | O_CREAT, 0644);
        if (fd < 0) { perror(argv[2]); return 2; }
        off_t start = atoll(argv[3]), len = atoll(argv[4]);
        if (strcmp(argv[1], "try") == 0) {
            if (lk(fd, F_SETLK, F_WRLCK, start, len) == 0) return 0;
            return errno == EAGAIN || errno == EACCES ? 1 : 2;
        }
        if (strcmp(argv[1], "wait") == 0) {
            long t0 = now_ms();
            if (lk(fd, F_SETLKW, F_WRLCK, start, len) != 0) { perror("F_SETLKW"); return 2; }
            printf("%ld\n", now_ms() - t0);
            return 0;
        }
        if (strcmp(argv[1], "hold") == 0) {
            if (lk(fd, F_SETLKW, F_WRLCK, start, len) != 0) { perror("F_SETLKW"); return 2; }
            printf("@@HELD %s\n", argv[2]);
            char c;
            read(0, &c, 1);
            return 0;
        }
    }
    fprintf(stderr, "usage: locksuite DIR | locksuite hold|try|wait FILE START LEN\n");
    return 2;
}
