# goevent - libevent 2.1's core in Go, as a drop-in C library.
#
#   make              build headers' libraries into build/lib (runs nothing)
#   make demo         build, then run examples/hello-world.c with a client
#   make               also builds build/bin/goevent (cmd/goevent: check, run)
#   make test         every test: Go tests (examples included), then the C suite
#                     (differential, fork, seed program, binary drop-in; again in
#                     debug mode), then test-cmake (skipped without cmake)
#   make deb          build/goevent_$(VERSION)_amd64.deb; make test-deb (root) installs,
#                     uses and removes it
#   make bench        our library vs Debian's libevent, side by side, one row per
#                     shape with ratios and a geomean (REPS=3, BENCH=row1,row2*;
#                     writes build/bench/results.md; see bench/README.md)
#   make abi-report   the 240 core and 208 extra functions and their state; rewrites docs/COMPATIBILITY.md
#   make install PREFIX=/usr/local DESTDIR=   (libraries, headers, pkg-config and
#                     CMake files, bin/goevent)

GO      ?= go
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=

ROOT    := $(CURDIR)
BUILD   := build
LIBDIR  := $(BUILD)/lib
OBJDIR  := $(BUILD)/obj
PCDIR   := $(LIBDIR)/pkgconfig
GOEVENT_BIN := $(BUILD)/bin/goevent

SOVER   := 2.1.so.7
CORE    := $(LIBDIR)/libgoevent_core-$(SOVER)
LIBCORE := $(LIBDIR)/libevent_core-$(SOVER)
LIBEV   := $(LIBDIR)/libevent-$(SOVER)
LIBPTH  := $(LIBDIR)/libevent_pthreads-$(SOVER)
LIBEXT  := $(LIBDIR)/libevent_extra-$(SOVER)
LIBSSL  := $(LIBDIR)/libevent_openssl-$(SOVER)
ABI     := tools/abi/libevent-2.1.12-abi.tsv
ABI_INT := tools/abi/internal-exports.txt
# extra (evdns, evhttp, evrpc, evtag): the names implemented so far (a
# subset of tools/abi/libevent-2.1.12-extra-abi.tsv); only these are exported.
ABI_EXT := tools/abi/extra-exports.txt
MAP     := $(BUILD)/libevent.map
# libevent_openssl exports its 7 functions only.
ABI_SSL := tools/abi/libevent-2.1.12-openssl-abi.tsv
MAP_SSL := $(BUILD)/libevent_openssl.map

