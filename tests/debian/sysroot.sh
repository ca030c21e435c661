#!/usr/bin/env bash
# Fetch the Debian i386 packages the suite and the benchmarks run (busybox, lua5.4, sqlite3, xz,
# 7zz, coreutils, python3.11 and the libraries they load) and unpack them into a sysroot:
#
#     tests/debian/sysroot.sh [BUILDDIR]     # default: build
#
# .debs go to BUILDDIR/debs, the unpacked tree to BUILDDIR/sysroot. Both are cached: a complete
# sysroot (stamp file listing the packages) is left alone, and .debs already downloaded are not
# downloaded again. Needs `dpkg --add-architecture i386` and apt lists (tests/deps.sh does both).
set -euo pipefail

build=${1:-build}
pkgs=(busybox-static lua5.4 liblua5.4-0 sqlite3 libsqlite3-0 libreadline8 libtinfo6 zlib1g libc6
      xz-utils liblzma5 7zip libstdc++6 libgcc-s1
      coreutils libacl1 libattr1 libselinux1 libpcre2-8-0 libgmp10
      python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libexpat1 libssl3 libffi8
      libbz2-1.0)
# python3.11's stdlib extension modules that the tests do not import (_curses, _dbm, _crypt,
# nis, readline, _sqlite3, _uuid) need libraries not listed here; everything else is complete.
stamp="$build/sysroot/.xrun-sysroot"
# What the stamp records: the packages, and that python's stdlib was byte-compiled.
want="${pkgs[*]} +pyc"

if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi

mkdir -p "$build/debs"
debs=$(cd "$build/debs" && pwd)

missing=()
for p in "${pkgs[@]}"; do
    compgen -G "$debs/${p}_*_i386.deb" >/dev/null || missing+=("$p:i386")
done

# apt-get download writes into the current directory; as root it warns (harmlessly) when the
# _apt sandbox user cannot write there, so let it.
download() { (cd "$debs" && chmod a+rwx . 2>/dev/null; apt-get download "$@"); }

if ((${#missing[@]})); then
    echo "sysroot: downloading ${missing[*]}" >&2
    if ! download "${missing[@]}"; then
        # Stale or missing i386 package lists are the usual cause: refresh them once if we can.
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update >&2 || echo "sysroot: apt-get update reported errors, retrying anyway" >&2
        elif command -v sudo >/dev/null; then
            sudo apt-get update >&2 || echo "sysroot: apt-get update reported errors, retrying anyway" >&2
        fi
        download "${missing[@]}" || {
            echo "sysroot: cannot download ${missing[*]} (is the i386 architecture enabled? run tests/deps.sh)" >&2
            exit 1
        }
    fi
fi

tmp=$(mktemp -d "$build/sysroot.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
for p in "${pkgs[@]}"; do
    deb=$(compgen -G "$debs/${p}_*_i386.deb" | sort | tail -n 1)
    dpkg -x "$deb" "$tmp"
done
for f in bin/busybox usr/bin/lua5.4 usr/bin/sqlite3 lib/ld-linux.so.2 usr/bin/xz usr/bin/7zz \
         usr/bin/sort usr/bin/timeout bin/sleep usr/bin/python3.11 usr/lib/python3.11/threading.py; do
    [[ -e $tmp/$f ]] || { echo "sysroot: $f missing after unpacking" >&2; exit 1; }
done
# Byte-compile python's stdlib as dpkg's postinst (py3compile) would on an installed system:
# without .pyc files every python3.11 run compiles each module it imports, which under xrun's
# interpreter tier takes a minute. Any CPython 3.11 writes the same .pyc files (the bytecode
# is the same on every platform); the paths in them are the final sysroot's. The host's
# python3 is used when it is 3.11, else the sysroot's own python3.11 under qemu-i386.
final=$(cd "$build" && pwd)/sysroot
compile=(-m compileall -q -j 0 -s "$tmp" -p "$final" "$tmp/usr/lib/python3.11")
if python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python3 "${compile[@]}" >/dev/null
elif command -v qemu-i386 >/dev/null; then
    QEMU_LD_PREFIX=$tmp LD_LIBRARY_PATH=$tmp/lib/i386-linux-gnu:$tmp/usr/lib/i386-linux-gnu \
        qemu-i386 "$tmp/usr/bin/python3.11" "${compile[@]}" >/dev/null
fi
[[ -e $tmp/usr/lib/python3.11/__pycache__/threading.cpython-311.pyc ]] || {
    echo "sysroot: cannot byte-compile python3.11's stdlib (needs python3.11 or qemu-i386)" >&2
    exit 1
}
echo "$want" >"$tmp/.xrun-sysroot"
if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    exit 0  # another run finished first
fi
rm -rf "$build/sysroot"
mv "$tmp" "$build/sysroot"
echo "sysroot: ready in $build/sysroot" >&2
