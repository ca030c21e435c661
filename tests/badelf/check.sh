#!/bin/sh
# Run every case of expect.txt: check.sh XRUN DIR (DIR made by gen).
# Prints one line per failure and "N passed, N failed"; exit 1 on failure.
xrun=$1 dir=$2 here=$(dirname "$0")
pass=0 fail=0
tab=$(printf '\t')
while IFS="$tab" read -r name status substr; do
    case "$name" in '' | '#'*) continue ;; esac
    out=$("$xrun" "$dir/$name" 2>&1 >/dev/null)
    st=$?
    if [ "$st" -ne "$status" ]; then
        echo "FAIL $name: status $st, expected $status: $out"; fail=$((fail + 1))
    elif [ -z "$substr" ]; then
        pass=$((pass + 1))
    elif ! printf '%s' "$out" | grep -qF -- "$substr"; then
        echo "FAIL $name: message '$out' lacks '$substr'"; fail=$((fail + 1))
    elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
        echo "FAIL $name: more than one line: $out"; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done < "$here/expect.txt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
