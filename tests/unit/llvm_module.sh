#!/usr/bin/env bash
# The LLVM backend is a module loaded on demand (backend/llvm_load.c):
# - a short program in auto mode never loads it (--stats says so);
# - --tier=jit loads it and compiles;
# - when the module cannot be loaded, xrun says so once and runs the program interpreted,
#   with the same output and status.
#     llvm_module.sh XRUN HELLO_C WORKDIR
set -u
xrun=$1 src=$2 work=$3
mkdir -p "$work"
prog=$work/hello-llvm-module
gcc -m32 -O2 -static -o "$prog" "$src" || { echo "gcc -m32 failed"; exit 1; }
fail=0
check() { # name, condition
    if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi
}

out=$("$xrun" --stats --tier=auto "$prog" 2>"$work/err1"); st=$?
check "auto: status 3" '[ $st = 3 ]'
check "auto: output" '[ "$out" = "hello from i386" ]'
check "auto: LLVM never loaded" 'grep -q "LLVM backend *not loaded" "$work/err1"'

out=$("$xrun" --stats --tier=jit "$prog" 2>"$work/err2"); st=$?
check "jit: status 3" '[ $st = 3 ]'
check "jit: output" '[ "$out" = "hello from i386" ]'
check "jit: LLVM loaded" 'grep -q "LLVM backend *loaded" "$work/err2"'
check "jit: blocks compiled" 'grep -Eq "LLVM compiles +[1-9]" "$work/err2"'

out=$(XRUN_LLVM_MODULE=/nonexistent/xrun-llvm.so "$xrun" --stats --tier=jit "$prog" \
    2>"$work/err3"); st=$?
check "missing module: status 3" '[ $st = 3 ]'
check "missing module: output" '[ "$out" = "hello from i386" ]'
check "missing module: one message" \
    '[ "$(grep -c "cannot load the LLVM backend" "$work/err3")" = 1 ]'
check "missing module: nothing compiled" 'grep -Eq "LLVM compiles +0 " "$work/err3"'
exit $fail
