/*
 * push_flood: an open-loop HTTP/1.1 driver of logic's push API for push-api-overload (issue 19), in C so that the
 * driver's own CPU per request (~10-20 us: one write, one read, a share of an epoll wake-up) leaves the 2-core box to
 * the node it measures; the JVM load tool pays ~100 us and on this box could not offer 3 x logic's maximum.
 *
 * It sends exactly what `loadtest push --target room` sends (PushOptions.uri, PipelinedHttpClient.post, Payload):
 *
 *   POST /goim/push/room?operation=1000&type=live&room=1000 HTTP/1.1
 *   host: 127.0.0.1:7111
 *   content-type: application/octet-stream
 *   content-length: 64
 *
 *   body: magic "JGLT", publisher id 1, sequence i, due time (epoch ns), all big-endian, then 'x' up to the size
 *
 * on keep-alive connections. Request i is due at start + i / rate. When due it is written on a connection with room
 * (--http-depth D pending at most; 0 = no bound, round robin, pipelined). When every connection is full it waits in a
 * FIFO (counted in messages.late) and is written as soon as a reply frees a connection, its latency measured from its
 * due time (histograms push, accepted, refused, other: no coordinated omission, as wrk2) and from its write
 * (*FromSend). --on-busy drop instead counts it in messages.notSent at once: what the Java tool does with a depth.
 * Both tools count a request due while --max-in-flight are pending (here: written and unanswered, or waiting) in
 * messages.notSent and never send it (OpenLoopPublisher's semaphore); messages.sent counts every due request, sent or
 * not, as the Java tool's counter does.
 *
 * Replies: status line, headers (content-length; "connection: close"; chunked is refused: logic never sends it),
 * body; a reply is accepted when 2xx with "code":0 (OpenLoopPublisher.apiCode), refused when HTTP 429, other else;
 * failures by reason as the Java tool words them ("push: HTTP 429 code 302", "push: server closed the connection with
 * the request pending", ...). The result JSON has the Java tool's fields that summarize.py reads (counts, failures,
 * latencies in us, samples per second with rates and interval latencies, parameters, schedule and refusal times)
 * plus the driver's own CPU (getrusage over the measured run). One thread, one epoll set; single run per process.
 *
 * Usage: push_flood [push] --http http://HOST:PORT --rate R [--duration 10s] [--prewarm 0s] [--http-connections 1]
 *        [--http-depth 0] [--max-in-flight 1000] [--target room] [--room-type live] [--room-id 1000]
 *        [--operation 1000] [--payload-size 64] [--server-pid PID] [--on-busy wait|drop] [--drain 15s]
 *        (--out DIR [--name push] | --json FILE)
 * Used by benchmarks/run.sh push-api-overload (OVERLOAD_DRIVER=c). Build: gcc -O2 -Wall -Wextra (libc only).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000ULL
#define IN_MAX (1 << 20)            /* the largest reply read */
#define MAX_FAILURES 64
#define MAX_CONNECTIONS 1024        /* PushOptions.MAX_CONNECTIONS */

/* ---- histograms: log buckets with 128 linear sub-buckets each (relative error < 0.8 %), values in us ---------- */
#define SUB 256
#define HALF 128
#define NB (SUB + 41 * HALF)

typedef struct {
    uint64_t n, sum, min, max;
    uint32_t c[NB];
} hist;

static int hidx(uint64_t v) {
    if (v < SUB) {
        return (int) v;
    }
    if (v >= (1ULL << 40)) {
        v = (1ULL << 40) - 1;
    }
    int msb = 63 - __builtin_clzll(v), sh = msb - 7;
    return SUB + (sh - 1) * HALF + (int) ((v >> sh) - HALF);
}

static uint64_t hhigh(int i) {
    if (i < SUB) {
        return (uint64_t) i;
    }
    int sh = (i - SUB) / HALF + 1;
    uint64_t m = (uint64_t) ((i - SUB) % HALF + HALF);
    return (m << sh) + (1ULL << sh) - 1;
}

static void hrec(hist *h, uint64_t v) {
    if (h->n == 0 || v < h->min) {
        h->min = v;
    }
    if (v > h->max) {
        h->max = v;
    }
    h->n++;
    h->sum += v;
    h->c[hidx(v)]++;
}

