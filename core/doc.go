// Package core is goevent's buffer layer, with libevent 2.1.12's observable
// behaviour:
//
//   - evbuffer: evbuffer*.go (segments, callbacks, file segments, descriptor
//     I/O, the windows the C layer's fast path uses);
//   - the generic bufferevent (bufferevent.go) and its backends: socket
//     (bev_socket.go), pair (bev_pair.go) and filter (bev_filter.go);
//   - rate limiting: token buckets per bufferevent and per group (ratelim.go,
//     entry points in ratelim_api.go);
//   - evconnlistener (listener.go).
//
// Memory. Everything a C program can hold or keep a pointer into lives in
// C-visible memory from internal/cmem, never in the Go heap: the handles
// (struct evbuffer, struct bufferevent + its private trailer, struct
// evconnlistener, rate-limit groups, file segments), the events embedded in
// them or kept beside them, and every data byte of a
// buffer (evbuffer_pullup returns a pointer into a segment). The Go object
// behind a handle is found through the index and generation stored in the
// handle (internal/slots: a chunked slice, lock-free lookups, a free list),
// and a magic word LIVE/DEAD in the handle catches use after free and double
// free (table.go's handleKind does these checks for every kind of handle);
// small handles sit 8 bytes into their cmem block so that cmem's free-list
// link does not overwrite the DEAD mark.
//
// Buffers. A Buffer is a singly linked chain of segments, each a block of C
// memory with a data window [off, off+n); only the last segment may be empty.
// Sizes, coalescing and reuse rules are described in evbuffer.go; reads and
// writes on descriptors (readv without FIONREAD, sendmsg with MSG_NOSIGNAL or
// writev) in evbuffer_io.go. total_len in the C handle is the only copy of
// the length, so the C layer answers evbuffer_get_length without a crossing.
//
// Bufferevents, rate limits and listeners run on goevent/reactor: their
// events are Go handler events (GEV_CLOSURE_GO) in C memory; user callbacks
// are called through the C trampolines of ccall.go (one crossing each, errno
// set for event and error callbacks). See bufferevent.go, bev_*.go,
// ratelim.go and listener.go for the semantics and the deliberate
// differences from libevent.
//
// The C-facing entry points used by the exports in capi/gocore are api.go,
// bufferevent_api.go, evbuffer_api.go, evbuffer_capi.go, ratelim_api.go and
// the Bev* functions of bev_pair.go and bev_filter.go: they validate handles
// and return libevent's failure values after logging through internal/svc.
package core
