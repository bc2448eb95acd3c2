/**
 * Imported first by src/main.ts, before anything can use libuv's threadpool (it is created on
 * first use with UV_THREADPOOL_SIZE threads, default 4). Every SQLite statement of both
 * threads runs on it (node-sqlite3), and a statement waiting for its connection's mutex or for
 * the write lock holds a pool thread meanwhile: with 4, the worker's statements could occupy all
 * of them and the main thread's acknowledging INSERT would wait for a free one (issue 14 item 9).
 * A value set in the environment wins.
 */
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '16';

export {};