/* HdrHistogram's getValueAtPercentile: the highest value of the bucket holding the (p/100 * n + 0.5)-th value */
static uint64_t hpct(const hist *h, double p) {
    if (h->n == 0) {
        return 0;
    }
    uint64_t want = (uint64_t) (p / 100.0 * (double) h->n + 0.5), seen = 0;
    if (want < 1) {
        want = 1;
    }
    for (int i = 0; i < NB; i++) {
        seen += h->c[i];
        if (seen >= want) {
            uint64_t v = hhigh(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

/* ---- options -------------------------------------------------------------------------------------------------- */
static struct {
    char host[256], port[16], hostport[280], room_type[128], room_id[128], out[1024];
    double rate, duration, prewarm, drain;
    int connections, depth, max_in_flight, operation, payload, drop_when_busy;
    long server_pid;
} opt = {.duration = 10, .drain = 15, .connections = 1, .max_in_flight = 1000, .operation = 1000, .payload = 64,
         .room_type = "live", .room_id = "1000"};

/* ---- per request, per connection ------------------------------------------------------------------------------ */
typedef struct {
    uint64_t due, sent;   /* monotonic ns */
    uint8_t measured;
} req;

typedef struct {
    req *r;
    uint32_t cap, head, len;
} reqq;

enum { CLOSED, CONNECTING, OPEN };

typedef struct {
    int fd, state, want_out, index;
    reqq q;                 /* written (or being written), unanswered, in order */
    char *out;
    size_t olen, ooff, ocap;
    char *in;
    size_t ilen, icap;
} conn;

static void q_push(reqq *q, req r) {
    if (q->len == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 4;
        req *n = malloc(sizeof(req) * cap);
        if (!n) {
            perror("malloc");
            exit(3);
        }
        for (uint32_t i = 0; i < q->len; i++) {
            n[i] = q->r[(q->head + i) % q->cap];
        }
        free(q->r);
        q->r = n;
        q->cap = cap;
        q->head = 0;
    }
    q->r[(q->head + q->len) % q->cap] = r;
    q->len++;
}

static req q_pop(reqq *q) {
    req r = q->r[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    return r;
}

/* ---- measurements --------------------------------------------------------------------------------------------- */
enum { H_PUSH, H_ACC, H_REF, H_OTH, H_PUSH_S, H_ACC_S, H_REF_S, H_OTH_S, H_LAG, NH };
static const char *HNAME[NH] = {"push", "accepted", "refused", "other", "pushFromSend", "acceptedFromSend",
                                "refusedFromSend", "otherFromSend", "sendLag"};
/* per second: interval histograms of these */
enum { S_PUSH, S_ACC, S_REF, S_ACC_S, S_REF_S, NS_H };
static const int SH_OF[NS_H] = {H_PUSH, H_ACC, H_REF, H_ACC_S, H_REF_S};

enum { C_SENT, C_NOTSENT, C_WRITTEN, C_LATE, C_ACC, C_REF, C_OTH, C_ERR, C_ACC_DUE, C_REF_DUE, C_OTH_DUE, NC };
static const char *CNAME[NC] = {"messages.sent", "messages.notSent", "messages.written", "messages.late",
                                "messages.accepted", "messages.refused", "messages.other", "errors.connection",
                                "messages.acceptedByDue", "messages.refusedByDue", "messages.otherByDue"};

typedef struct {
    uint64_t c[NC];
    hist *h[NS_H];
    int ticked;
    uint64_t tick_mono;      /* when this second's end was read */
    long long server_ticks;  /* the server's utime+stime then */
    uint64_t driver_cpu_ns;
} second;

static struct {
    hist h[NH];
    uint64_t c[NC];
    second *sec;
    int nsec;
    long long sec_base;      /* epoch second that sample 0 opens */
    char *fail_name[MAX_FAILURES];
    uint64_t fail_n[MAX_FAILURES];
    int nfail;
    uint64_t sched_start, sched_end, run_end, last_write;
    uint64_t first_ref, last_ref, last_ref_due;
    int refused_any;
    long long server0;
    uint64_t driver0_ns, start_mono;
    struct rusage ru0, ru1;
} st;

static uint64_t base_mono, base_epoch;
static conn *conns;
static int ep;
static struct sockaddr_storage addr;
static socklen_t addrlen;
static char head[1024];
static size_t headlen;
static uint32_t *freeq;      /* depth > 0: a connection index once per request it may still take (FIFO) */
static uint32_t fhead, flen, fcap;
static req *waitq;           /* due, no connection had room: FIFO, at most max_in_flight */
static uint32_t whead, wlen;
static long pending;         /* written and unanswered + waiting */
static uint64_t rr;

static uint64_t mono(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * NS + (uint64_t) t.tv_nsec;
}

static uint64_t epoch_ns(uint64_t m) {
    return base_epoch + (m - base_mono);
}

static uint64_t epoch_ms(uint64_t m) {
    return epoch_ns(m) / 1000000ULL;
}

static uint64_t cpu_ns(struct rusage *r) {
    getrusage(RUSAGE_SELF, r);
    return (uint64_t) (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * NS
           + (uint64_t) (r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000ULL;
}

static long long server_ticks(void) {
    if (opt.server_pid <= 0) {
        return -1;
    }
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%ld/stat", opt.server_pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) {
        return -1;
    }
    /* after ") ": state is field 3; utime 14, stime 15 */
    long long ut = 0, stt = 0;
    int field = 2;
    for (char *s = p + 1; *s && field < 15; s++) {
        if (*s == ' ') {
            field++;
            if (field == 14) {
                ut = strtoll(s + 1, NULL, 10);
            } else if (field == 15) {
                stt = strtoll(s + 1, NULL, 10);
            }
        }
    }
    return ut + stt;
}

/* the sample a monotonic time falls in: sample k covers epoch seconds [sec_base + k, sec_base + k + 1) */
static second *sec_at(uint64_t m) {
    long long k = (long long) (epoch_ns(m) / NS) - st.sec_base;
    if (k < 0) {
        k = 0;
    }
    if (k >= st.nsec) {
        k = st.nsec - 1;
    }
    return &st.sec[k];
}

static void count(int c, uint64_t at) {
    st.c[c]++;
    sec_at(at)->c[c]++;
}

static void sec_rec(second *s, int sh, uint64_t v) {
    if (!s->h[sh]) {
        s->h[sh] = calloc(1, sizeof(hist));
        if (!s->h[sh]) {
            perror("calloc");
            exit(3);
        }
    }
    hrec(s->h[sh], v);
}

static void fail(const char *reason) {
    for (int i = 0; i < st.nfail; i++) {
        if (strcmp(st.fail_name[i], reason) == 0) {
            st.fail_n[i]++;
            return;
        }
    }
    if (st.nfail == MAX_FAILURES) {
        reason = "push: (more failure reasons than the driver keeps)";
        for (int i = 0; i < st.nfail; i++) {
            if (strcmp(st.fail_name[i], reason) == 0) {
                st.fail_n[i]++;
                return;
            }
        }
        st.nfail--;
    }
    st.fail_name[st.nfail] = strdup(reason);
    st.fail_n[st.nfail++] = 1;
}

/* ---- connections ---------------------------------------------------------------------------------------------- */
static void slot_free(conn *c) {
    if (opt.depth > 0) {
        freeq[(fhead + flen) % fcap] = (uint32_t) c->index;
        flen++;
    }
}

/* a request's end: a reply (status >= 0, API code) or the connection's loss (status -1, reason) */
static void complete(conn *c, req r, int status, int code, int has_code, const char *reason, uint64_t now) {
    pending--;
    slot_free(c);
    if (!r.measured) {
        return;
    }
    uint64_t from_due = now > r.due ? (now - r.due) / 1000 : 0, from_send = now > r.sent ? (now - r.sent) / 1000 : 0;
    second *s = sec_at(now), *d = sec_at(r.due);
    hrec(&st.h[H_PUSH], from_due);
    hrec(&st.h[H_PUSH_S], from_send);
    sec_rec(s, S_PUSH, from_due);
    if (status < 0) {
        count(C_ERR, now);
        fail(reason);
        return;
    }
    if (status / 100 == 2 && has_code && code == 0) {
        count(C_ACC, now);
        d->c[C_ACC_DUE]++;
        hrec(&st.h[H_ACC], from_due);
        hrec(&st.h[H_ACC_S], from_send);
        sec_rec(s, S_ACC, from_due);
        sec_rec(s, S_ACC_S, from_send);
        return;
    }
    char why[96];
    if (has_code) {
        snprintf(why, sizeof why, "push: HTTP %d code %d", status, code);
    } else {
        snprintf(why, sizeof why, "push: HTTP %d (no API code)", status);
    }
    fail(why);
    if (status == 429) {
        count(C_REF, now);
        d->c[C_REF_DUE]++;
        hrec(&st.h[H_REF], from_due);
        hrec(&st.h[H_REF_S], from_send);
        sec_rec(s, S_REF, from_due);
        sec_rec(s, S_REF_S, from_send);
        if (!st.refused_any || now < st.first_ref) {
            st.first_ref = now;
        }
        if (!st.refused_any || now > st.last_ref) {
            st.last_ref = now;
        }
        if (!st.refused_any || r.due > st.last_ref_due) {
            st.last_ref_due = r.due;
        }
        st.refused_any = 1;
    } else {
        count(C_OTH, now);
        d->c[C_OTH_DUE]++;
        hrec(&st.h[H_OTH], from_due);
        hrec(&st.h[H_OTH_S], from_send);
    }
}

/* ends the connection: its unanswered requests fail with REASON; the next request on it reconnects */
static void conn_lost(conn *c, const char *reason, uint64_t now) {
    if (c->fd >= 0) {
        close(c->fd);
    }
    c->fd = -1;
    c->state = CLOSED;
    c->want_out = 0;
    c->olen = c->ooff = 0;
    c->ilen = 0;
    while (c->q.len) {
        complete(c, q_pop(&c->q), -1, 0, 0, reason, now);
    }
}

static void watch(conn *c, int out) {
    struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0), .data.u32 = (uint32_t) c->index};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
    c->want_out = out;
}

static void conn_open(conn *c, uint64_t now) {
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    char why[400];
    snprintf(why, sizeof why, "push: cannot connect to %s", opt.hostport);
    if (fd < 0) {
        conn_lost(c, why, now);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->state = CONNECTING;
    struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u32 = (uint32_t) c->index};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    c->want_out = 1;
    if (connect(fd, (struct sockaddr *) &addr, addrlen) == 0) {
        c->state = OPEN;
    } else if (errno != EINPROGRESS) {
        conn_lost(c, why, now);
    }
}

static void flush(conn *c, uint64_t now) {
    while (c->ooff < c->olen) {
        ssize_t n = send(c->fd, c->out + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL);
        if (n > 0) {
            c->ooff += (size_t) n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->want_out) {
                watch(c, 1);
            }
            return;
        }
        char why[160];
        snprintf(why, sizeof why, "push: connection closed by a failed write: %s, with the request pending",
                 strerror(errno));
        conn_lost(c, why, now);
        return;
    }
    c->olen = c->ooff = 0;
    if (c->want_out) {
        watch(c, 0);
    }
}

static void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
}

static void put_be64(unsigned char *p, uint64_t v) {
    put_be32(p, (uint32_t) (v >> 32));
    put_be32(p + 4, (uint32_t) v);
}

/* writes request SEQ (due DUE) on C */
static void send_on(conn *c, uint64_t seq, uint64_t due, int measured, uint64_t now) {
    size_t need = c->olen + headlen + (size_t) opt.payload;
    if (need > c->ocap) {
        size_t cap = c->ocap ? c->ocap : 1024;
        while (cap < need) {
            cap *= 2;
        }
        c->out = realloc(c->out, cap);
        if (!c->out) {
            perror("realloc");
            exit(3);
        }
        c->ocap = cap;
    }
    memcpy(c->out + c->olen, head, headlen);
    unsigned char *b = (unsigned char *) c->out + c->olen + headlen;
    put_be32(b, 0x4A474C54U);
    put_be32(b + 4, 1);
    put_be64(b + 8, seq);
    put_be64(b + 16, epoch_ns(due));
    memset(b + 24, 'x', (size_t) opt.payload - 24);
    c->olen = need;
    q_push(&c->q, (req) {.due = due, .sent = now, .measured = (uint8_t) measured});
    if (measured) {
        count(C_WRITTEN, now);
        hrec(&st.h[H_LAG], now > due ? (now - due) / 1000 : 0);
        st.last_write = now;
    }
    if (c->state == CLOSED) {
        conn_open(c, now);
    }
    if (c->state == OPEN) {
        flush(c, now);
    }
}

/* "code" of a JSON body as OpenLoopPublisher.apiCode reads it */
static int api_code(const char *b, size_t n, int *code) {
    const char *at = memmem(b, n, "\"code\"", 6);
    if (!at) {
        return 0;
    }
    const char *e = b + n, *p = memchr(at + 6, ':', (size_t) (e - at - 6));
    if (!p) {
        return 0;
    }
    p++;
    while (p < e && *p == ' ') {
        p++;
    }
    int neg = 0;
    if (p < e && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= e || *p < '0' || *p > '9') {
        return 0;
    }
    long v = 0;
    while (p < e && *p >= '0' && *p <= '9' && v < 100000000) {
        v = v * 10 + (*p++ - '0');
    }
    *code = (int) (neg ? -v : v);
    return 1;
}

/* parses every whole reply in C's input; 0 when the connection was ended */
static int parse(conn *c, uint64_t now) {
    size_t off = 0;
    int ok = 1;
    while (off < c->ilen) {
        char *p = c->in + off;
        size_t avail = c->ilen - off;
        char *end = memmem(p, avail, "\r\n\r\n", 4);
        if (!end) {
            break;
        }
        size_t hlen = (size_t) (end - p) + 4;
        int status = -1, close_after = 0, chunked = 0;
        long clen = -1;
        if (hlen > 12 && strncmp(p, "HTTP/1.", 7) == 0 && p[8] == ' ') {
            status = atoi(p + 9);
        }
        for (char *l = memchr(p, '\n', hlen); l && l < end; l = memchr(l + 1, '\n', (size_t) (end - l))) {
            char *h = l + 1;
            if (strncasecmp(h, "content-length:", 15) == 0) {
                clen = strtol(h + 15, NULL, 10);
            } else if (strncasecmp(h, "transfer-encoding:", 18) == 0) {
                chunked = 1;
            } else if (strncasecmp(h, "connection:", 11) == 0) {
                char *v = h + 11;
                while (*v == ' ') {
                    v++;
                }
                close_after = strncasecmp(v, "close", 5) == 0;
            }
        }
        const char *bad = status < 100 ? "no status line" : chunked ? "chunked (not supported)"
                        : clen < 0 ? "no content-length" : c->q.len == 0 ? "a reply to no request" : NULL;
        if (bad) {
            char why[160];
            snprintf(why, sizeof why, "push: connection closed by a bad reply: %s, with the request pending", bad);
            conn_lost(c, why, now);
            return 0;
        }
        if (avail < hlen + (size_t) clen) {
            if (hlen + (size_t) clen > IN_MAX) {
                conn_lost(c, "push: connection closed by a bad reply: larger than 1 MiB, with the request pending",
                          now);
                return 0;
            }
            break;
        }
        int code = 0, has = api_code(p + hlen, (size_t) clen, &code);
        complete(c, q_pop(&c->q), status, code, has, NULL, now);
        off += hlen + (size_t) clen;
        if (close_after) {
            conn_lost(c, "push: server closed the connection with the request pending", now);
            ok = 0;
            off = c->ilen = 0;
            break;
        }
    }
    if (off > 0) {
        memmove(c->in, c->in + off, c->ilen - off);
        c->ilen -= off;
    }
    return ok;
}

static void on_event(conn *c, uint32_t ev, uint64_t now) {
    if (c->fd < 0) {
        return;
    }
    if (c->state == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || (ev & (EPOLLERR | EPOLLHUP))) {
            char why[400];
            snprintf(why, sizeof why, "push: cannot connect to %s", opt.hostport);
            conn_lost(c, why, now);
            return;
        }
        if (!(ev & EPOLLOUT)) {
            return;
        }
        c->state = OPEN;
        flush(c, now);
        if (c->state != OPEN) {
            return;
        }
    }
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        for (;;) {
            if (c->ilen == IN_MAX) {
                conn_lost(c, "push: connection closed by a bad reply: larger than 1 MiB, with the request pending",
                          now);
                return;
            }
            if (c->icap - c->ilen < 4096) {
                size_t cap = c->icap * 2;
                if (cap > IN_MAX) {
                    cap = IN_MAX;
                }
                if (cap > c->icap) {
                    c->in = realloc(c->in, cap);
                    if (!c->in) {
                        perror("realloc");
                        exit(3);
                    }
                    c->icap = cap;
                }
            }
            ssize_t n = recv(c->fd, c->in + c->ilen, c->icap - c->ilen, 0);
            if (n > 0) {
                c->ilen += (size_t) n;
                if (!parse(c, now)) {
                    return;
                }
                if (c->ilen < c->icap) {
                    break;  /* short read: nothing more waits now (level-triggered: told again otherwise) */
                }
                continue;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            }
            if (n == 0) {
                conn_lost(c, "push: server closed the connection with the request pending", now);
            } else if (errno == ECONNRESET) {
                conn_lost(c, "push: server reset the connection with the request pending", now);
            } else {
                char why[160];
                snprintf(why, sizeof why, "push: connection closed by an error: %s, with the request pending",
                         strerror(errno));
                conn_lost(c, why, now);
            }
            return;
        }
    }
    if ((ev & EPOLLOUT) && c->state == OPEN) {
        flush(c, now);  /* also stops watching for room once nothing is left to write */
    }
}