CAPI_SRC := $(wildcard capi/*.c)
CAPI_OBJ := $(patsubst capi/%.c,$(OBJDIR)/%.o,$(CAPI_SRC))
PTH_SRC  := $(wildcard capi/pthreads/*.c)
PTH_OBJ  := $(patsubst capi/pthreads/%.c,$(OBJDIR)/pthreads/%.o,$(PTH_SRC))
SSL_SRC  := $(wildcard capi/ssl/*.c)
SSL_OBJ  := $(patsubst capi/ssl/%.c,$(OBJDIR)/ssl/%.o,$(SSL_SRC))
HEADERS  := $(shell find include -name '*.h')
GO_SRC   := $(shell find capi/gocore core reactor internal extra -name '*.go' ! -name '*_test.go') \
            $(shell find capi/gocore core reactor internal extra -name '*.[ch]' ! -path '*/lazystart/*') \
            $(wildcard capi/*.h) go.mod

# Go's build cache does not see C headers outside a package's directory:
# the cgo packages include capi/*.h and include/, so a change there would
# leave stale objects (a struct laid out the old way). Their hash in
# CGO_CFLAGS is part of every cgo package's cache key.
HDR_HASH := $(shell cat capi/*.h $(HEADERS) | sha1sum | cut -c1-16)
export CGO_CFLAGS := $(or $(CGO_CFLAGS),-g -O2) -DGEV_HEADERS_SHA1=$(HDR_HASH)

CFLAGS_CAPI := -O2 -g -fPIC -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Icapi
LDFLAGS_LIB := -shared -Wl,--version-script=$(MAP) -Wl,-z,nodelete -Wl,--no-undefined
# The C libraries find the core beside themselves ($ORIGIN) or on the library path.
LINK_CORE   := -L$(LIBDIR) -l:libgoevent_core-$(SOVER) -Wl,-rpath,'$$ORIGIN'

.PHONY: all libs devlinks pkgconfig demo test test-headers test-go test-c test-cmake test-examples test-programs programs-doc bench abi-report install deb test-deb clean

all: libs pkgconfig $(GOEVENT_BIN)

# The goevent command (cmd/goevent): check and run programs on goevent. It
# finds the libraries relative to itself (build/bin -> build/lib).
$(GOEVENT_BIN): $(wildcard cmd/goevent/*.go cmd/goevent/*.tsv) go.mod
	@mkdir -p $(dir $@)
	$(GO) build -trimpath -o $@ ./cmd/goevent

libs: $(CORE) $(LIBCORE) $(LIBEV) $(LIBEXT) $(LIBPTH) $(LIBSSL) devlinks

# The Go core: Go's c-archive objects linked into one shared object that
# exports two symbols (capi/gocore/core.map). The C libraries depend on it, so
# it is mapped at program start and survives chroot; its Go runtime starts
# with the first event_base or first use, never at load (fork safety): go.o's
# load-time constructor is removed and the runtime's entry point is called by
# lazystart.c instead. runtime/cgo's pthread_key_create and pthread_getattr_np
# calls go through lazystart.c (--wrap): the key is deleted in a forked child,
# the initial thread's stack is worked out off the program's thread.
# Relative relocations are packed (DT_RELR, glibc 2.36): the dynamic linker
# reads a 5 KB table instead of 350 KB of RELA entries at every start.
GOARCH_ := $(shell $(GO) env GOARCH)
GO_RT0  := _rt0_$(GOARCH_)_linux_lib
GOARC   := $(OBJDIR)/gocore.a
GOOBJ   := $(OBJDIR)/gocore

$(GOARC): $(GO_SRC) Makefile
	@mkdir -p $(OBJDIR)
	$(GO) build -buildmode=c-archive -trimpath -ldflags "-s -w" -o $@ ./capi/gocore
	@rm -f $(OBJDIR)/gocore.h

$(CORE): $(GOARC) capi/gocore/lazystart/lazystart.c capi/gocore/core.map capi/gev_internal.h
	@mkdir -p $(LIBDIR)
	@rm -rf $(GOOBJ) && mkdir -p $(GOOBJ) && cd $(GOOBJ) && ar x ../gocore.a
	objcopy --remove-section=.init_array --remove-section=.rela.init_array \
	  --globalize-symbol=$(GO_RT0) $(GOOBJ)/go.o
	@if readelf -SW $(GOOBJ)/*.o | grep -q init_array; then \
	  echo "a Go core object still has a load-time constructor" >&2; exit 1; fi
	$(CC) $(CFLAGS_CAPI) -DGEV_GO_RT0=$(GO_RT0) -c -o $(GOOBJ)/lazystart.o capi/gocore/lazystart/lazystart.c
	$(CC) -shared -s -Wl,-soname,libgoevent_core-$(SOVER) -Wl,--version-script=capi/gocore/core.map \
	  -Wl,-z,nodelete -Wl,-z,relro -Wl,-z,now -Wl,--no-undefined -Wl,--wrap=pthread_key_create -Wl,--wrap=pthread_getattr_np \
	  -Wl,-z,pack-relative-relocs \
	  -o $@ $(GOOBJ)/*.o -lpthread

# Only libevent's public names leave the C libraries.
$(MAP): $(ABI) $(ABI_INT) $(ABI_EXT)
	@mkdir -p $(BUILD)
	@{ echo '{'; echo '  global:'; { cut -f1 $(ABI); grep -v '^#' $(ABI_INT); grep -v '^#' $(ABI_EXT); } | sed 's/.*/    &;/'; echo '  local: *;'; echo '};'; } > $@

$(OBJDIR)/%.o: capi/%.c $(HEADERS) $(wildcard capi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_CAPI) -c -o $@ $<

