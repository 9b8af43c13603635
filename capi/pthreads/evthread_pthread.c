/*
 * evthread_pthread.c - libevent_pthreads-2.1.so.7.
 *
 * Links to libevent_core so that `-levent_pthreads` resolves to the same C
 * layer and Go core. evthread_use_pthreads is not implemented yet (it would
 * have to make bases lockable and wakeable from other threads); until then
 * it is absent rather than a stub that pretends. See docs/COMPATIBILITY.md.
 */
typedef int gev_pthreads_placeholder_t; /* an empty translation unit is not ISO C */