/* ---- the schedule --------------------------------------------------------------------------------------------- */
static void issue(uint64_t seq, uint64_t due, int measured, uint64_t now) {
    if (measured) {
        count(C_SENT, due);
    }
    if (pending >= opt.max_in_flight) {
        if (measured) {
            count(C_NOTSENT, due);
        }
        return;
    }
    if (opt.depth == 0) {
        pending++;
        send_on(&conns[rr++ % (uint64_t) opt.connections], seq, due, measured, now);
    } else if (flen > 0) {
        conn *c = &conns[freeq[fhead]];
        fhead = (fhead + 1) % fcap;
        flen--;
        pending++;
        send_on(c, seq, due, measured, now);
    } else if (opt.drop_when_busy) {
        if (measured) {
            count(C_NOTSENT, due);
        }
    } else {
        /* the sequence number travels in the due time's slot: recomputed when written */
        waitq[(whead + wlen) % (uint32_t) opt.max_in_flight] = (req) {.due = due, .sent = seq,
                                                                        .measured = (uint8_t) measured};
        wlen++;
        pending++;
        if (measured) {
            count(C_LATE, due);
        }
    }
}

static void drain_waiting(uint64_t now) {
    while (wlen > 0 && flen > 0) {
        req w = waitq[whead];
        whead = (whead + 1) % (uint32_t) opt.max_in_flight;
        wlen--;
        conn *c = &conns[freeq[fhead]];
        fhead = (fhead + 1) % fcap;
        flen--;
        send_on(c, w.sent, w.due, w.measured, now);
    }
}