# libevent_core, libevent and libevent_extra are the same C layer under three
# sonames, each exporting the core's and the extra's names (Debian's
# libevent-2.1 carries core + extra); whichever a program links, all calls
# resolve to one copy and one Go core.
$(LIBCORE): $(CAPI_OBJ) $(MAP) $(CORE)
	$(CC) $(LDFLAGS_LIB) -Wl,-soname,libevent_core-$(SOVER) -o $@ $(CAPI_OBJ) $(LINK_CORE) -lpthread

$(LIBEV): $(CAPI_OBJ) $(MAP) $(CORE)
	$(CC) $(LDFLAGS_LIB) -Wl,-soname,libevent-$(SOVER) -o $@ $(CAPI_OBJ) $(LINK_CORE) -lpthread

$(LIBEXT): $(CAPI_OBJ) $(MAP) $(CORE)
	$(CC) $(LDFLAGS_LIB) -Wl,-soname,libevent_extra-$(SOVER) -o $@ $(CAPI_OBJ) $(LINK_CORE) -lpthread

$(LIBPTH): $(PTH_OBJ) $(MAP) $(LIBCORE)
	$(CC) $(LDFLAGS_LIB) -Wl,-soname,libevent_pthreads-$(SOVER) -o $@ $(PTH_OBJ) \
	  -L$(LIBDIR) -Wl,--no-as-needed -l:libevent_core-$(SOVER) -Wl,--as-needed -lpthread

# libevent_openssl: the only library that links OpenSSL (libssl-dev at build
# time). It reaches the C layer through libevent_core's private entry point
# goevent_ssl_api (capi/gev_ssl.h); the Go core never loads OpenSSL.
$(MAP_SSL): $(ABI_SSL)
	@mkdir -p $(BUILD)
	@{ echo '{'; echo '  global:'; cut -f1 $(ABI_SSL) | sed 's/.*/    &;/'; echo '  local: *;'; echo '};'; } > $@

$(OBJDIR)/ssl/%.o: capi/ssl/%.c $(HEADERS) capi/gev_ssl.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_CAPI) $(shell pkg-config --cflags openssl) -c -o $@ $<

$(LIBSSL): $(SSL_OBJ) $(MAP_SSL) $(LIBCORE)
	$(CC) -shared -Wl,--version-script=$(MAP_SSL) -Wl,-z,nodelete -Wl,--no-undefined \
	  -Wl,-soname,libevent_openssl-$(SOVER) -o $@ $(SSL_OBJ) \
	  -L$(LIBDIR) -Wl,--no-as-needed -l:libevent_core-$(SOVER) -Wl,--as-needed \
	  $(shell pkg-config --libs openssl) -lpthread -Wl,-rpath,'$$ORIGIN'

devlinks: $(LIBCORE) $(LIBEV) $(LIBEXT) $(LIBPTH) $(LIBSSL)
	@ln -sf libevent-$(SOVER) $(LIBDIR)/libevent.so
	@ln -sf libevent_core-$(SOVER) $(LIBDIR)/libevent_core.so
	@ln -sf libevent_extra-$(SOVER) $(LIBDIR)/libevent_extra.so
	@ln -sf libevent_pthreads-$(SOVER) $(LIBDIR)/libevent_pthreads.so
	@ln -sf libevent_openssl-$(SOVER) $(LIBDIR)/libevent_openssl.so

# pkg-config files for the build tree (absolute paths into this checkout).
pkgconfig: $(PCDIR)/libevent.pc $(PCDIR)/libevent_core.pc $(PCDIR)/libevent_extra.pc $(PCDIR)/libevent_pthreads.pc $(PCDIR)/libevent_openssl.pc

$(PCDIR)/%.pc: tools/pkgconfig.sh
	@mkdir -p $(PCDIR)
	@sh tools/pkgconfig.sh $* "$(ROOT)" "$(ROOT)/$(LIBDIR)" "$(ROOT)/include" > $@

demo: all
	@bash examples/demo.sh

test: all
	$(MAKE) test-headers
	$(MAKE) test-go
	$(MAKE) test-c
	$(MAKE) test-cmake

# Our headers against Debian's (the oracle), when its headers are installed.
test-headers:
	@if [ -f /usr/include/event2/event.h ]; then bash tools/check-headers.sh; \
	else echo "test-headers: skipped (Debian's libevent-dev is not installed)"; fi

