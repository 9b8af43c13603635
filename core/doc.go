// Package core is goevent's buffer layer: evbuffer, socket bufferevents and
// evconnlistener, with libevent 2.1.12's observable behaviour.
//
// Memory. Everything a C program can hold or keep a pointer into lives in
// C-visible memory from internal/cmem, never in the Go heap: the handles
// (struct evbuffer, struct bufferevent + its private trailer, struct
// evconnlistener), the events embedded in them, and every data byte of a
// buffer (evbuffer_pullup returns a pointer into a segment). The Go object
// behind a handle is found through the index and generation stored in the
// handle (table.go: a chunked slice, lock-free lookups, a free list), and a
// magic word LIVE/DEAD in the handle catches use after free and double free;
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
// Bufferevents and listeners run on goevent/reactor: their events are Go
// handler events (GEV_CLOSURE_GO) embedded in their C structs; user callbacks
// are called through the C trampolines of ccall.go (one crossing each, errno
// set for event and error callbacks). See bufferevent.go and listener.go for
// the semantics and the deliberate differences from libevent.
//
// api.go and evbuffer_api.go are the C-facing entry points used by the
// exports in capi/gocore: they validate handles and return libevent's failure
// values after logging through internal/svc.
package core