/* reads the server's and the driver's CPU at each epoch second's end while measuring */
static uint64_t next_tick;

static void tick(uint64_t now) {
    while (now >= next_tick) {
        second *s = sec_at(next_tick - 1);
        struct rusage r;
        s->ticked = 1;
        s->tick_mono = now;
        s->server_ticks = server_ticks();
        s->driver_cpu_ns = cpu_ns(&r);
        next_tick += NS;
    }
}

static void wait_events(uint64_t until, uint64_t now) {
    static struct epoll_event evs[512];
    static int no_pwait2;
    uint64_t d = until > now ? until - now : 0;
    int n = -1;
    if (!no_pwait2) {
        struct timespec ts = {.tv_sec = (time_t) (d / NS), .tv_nsec = (long) (d % NS)};
        n = epoll_pwait2(ep, evs, 512, &ts, NULL);
        if (n < 0 && errno == ENOSYS) {
            no_pwait2 = 1;
        }
    }
    if (no_pwait2) {
        n = epoll_wait(ep, evs, 512, (int) ((d + 999999) / 1000000));
    }
    if (n < 0) {
        if (errno != EINTR) {
            perror("epoll_wait");
            exit(3);
        }
        return;
    }
    now = mono();
    for (int i = 0; i < n; i++) {
        on_event(&conns[evs[i].data.u32], evs[i].events, now);
    }
}

