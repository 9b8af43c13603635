/*
 * goevent -- event2/keyvalq_struct.h
 *
 * A key/value pair and a tail-queue of such pairs (used for HTTP-style
 * header lists).  Uses <sys/queue.h>'s TAILQ macros if the program already
 * has them, and otherwise a private, layout-identical definition.
 */
#ifndef EVENT2_KEYVALQ_STRUCT_H_INCLUDED_
#define EVENT2_KEYVALQ_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TAILQ_ENTRY
#define EVENT_DEFINED_TQENTRY_
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;	/* following element */			\
	struct type **tqe_prev;	/* link field of the previous element */\
}
#endif

#ifndef TAILQ_HEAD
#define EVENT_DEFINED_TQHEAD_
#define TAILQ_HEAD(name, type)						\
struct name {								\
	struct type *tqh_first;	/* first element or NULL */		\
	struct type **tqh_last;	/* link field of the last element */	\
}
#endif

/* One key/value pair; both strings are owned by the list holding it. */
struct evkeyval {
	TAILQ_ENTRY(evkeyval) next;
	char *key;
	char *value;
};

/* Head of a list of struct evkeyval. */
TAILQ_HEAD (evkeyvalq, evkeyval);

/* Drop the private TAILQ helpers again so they cannot clash with a later
 * <sys/queue.h>. */
#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif
#ifdef EVENT_DEFINED_TQHEAD_
#undef TAILQ_HEAD
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_KEYVALQ_STRUCT_H_INCLUDED_ */
