#!/usr/bin/env bash
# Build the bundled demo guest (tests/progs/hello.c) as a 32-bit i386 program and run it under
# xrun, statically and dynamically linked:
#
#     tests/demo.sh [BUILDDIR]      # default: build (where `meson compile` put xrun)
#
# hello prints a line on stdout and one on stderr and exits with status 3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
xrun=$build/xrun
if [[ ! -x $xrun ]]; then
    echo "demo: $xrun not found: run 'meson setup build && meson compile -C build' first" >&2
    exit 1
fi

out=$build/demo
mkdir -p "$out"
gcc -m32 -O2 -static -o "$out/hello-static" "$root/tests/progs/hello.c"
gcc -m32 -O2 -o "$out/hello-dyn" "$root/tests/progs/hello.c"
echo "built $out/hello-static and $out/hello-dyn (i386 ELF, gcc -m32)"

status=0
for prog in hello-static hello-dyn; do
    echo "\$ xrun $prog"
    set +e
    "$xrun" "$out/$prog"
    rc=$?
    set -e
    echo "exit status $rc"
    if [[ $rc -ne 3 ]]; then
        echo "demo: expected exit status 3 from $prog" >&2
        status=1
    fi
done
exit $status