/* one schedule of SECONDS at the rate, then its replies (at most --drain, 15 s as OpenLoopPublisher's wait):
 * measured or a warm-up */
static void run_phase(double seconds, int measured) {
    uint64_t start = mono(), end = start + (uint64_t) (seconds * 1e9), drain = (uint64_t) (opt.drain * 1e9);
    double period = 1e9 / opt.rate;
    if (measured) {
        st.sched_start = start;
        st.sched_end = end;
        st.start_mono = start;
        st.sec_base = (long long) (epoch_ns(start) / NS);
        st.nsec = (int) seconds + 1 + (int) opt.drain + 4;
        st.sec = calloc((size_t) st.nsec, sizeof(second));
        if (!st.sec) {
            perror("calloc");
            exit(3);
        }
        st.server0 = server_ticks();
        st.driver0_ns = cpu_ns(&st.ru0);
        next_tick = base_mono + ((uint64_t) (st.sec_base + 1) * NS - base_epoch);
    }
    uint64_t i = 0, now = start;
    for (;;) {
        uint64_t due;
        while ((due = start + (uint64_t) ((double) i * period)) < end && due <= now) {
            issue(i++, due, measured, now);
        }
        drain_waiting(now);
        if (measured) {
            tick(now);
        }
        int done = due >= end;
        if (done && pending == 0) {
            break;
        }
        if (done && now >= end + drain) {
            if (measured) {
                char why[96];
                snprintf(why, sizeof why, "push: replies still pending after %g s", opt.drain);
                fail(why);
            }
            for (int k = 0; k < opt.connections; k++) {
                if (conns[k].q.len) {
                    conn_lost(&conns[k], "push: connection closed by the tool at the end of the run, with the "
                                         "request pending", now);
                }
            }
            for (; wlen > 0; wlen--, pending--) {
                if (waitq[whead].measured) {
                    fail("push: never written: no connection had room before the drain's end");
                }
                whead = (whead + 1) % (uint32_t) opt.max_in_flight;
            }
            break;
        }
        uint64_t until = done ? end + drain : due;
        if (measured && next_tick < until) {
            until = next_tick;
        }
        wait_events(until, now);
        now = mono();
    }
    if (measured) {
        st.run_end = mono();
        tick(st.run_end);
        cpu_ns(&st.ru1);
        /* the last, partial second */
        second *s = sec_at(st.run_end);
        s->ticked = 1;
        s->tick_mono = st.run_end;
        s->server_ticks = server_ticks();
        s->driver_cpu_ns = cpu_ns(&st.ru1);
    }
}

/* ---- output --------------------------------------------------------------------------------------------------- */
static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fprintf(f, "\\%c", *s);
        } else if ((unsigned char) *s < 0x20) {
            fprintf(f, "\\u%04x", *s);
        } else {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v) {
    if (v > -1e15 && v < 1e15 && v == (double) (long long) v) {
        fprintf(f, "%.1f", v);
    } else {
        fprintf(f, "%.6f", v);
    }
}

static void json_summary(FILE *f, const hist *h) {
    fprintf(f, "{\"count\": %llu, \"min\": %llu, \"mean\": %.3f, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, "
               "\"p999\": %llu, \"p9999\": %llu, \"max\": %llu}",
            (unsigned long long) h->n, (unsigned long long) h->min, h->n ? (double) h->sum / (double) h->n : 0.0,
            (unsigned long long) hpct(h, 50), (unsigned long long) hpct(h, 90), (unsigned long long) hpct(h, 99),
            (unsigned long long) hpct(h, 99.9), (unsigned long long) hpct(h, 99.99), (unsigned long long) h->max);
}

