/*
 * goevent -- event2/visibility.h
 *
 * Symbol-export decoration used on every public goevent function.
 * Programs see EVENT2_EXPORT_SYMBOL as an empty token; only the library's
 * own build (which defines GOEVENT_BUILDING_LIBRARY) turns it into a GCC
 * default-visibility attribute.
 */
#ifndef EVENT2_VISIBILITY_H_INCLUDED_
#define EVENT2_VISIBILITY_H_INCLUDED_

#include <event2/event-config.h>

#if defined(GOEVENT_BUILDING_LIBRARY) && defined(__GNUC__)
#define EVENT2_EXPORT_SYMBOL __attribute__ ((visibility("default")))
#else
#define EVENT2_EXPORT_SYMBOL
#endif

/* Historical alias for symbols of the core library. */
#ifndef EVENT2_CORE_EXPORT_SYMBOL
#define EVENT2_CORE_EXPORT_SYMBOL EVENT2_EXPORT_SYMBOL
#endif

#endif /* EVENT2_VISIBILITY_H_INCLUDED_ */