# The model and fuzz-corpus tests at full length, then everything again under
# the race detector with -short (the randomized model tests shrink: under -race
# they cost minutes and find nothing the full-length run does not).
test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -race -short -count=1 ./...

# Every case on both backends, then the transcripts re-checked against the
# real libevent (when installed) on both. Then the whole suite again in
# libevent's debug mode (run.sh --debug-mode: event_enable_debug_mode before
# main), ours and the real libevent's transcripts, on epoll only: debug mode
# checks the same things on every backend, whose differences the normal runs
# cover, and each debug run costs about a minute on 2 cores (tests/c/README.md).
test-c: all
	bash tests/c/run.sh --impl ours
	bash tests/c/run.sh --impl ours --backend poll
	bash tests/c/run.sh --check-stale
	bash tests/c/run.sh --check-stale --backend poll
	bash tests/c/run.sh --impl ours --debug-mode
	bash tests/c/run.sh --check-stale --debug-mode

# Debian's own binaries of libevent programs on our library (tests/programs/README.md).
test-programs: all
	bash tests/programs/run.sh

# docs/PROGRAMS.md from the program scripts and the last test-programs results.
programs-doc: all
	bash tests/programs/doc.sh

bench: all
	bash bench/run.sh

abi-report: all
	@bash tools/abi-report.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/event2 $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/*.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/event2/*.h $(DESTDIR)$(PREFIX)/include/event2/
	install -m 755 $(CORE) $(LIBCORE) $(LIBEV) $(LIBEXT) $(LIBPTH) $(LIBSSL) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libevent-$(SOVER) $(DESTDIR)$(PREFIX)/lib/libevent.so
	ln -sf libevent_core-$(SOVER) $(DESTDIR)$(PREFIX)/lib/libevent_core.so
	ln -sf libevent_extra-$(SOVER) $(DESTDIR)$(PREFIX)/lib/libevent_extra.so
	ln -sf libevent_pthreads-$(SOVER) $(DESTDIR)$(PREFIX)/lib/libevent_pthreads.so
	ln -sf libevent_openssl-$(SOVER) $(DESTDIR)$(PREFIX)/lib/libevent_openssl.so
	for pc in libevent libevent_core libevent_extra libevent_pthreads libevent_openssl; do \
	  sh tools/pkgconfig.sh $$pc "$(PREFIX)" "$(PREFIX)/lib" "$(PREFIX)/include" \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc; done
	sh tools/cmake.sh $(DESTDIR)$(PREFIX)/lib/cmake/libevent "$(PREFIX)/lib" "$(PREFIX)/include"
	install -m 755 $(GOEVENT_BIN) $(DESTDIR)$(PREFIX)/bin/goevent

# find_package(Libevent 2.1 COMPONENTS core pthreads) against a scratch
# install (tests/cmake/run.sh; needs cmake, skipped without it).
test-cmake: all
	rm -rf $(BUILD)/cmake-prefix
	$(MAKE) --no-print-directory install PREFIX=$(ROOT)/$(BUILD)/cmake-prefix >/dev/null
	bash tests/cmake/run.sh $(BUILD)/cmake-prefix

# The examples against ours and Debian's libevent, each with a scripted
# client (tests/examples; also part of test-go's first pass).
test-examples: all
	$(GO) test -count=1 -v ./tests/examples

# goevent_<version>_amd64.deb (dpkg-deb, no network): libraries in
# /usr/lib/x86_64-linux-gnu/goevent (never shadowing the system's libevent),
# headers in /usr/include/goevent, goevent in /usr/bin (tools/deb.sh).
VERSION ?= 0.1.0
DEB     := $(BUILD)/goevent_$(VERSION)_amd64.deb
deb: all
	bash tools/deb.sh $(VERSION) $(DEB)

# Installs the .deb (root only), runs goevent on the hello-world and on
# tmux, removes it and checks nothing is left (tests/deb/run.sh).
test-deb: deb
	bash tests/deb/run.sh $(DEB)

clean:
	rm -rf $(BUILD)