static void iso(char *out, size_t n, uint64_t epoch) {
    time_t s = (time_t) (epoch / NS);
    struct tm tm;
    gmtime_r(&s, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%06lluZ", b, (unsigned long long) (epoch % NS / 1000));
}

static double dur_seconds(const char *s) {
    char *e;
    double v = strtod(s, &e);
    if (e == s || v < 0) {
        return -1;
    }
    if (*e == 0 || strcmp(e, "s") == 0) {
        return v;
    }
    if (strcmp(e, "ms") == 0) {
        return v / 1000;
    }
    if (strcmp(e, "m") == 0) {
        return v * 60;
    }
    return -1;
}

static void write_json(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(3);
    }
    char started[64];
    iso(started, sizeof started, epoch_ns(st.sched_start));
    double wall = (double) (st.run_end - st.sched_start) / 1e9;
    fprintf(f, "{\n  \"scenario\": \"push\",\n  \"driver\": \"push_flood (C)\",\n  \"startedAt\": \"%s\",\n"
               "  \"durationSeconds\": %.3f,\n  \"processes\": 1,\n", started, wall);
    fprintf(f, "  \"parameters\": {\"uri\": \"http://%s/goim/push/room?operation=%d&type=%s&room=%s\", "
               "\"target\": \"ROOM\", \"rate\": ", opt.hostport, opt.operation, opt.room_type, opt.room_id);
    json_num(f, opt.rate);
    fprintf(f, ", \"duration\": \"PT%gS\", \"prewarmSeconds\": %g, \"payloadSize\": %d, \"maxInFlight\": %d, "
               "\"httpConnections\": %d, \"httpDepth\": %d, \"onBusy\": \"%s\"},\n", opt.duration, opt.prewarm,
            opt.payload, opt.max_in_flight, opt.connections, opt.depth, opt.drop_when_busy ? "drop" : "wait");
    fprintf(f, "  \"counts\": {");
    for (int i = 0; i < NC; i++) {
        if (i == C_ACC_DUE || i == C_REF_DUE || i == C_OTH_DUE) {
            continue;  /* per second only: their totals are messages.accepted, .refused, .other */
        }
        fprintf(f, "\"%s\": %llu, ", CNAME[i], (unsigned long long) st.c[i]);
    }
    fprintf(f, "\"schedule.startEpochMillis\": %llu, \"schedule.endEpochMillis\": %llu",
            (unsigned long long) epoch_ms(st.sched_start), (unsigned long long) epoch_ms(st.sched_end));
    if (st.c[C_WRITTEN]) {
        fprintf(f, ", \"written.lastEpochMillis\": %llu", (unsigned long long) epoch_ms(st.last_write));
    }
    if (st.refused_any) {
        fprintf(f, ", \"refused.firstEpochMillis\": %llu, \"refused.lastEpochMillis\": %llu, "
                   "\"refused.lastDueEpochMillis\": %llu", (unsigned long long) epoch_ms(st.first_ref),
                (unsigned long long) epoch_ms(st.last_ref), (unsigned long long) epoch_ms(st.last_ref_due));
    }
    fprintf(f, "},\n  \"failures\": {");
    for (int i = 0; i < st.nfail; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_str(f, st.fail_name[i]);
        fprintf(f, ": %llu", (unsigned long long) st.fail_n[i]);
    }
    fprintf(f, "},\n  \"latencies\": {");
    for (int i = 0; i < NH; i++) {
        fprintf(f, "%s\n    \"%s\": ", i ? "," : "", HNAME[i]);
        json_summary(f, &st.h[i]);
    }
    fprintf(f, "},\n  \"histograms\": {},\n  \"samples\": [");
    int last = (int) (sec_at(st.run_end) - st.sec);
    uint64_t prev_mono = st.sched_start, prev_cpu = st.driver0_ns;
    long long prev_server = st.server0;
    for (int k = 0; k <= last; k++) {
        second *s = &st.sec[k];
        fprintf(f, "%s\n    {\"epochSecond\": %lld, \"sessions\": 0, \"rates\": {", k ? "," : "",
                st.sec_base + k + 1);
        for (int i = 0; i < NC; i++) {
            fprintf(f, "%s\"%s\": %llu", i ? ", " : "", CNAME[i], (unsigned long long) s->c[i]);
        }
        fprintf(f, "}, \"latency\": {");
        for (int h = 0; h < NS_H; h++) {
            hist *x = s->h[h];
            fprintf(f, "%s\"%s\": {\"count\": %llu, \"p50\": %llu, \"p99\": %llu, \"max\": %llu}", h ? ", " : "",
                    HNAME[SH_OF[h]], (unsigned long long) (x ? x->n : 0), (unsigned long long) (x ? hpct(x, 50) : 0),
                    (unsigned long long) (x ? hpct(x, 99) : 0), (unsigned long long) (x ? x->max : 0));
        }
        double span = s->ticked ? (double) (s->tick_mono - prev_mono) / 1e9 : 0;
        double server = -1, driver = -1;
        if (s->ticked && span > 0) {
            if (prev_server >= 0 && s->server_ticks >= 0) {
                server = (double) (s->server_ticks - prev_server) / (double) sysconf(_SC_CLK_TCK) / span * 100;
            }
            driver = (double) (s->driver_cpu_ns - prev_cpu) / 1e9 / span * 100;
            prev_mono = s->tick_mono;
            prev_server = s->server_ticks;
            prev_cpu = s->driver_cpu_ns;
        }
        fprintf(f, "}, \"serverRssKb\": -1, \"serverCpuPercent\": %.1f, \"driverCpuPercent\": %.1f}", server,
                driver);
    }
    fprintf(f, "\n  ],\n");
    long long server_end = server_ticks();
    if (opt.server_pid > 0 && st.server0 >= 0 && server_end >= 0) {
        fprintf(f, "  \"server\": {\"pid\": %ld, \"cpuSeconds\": %.2f},\n", opt.server_pid,
                (double) (server_end - st.server0) / (double) sysconf(_SC_CLK_TCK));
    } else {
        fprintf(f, "  \"server\": {\"pid\": 0, \"cpuSeconds\": -1},\n");
    }
    double user = (double) (st.ru1.ru_utime.tv_sec - st.ru0.ru_utime.tv_sec)
                  + (double) (st.ru1.ru_utime.tv_usec - st.ru0.ru_utime.tv_usec) / 1e6;
    double sys = (double) (st.ru1.ru_stime.tv_sec - st.ru0.ru_stime.tv_sec)
                 + (double) (st.ru1.ru_stime.tv_usec - st.ru0.ru_stime.tv_usec) / 1e6;
    fprintf(f, "  \"driver\": {\"name\": \"push_flood (C)\", \"cpuUserSeconds\": %.3f, \"cpuSystemSeconds\": %.3f, "
               "\"cpuSeconds\": %.3f, \"wallSeconds\": %.3f, \"percentOfOneCore\": %.1f, "
               "\"cpuUsPerWrittenRequest\": %.2f, \"voluntaryContextSwitches\": %ld, "
               "\"involuntaryContextSwitches\": %ld}\n}\n",
            user, sys, user + sys, wall, wall > 0 ? (user + sys) / wall * 100 : 0,
            st.c[C_WRITTEN] ? (user + sys) * 1e6 / (double) st.c[C_WRITTEN] : 0.0,
            st.ru1.ru_nvcsw - st.ru0.ru_nvcsw, st.ru1.ru_nivcsw - st.ru0.ru_nivcsw);
    if (fclose(f) != 0) {
        perror(path);
        exit(3);
    }
}

