/*
 * The kernel's own price of one fan-out delivery on this machine, without any JVM: one process writes LEN bytes to
 * each of N loopback TCP sockets in turn (as a comet writes one batch to every session of a room), PASSES times;
 * a child process holds the other ends and reads them with epoll (as the clients do). Prints one JSON object with
 * the writer's and the reader's CPU (getrusage: user + system) per write and per read.
 *
 * Usage: loopback_floor N PASSES LEN [READER_NAP_US] [PORT]
 *   READER_NAP_US: the reader sleeps this long before each epoll_wait, so it finds many sockets ready per wake-up
 *                  (a busy client process); 0 = wait as soon as idle (every write may wake it).
 * Used by benchmarks/run.sh loopback-floor. Bounded: N sockets (below the 20,000 open-files cap), loopback only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int reader(struct sockaddr_in *addr, int n, long expected_bytes, int nap_us, int report_fd) {
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) addr, sizeof *addr) != 0) {
            perror("reader connect");
            return 1;
        }
        struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    }
    static char buf[65536];
    struct epoll_event ready[512];
    long got = 0, reads = 0, waits = 0;
    double c0 = cpu_seconds();
    while (got < expected_bytes) {
        if (nap_us > 0) {
            usleep(nap_us);
        }
        int k = epoll_wait(ep, ready, 512, 10000);
        if (k <= 0) {
            fprintf(stderr, "reader: nothing for 10 s\n");
            return 1;
        }
        waits++;
        for (int i = 0; i < k; i++) {
            ssize_t r = read(ready[i].data.fd, buf, sizeof buf);
            if (r > 0) {
                got += r;
                reads++;
            }
        }
    }
    double c = cpu_seconds() - c0;
    dprintf(report_fd, "%ld %ld %.6f\n", reads, waits, c);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s N PASSES LEN [READER_NAP_US] [PORT]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), passes = atoi(argv[2]), len = atoi(argv[3]);
    int nap_us = argc > 4 ? atoi(argv[4]) : 0;
    int port = argc > 5 ? atoi(argv[5]) : 9555;
    int one = 1;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(ls, 4096) != 0) {
        perror("listen");
        return 1;
    }
    int report[2];
    if (pipe(report) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) {
        close(report[0]);
        _exit(reader(&addr, n, (long) n * passes * len, nap_us, report[1]));
    }
    close(report[1]);
    int *fds = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) {
        fds[i] = accept(ls, NULL, NULL);
        if (fds[i] < 0) {
            perror("accept");
            return 1;
        }
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as the comet's sockets */
    }
    char *msg = calloc(1, len);
    usleep(200000);
    double c0 = cpu_seconds(), t0 = wall_seconds();
    long failed = 0;
    for (int p = 0; p < passes; p++) {
        for (int i = 0; i < n; i++) {
            if (write(fds[i], msg, len) != len) {
                failed++;
            }
        }
    }
    double wc = cpu_seconds() - c0, wt = wall_seconds() - t0;
    int status = 0;
    waitpid(child, &status, 0);
    long reads = 0, waits = 0;
    double rc = 0;
    FILE *rf = fdopen(report[0], "r");
    if (rf == NULL || fscanf(rf, "%ld %ld %lf", &reads, &waits, &rc) != 3 || status != 0) {
        fprintf(stderr, "reader failed\n");
        return 1;
    }
    long writes = (long) n * passes;
    printf("{\"sockets\": %d, \"passes\": %d, \"bytesPerWrite\": %d, \"readerNapUs\": %d, \"writes\": %ld, "
           "\"failedWrites\": %ld, \"writerCpuS\": %.4f, \"writerWallS\": %.4f, \"writerCpuUsPerWrite\": %.3f, "
           "\"reads\": %ld, \"readerWakeups\": %ld, \"readerCpuS\": %.4f, \"readerCpuUsPerRead\": %.3f, "
           "\"readerCpuUsPerWrite\": %.3f}\n",
           n, passes, len, nap_us, writes, failed, wc, wt, wc * 1e6 / writes, reads, waits, rc,
           reads ? rc * 1e6 / reads : 0.0, rc * 1e6 / writes);
    return failed == 0 ? 0 : 1;
}
