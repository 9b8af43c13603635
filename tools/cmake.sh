#!/bin/sh
# cmake.sh DIR LIBDIR INCLUDEDIR - writes DIR/LibeventConfig.cmake and
# DIR/LibeventConfigVersion.cmake for goevent: libevent 2.1's CMake package
# names (components core, extra, pthreads, openssl; targets libevent::core,
# ...; LIBEVENT_INCLUDE_DIRS, LIBEVENT_LIBRARIES, ...) pointing at goevent's
# libraries in LIBDIR and headers in INCLUDEDIR (absolute paths).
set -e
dir=$1 libdir=$2 includedir=$3
mkdir -p "$dir"
cat > "$dir/LibeventConfigVersion.cmake" <<CM
# goevent provides libevent 2.1.12's API and ABI: a request for 2.x up to
# 2.1.12 is satisfied; 64-bit builds only (x86_64).
set(PACKAGE_VERSION "2.1.12")
if(PACKAGE_FIND_VERSION_MAJOR AND NOT PACKAGE_FIND_VERSION_MAJOR EQUAL 2)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (64-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
CM
cat > "$dir/LibeventConfig.cmake" <<CM
# LibeventConfig.cmake - goevent as libevent 2.1 for find_package(Libevent).
#
#   find_package(Libevent 2.1 REQUIRED COMPONENTS core pthreads)
#   target_link_libraries(app PRIVATE libevent::core libevent::pthreads)
#
# Components: core, extra, pthreads, openssl (none named: all of them).
# Imported targets: libevent::core, libevent::extra, libevent::pthreads,
# libevent::openssl (shared libraries; extra, pthreads and openssl bring
# libevent::core along).
# Variables: LIBEVENT_INCLUDE_DIRS, LIBEVENT_LIBRARIES (the targets of the
# components asked for), LIBEVENT_SHARED_LIBRARIES (the same),
# LIBEVENT_STATIC_LIBRARIES (empty: goevent has no static libraries),
# LIBEVENT_FOUND, Libevent_<component>_FOUND, LIBEVENT_VERSION, and
# LIBEVENT_GOEVENT (TRUE: this is goevent, not libevent's own build).

set(LIBEVENT_VERSION "2.1.12")
set(LIBEVENT_GOEVENT TRUE)
set(LIBEVENT_INCLUDE_DIRS "$includedir")
set(_goevent_libdir "$libdir")
set(_goevent_all core extra pthreads openssl)

find_package(Threads QUIET)

foreach(_c IN LISTS _goevent_all)
  if(NOT TARGET libevent::\${_c})
    set(_f "\${_goevent_libdir}/libevent_\${_c}-2.1.so.7")
    if(EXISTS "\${_f}")
      add_library(libevent::\${_c} SHARED IMPORTED)
      set_target_properties(libevent::\${_c} PROPERTIES
        IMPORTED_LOCATION "\${_f}"
        IMPORTED_SONAME "libevent_\${_c}-2.1.so.7"
        INTERFACE_INCLUDE_DIRECTORIES "\${LIBEVENT_INCLUDE_DIRS}")
      if(NOT _c STREQUAL "core")
        set_property(TARGET libevent::\${_c} APPEND PROPERTY INTERFACE_LINK_LIBRARIES libevent::core)
      endif()
      if(_c STREQUAL "pthreads" AND TARGET Threads::Threads)
        set_property(TARGET libevent::\${_c} APPEND PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
      endif()
    endif()
  endif()
endforeach()

set(_goevent_want \${Libevent_FIND_COMPONENTS})
if(NOT _goevent_want)
  set(_goevent_want \${_goevent_all})
endif()

set(LIBEVENT_LIBRARIES "")
set(LIBEVENT_STATIC_LIBRARIES "")
set(Libevent_FOUND TRUE)
foreach(_c IN LISTS _goevent_want)
  if(TARGET libevent::\${_c})
    set(Libevent_\${_c}_FOUND TRUE)
    list(APPEND LIBEVENT_LIBRARIES libevent::\${_c})
  else()
    set(Libevent_\${_c}_FOUND FALSE)
    if(Libevent_FIND_REQUIRED_\${_c})
      set(Libevent_FOUND FALSE)
      set(Libevent_NOT_FOUND_MESSAGE "goevent has no component '\${_c}' (it has: \${_goevent_all}) in \${_goevent_libdir}")
    endif()
  endif()
endforeach()
set(LIBEVENT_SHARED_LIBRARIES \${LIBEVENT_LIBRARIES})
set(LIBEVENT_FOUND \${Libevent_FOUND})

if(Libevent_FOUND AND NOT Libevent_FIND_QUIETLY)
  message(STATUS "Found libevent 2.1.12 (goevent) in \${_goevent_libdir}: \${LIBEVENT_LIBRARIES}")
endif()
unset(_c)
unset(_f)
unset(_goevent_want)
CM