static void print_summary(void) {
    double user = (double) (st.ru1.ru_utime.tv_sec - st.ru0.ru_utime.tv_sec)
                  + (double) (st.ru1.ru_utime.tv_usec - st.ru0.ru_utime.tv_usec) / 1e6;
    double sys = (double) (st.ru1.ru_stime.tv_sec - st.ru0.ru_stime.tv_sec)
                 + (double) (st.ru1.ru_stime.tv_usec - st.ru0.ru_stime.tv_usec) / 1e6;
    printf("push_flood: rate %g/s for %g s (+%g s prewarm), %d connections x depth %d, max in flight %d, on busy "
           "%s\n", opt.rate, opt.duration, opt.prewarm, opt.connections, opt.depth, opt.max_in_flight,
           opt.drop_when_busy ? "drop" : "wait");
    printf("  due %llu, written %llu (late %llu), not sent %llu; accepted %llu, refused 429 %llu, other %llu, "
           "connection errors %llu\n", (unsigned long long) st.c[C_SENT], (unsigned long long) st.c[C_WRITTEN],
           (unsigned long long) st.c[C_LATE], (unsigned long long) st.c[C_NOTSENT], (unsigned long long) st.c[C_ACC],
           (unsigned long long) st.c[C_REF], (unsigned long long) st.c[C_OTH], (unsigned long long) st.c[C_ERR]);
    for (int i = 0; i < NH; i++) {
        const hist *h = &st.h[i];
        if (h->n) {
            printf("  %-17s n %8llu  p50 %9.3f  p90 %9.3f  p99 %9.3f  p99.9 %9.3f  max %9.3f ms\n", HNAME[i],
                   (unsigned long long) h->n, hpct(h, 50) / 1e3, hpct(h, 90) / 1e3, hpct(h, 99) / 1e3,
                   hpct(h, 99.9) / 1e3, h->max / 1e3);
        }
    }
    for (int i = 0; i < st.nfail; i++) {
        printf("  failure %s: %llu\n", st.fail_name[i], (unsigned long long) st.fail_n[i]);
    }
    printf("  driver CPU %.3f s (user %.3f, system %.3f): %.2f us per written request\n", user + sys, user, sys,
           st.c[C_WRITTEN] ? (user + sys) * 1e6 / (double) st.c[C_WRITTEN] : 0.0);
}

static void usage(void) {
    fprintf(stderr, "usage: push_flood [push] --http http://HOST:PORT --rate R [--duration 10s] [--prewarm 0s]\n"
                    "       [--http-connections 1] [--http-depth 0] [--max-in-flight 1000] [--target room]\n"
                    "       [--room-type live] [--room-id 1000] [--operation 1000] [--payload-size 64]\n"
                    "       [--server-pid PID] [--on-busy wait|drop] [--drain 15s]\n"
                    "       (--out DIR [--name push] | --json FILE)\n");
    exit(2);
}

/* URLEncoder.encode: letters, digits and .-*_ stay, space is +, the rest %XX */
static void url_enc(char *out, size_t n, const char *s) {
    size_t o = 0;
    for (; *s && o + 4 < n; s++) {
        unsigned char ch = (unsigned char) *s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr(".-*_", ch)) {
            out[o++] = (char) ch;
        } else if (ch == ' ') {
            out[o++] = '+';
        } else {
            o += (size_t) snprintf(out + o, n - o, "%%%02X", ch);
        }
    }
    out[o] = 0;
}

