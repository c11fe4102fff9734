/*
 * fdbudget: how chatd shares out the process's file descriptors
 * (RLIMIT_NOFILE) between itself and its connections, and how many of them
 * one source address may hold.
 *
 * Every open TCP connection is a descriptor, and so are chatd's own: stdio,
 * the event loop and lws's pipes, SQLite's database, WAL and shared memory
 * (for the loop and for any thread that reads reports), SQLite's temporary
 * files, the key file read on SIGHUP, and each static file being sent.
 * FDBUDGET_RESERVE descriptors are kept for those; the rest is the
 * connection budget. At the budget chatd closes new connections at accept,
 * so accept() itself always finds a free descriptor and never fails in a
 * loop with EMFILE.
 *
 * One source holds at most a 1/FDBUDGET_SOURCE_SHARE of the budget (and at
 * most twice max_conns_per_source, its WebSockets being capped at the
 * handshake and the rest of the room kept for page loads), so one address
 * with idle sockets leaves the rest for everyone else. max_conns_per_source
 * = 0 turns the per-source caps off; the budget stays.
 *
 * Pure: the limit comes in as a number.
 */
#ifndef FDBUDGET_H
#define FDBUDGET_H

#define FDBUDGET_RESERVE 64     /* descriptors kept for chatd's own files */
#define FDBUDGET_MIN_CONNS 16   /* a smaller budget is not worth starting with */
#define FDBUDGET_SOURCE_SHARE 4 /* one source: at most a quarter of the budget */

struct fdbudget {
    long conns;          /* TCP connections open at once, at most */
    long tcp_per_source; /* TCP connections of one source; 0: no cap */
    long ws_per_source;  /* WebSockets of one source; 0: no cap */
};

/* The budget for nofile descriptors and the configured max_conns_per_source
 * (0: no per-source cap). conns is below FDBUDGET_MIN_CONNS (maybe negative)
 * when nofile is too small to serve. */
struct fdbudget fdbudget_of(long nofile, long max_conns_per_source);

#endif
