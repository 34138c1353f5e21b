#!/usr/bin/env bash
# Rebuilds the benchmark workloads written in C. Needs clang and lld with the wasm32 target
# (Debian: apt-get install clang lld). CI has no clang, so the built .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
for src in lz.c; do
  clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=run \
    -o "${src%.c}.wasm" "$src"
  echo "built ${src%.c}.wasm ($(wc -c <"${src%.c}.wasm") bytes)"
done
# The i64 workloads: -fno-builtin keeps clang from turning their loops into calls to memset or
# memcpy, which a freestanding module does not have.
for src in sha512.c xxh64.c hashtab.c; do
  clang --target=wasm32 -O2 -fno-builtin -nostdlib -Wl,--no-entry -Wl,--export=run \
    -o "${src%.c}.wasm" "$src"
  echo "built ${src%.c}.wasm ($(wc -c <"${src%.c}.wasm") bytes)"
done