int main(int argc, char **argv) {
    enum { O_HTTP = 1, O_RATE, O_DUR, O_PRE, O_CONN, O_DEPTH, O_MIF, O_TARGET, O_RTYPE, O_RID, O_OP, O_SIZE, O_PID,
           O_BUSY, O_OUT, O_NAME, O_JSON, O_DRAIN };
    static struct option longs[] = {
        {"http", 1, 0, O_HTTP}, {"rate", 1, 0, O_RATE}, {"duration", 1, 0, O_DUR}, {"prewarm", 1, 0, O_PRE},
        {"http-connections", 1, 0, O_CONN}, {"http-depth", 1, 0, O_DEPTH}, {"max-in-flight", 1, 0, O_MIF},
        {"target", 1, 0, O_TARGET}, {"room-type", 1, 0, O_RTYPE}, {"room-id", 1, 0, O_RID},
        {"operation", 1, 0, O_OP}, {"payload-size", 1, 0, O_SIZE}, {"server-pid", 1, 0, O_PID},
        {"on-busy", 1, 0, O_BUSY}, {"out", 1, 0, O_OUT}, {"name", 1, 0, O_NAME}, {"json", 1, 0, O_JSON},
        {"drain", 1, 0, O_DRAIN},
        {0, 0, 0, 0}};
    char http[512] = "http://127.0.0.1:3111", dir[800] = "", name[200] = "push";
    int o;
    while ((o = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (o) {
            case O_HTTP: snprintf(http, sizeof http, "%s", optarg); break;
            case O_RATE: opt.rate = strtod(optarg, NULL); break;
            case O_DUR: opt.duration = dur_seconds(optarg); break;
            case O_PRE: opt.prewarm = dur_seconds(optarg); break;
            case O_CONN: opt.connections = atoi(optarg); break;
            case O_DEPTH: opt.depth = atoi(optarg); break;
            case O_MIF: opt.max_in_flight = atoi(optarg); break;
            case O_TARGET:
                if (strcasecmp(optarg, "room") != 0) {
                    fprintf(stderr, "push_flood: only --target room is implemented\n");
                    return 2;
                }
                break;
            case O_RTYPE: url_enc(opt.room_type, sizeof opt.room_type, optarg); break;
            case O_RID: url_enc(opt.room_id, sizeof opt.room_id, optarg); break;
            case O_OP: opt.operation = atoi(optarg); break;
            case O_SIZE: opt.payload = atoi(optarg); break;
            case O_PID: opt.server_pid = atol(optarg); break;
            case O_BUSY:
                if (strcmp(optarg, "wait") && strcmp(optarg, "drop")) {
                    usage();
                }
                opt.drop_when_busy = strcmp(optarg, "drop") == 0;
                break;
            case O_OUT: snprintf(dir, sizeof dir, "%s", optarg); break;
            case O_NAME: snprintf(name, sizeof name, "%s", optarg); break;
            case O_JSON: snprintf(opt.out, sizeof opt.out, "%s", optarg); break;
            case O_DRAIN: opt.drain = dur_seconds(optarg); break;
            default: usage();
        }
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "push") != 0) {
            usage();
        }
    }
    if (!opt.out[0] && dir[0]) {
        snprintf(opt.out, sizeof opt.out, "%s/%s.json", dir, name);
    }
    /* PushOptions' bounds */
    if (!opt.out[0] || !(opt.rate > 0) || !(opt.duration > 0) || opt.prewarm < 0 || opt.connections < 1
        || opt.connections > MAX_CONNECTIONS || opt.depth < 0 || opt.depth > 100000 || opt.max_in_flight < 1
        || opt.max_in_flight > 100000 || opt.drain < 0 || opt.drain > 600 || opt.payload < 24
        || opt.payload > (1 << 20) || opt.operation < 1000) {
        usage();
    }
    const char *hp = strncmp(http, "http://", 7) == 0 ? http + 7 : NULL;
    if (!hp) {
        fprintf(stderr, "push_flood: --http must be http://HOST:PORT\n");
        return 2;
    }
    char *slash = strchr(hp, '/');
    if (slash) {
        *slash = 0;  /* a trailing path: PushOptions.uri strips trailing slashes only; none is used */
    }
    const char *colon = strrchr(hp, ':');
    snprintf(opt.host, sizeof opt.host, "%.*s", colon ? (int) (colon - hp) : (int) strlen(hp), hp);
    snprintf(opt.port, sizeof opt.port, "%s", colon ? colon + 1 : "80");
    snprintf(opt.hostport, sizeof opt.hostport, "%s", hp);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(opt.host, opt.port, &hints, &ai) != 0) {
        fprintf(stderr, "push_flood: cannot resolve %s\n", opt.host);
        return 2;
    }
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    addrlen = ai->ai_addrlen;
    freeaddrinfo(ai);
    headlen = (size_t) snprintf(head, sizeof head,
                                "POST /goim/push/room?operation=%d&type=%s&room=%s HTTP/1.1\r\nhost: %s\r\n"
                                "content-type: application/octet-stream\r\ncontent-length: %d\r\n\r\n",
                                opt.operation, opt.room_type, opt.room_id, colon ? hp : opt.host, opt.payload);
    signal(SIGPIPE, SIG_IGN);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    base_epoch = (uint64_t) t.tv_sec * NS + (uint64_t) t.tv_nsec;
    base_mono = mono();
    ep = epoll_create1(EPOLL_CLOEXEC);
    conns = calloc((size_t) opt.connections, sizeof(conn));
    waitq = calloc((size_t) opt.max_in_flight, sizeof(req));
    fcap = (uint32_t) opt.connections * (uint32_t) (opt.depth > 0 ? opt.depth : 1);
    freeq = calloc(fcap, sizeof(uint32_t));
    if (!conns || !waitq || !freeq) {
        perror("calloc");
        return 3;
    }
    for (int i = 0; i < opt.connections; i++) {
        conns[i].fd = -1;
        conns[i].index = i;
        conns[i].icap = 16384;
        conns[i].in = malloc(conns[i].icap);
        if (!conns[i].in) {
            perror("malloc");
            return 3;
        }
    }
    for (int d = 0; d < opt.depth; d++) {
        for (int i = 0; i < opt.connections; i++) {
            freeq[flen++] = (uint32_t) i;
        }
    }
    /* connect the pool before the schedule (the Java tool connects on first use; its prewarm does the same) */
    uint64_t now = mono();
    for (int i = 0; i < opt.connections; i++) {
        conn_open(&conns[i], now);
    }
    for (uint64_t until = now + 5 * NS; (now = mono()) < until;) {
        int connecting = 0;
        for (int i = 0; i < opt.connections; i++) {
            connecting += conns[i].state == CONNECTING;
        }
        if (!connecting) {
            break;
        }
        wait_events(now + NS / 10, now);
    }
    if (opt.prewarm > 0) {
        run_phase(opt.prewarm, 0);
    }
    run_phase(opt.duration, 1);
    for (int i = 0; i < opt.connections; i++) {
        if (conns[i].fd >= 0) {
            close(conns[i].fd);
        }
    }
    write_json(opt.out);
    print_summary();
    return 0;
}
