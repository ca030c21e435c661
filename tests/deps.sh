#!/usr/bin/env bash
# Install what building and testing xrun needs on Debian 12 (bookworm):
#
#     tests/deps.sh
#
# Runs as root directly, otherwise through sudo. Does nothing when every package is already
# installed (checked with dpkg -s), so it is cheap to run before every build. qemu-user is the
# suite's live reference on kernels that do not run i386 code (and bench/run's comparison);
# util-linux provides unshare, which runs it in a private binfmt_misc namespace.
set -euo pipefail

required=(gcc-multilib libcapstone-dev llvm-19-dev libffi-dev meson ninja-build pkg-config
          libc6:i386 libc6-dev-i386 python3 qemu-user util-linux)

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "deps.sh: not root and no sudo: cannot install packages" >&2
    exit 1
fi

missing_of() {
    local p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || echo "$p"
    done
}

mapfile -t missing < <(missing_of "${required[@]}")
if ((${#missing[@]} == 0)); then
    echo "deps.sh: all packages present"
    exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    "${sudo[@]}" dpkg --add-architecture i386
fi

# Mirrors occasionally serve one index with "File has unexpected size" while it is being
# updated: retry a couple of times, then carry on with whatever lists we have.
for attempt in 1 2 3; do
    if "${sudo[@]}" apt-get update; then
        break
    fi
    echo "deps.sh: apt-get update failed (attempt $attempt)" >&2
    sleep $((attempt * 5))
done

install() {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "$@"
}

echo "deps.sh: installing ${missing[*]}"
install "${missing[@]}"

mapfile -t still < <(missing_of "${required[@]}")
if ((${#still[@]})); then
    echo "deps.sh: still missing: ${still[*]}" >&2
    exit 1
fi
echo "deps.sh: done"
