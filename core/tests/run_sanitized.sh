#!/usr/bin/env bash
# The compiled core's own tests under AddressSanitizer and UndefinedBehaviorSanitizer: any
# memory error or undefined behaviour aborts with a non-zero exit (run by `bash run.sh test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/polyrelu-core-sanitized"
mkdir -p "$out"
rm -f "$out"/*.o  # a source that was removed must not be linked from an old run
flags=(-std=c++20 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -Icore/src)
# one object per source, two at a time (the machine has two cores)
printf '%s\n' core/src/*.cpp core/tests/test_core.cpp | grep -v module.cpp |
  xargs -P 2 -I{} sh -c 'g++ "$@" -c {} -o "'"$out"'/$(basename {} .cpp).o"' _ "${flags[@]}"
g++ "${flags[@]}" "$out"/*.o -lgmpxx -lgmp -pthread -o "$out/test_core"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/test_core"
