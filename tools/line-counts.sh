#!/usr/bin/env bash
# line-counts.sh - prints the lines of C and Go per layer (non-test, non-blank).
set -euo pipefail
cd "$(dirname "$0")/.."
count() { cat "$@" 2>/dev/null | grep -cv '^[[:space:]]*$' || true; }
echo "| layer | language | lines (non-blank) |"
echo "|---|---|---|"
echo "| capi (C layer, libevent_pthreads, libevent_openssl) | C | $(count capi/*.c capi/*.h capi/pthreads/*.c capi/ssl/*.c) |"
echo "| capi/gocore (exports) | Go + C | $(count capi/gocore/*.go capi/gocore/*.c) |"
echo "| reactor | Go | $(count $(find reactor -name '*.go' ! -name '*_test.go')) |"
echo "| core | Go | $(count $(find core -name '*.go' ! -name '*_test.go')) |"
echo "| extra (evdns, evhttp) | Go | $(count $(find extra -name '*.go' ! -name '*_test.go')) |"
echo "| internal | Go | $(count $(find internal -name '*.go' ! -name '*_test.go')) |"
echo "| include (public headers) | C | $(count include/*.h include/event2/*.h) |"
echo "| Go tests | Go | $(count $(find . -name '*_test.go')) |"
echo "| C tests | C + sh | $(count tests/c/cases/*.c tests/c/*.sh tests/c/scripts/*.sh tests/c/tools/*.c) |"
