#!/usr/bin/env bash
# Rebuilds the benchmark workloads written in C. Needs clang and lld with the wasm32 target
# (Debian: apt-get install clang lld). CI has no clang, so the built .wasm files are committed.
# The vec_* programs are built twice: with SIMD (-msimd128) and as `<name>_scalar.wasm` without.
set -euo pipefail
cd "$(dirname "$0")"
build() {
  clang --target=wasm32 -O2 "${@:3}" -nostdlib -Wl,--no-entry -Wl,--export=run -o "$2" "$1"
  echo "built $2 ($(wc -c <"$2") bytes)"
}
build lz.c lz.wasm
for src in vec_float.c vec_bytes.c; do
  build "$src" "${src%.c}.wasm" -msimd128
  build "$src" "${src%.c}_scalar.wasm"
done
# The i64 workloads: -fno-builtin keeps clang from turning their loops into calls to memset or
# memcpy, which a freestanding module does not have.
for src in sha512.c xxh64.c hashtab.c; do
  clang --target=wasm32 -O2 -fno-builtin -nostdlib -Wl,--no-entry -Wl,--export=run \
    -o "${src%.c}.wasm" "$src"
  echo "built ${src%.c}.wasm ($(wc -c <"${src%.c}.wasm") bytes)"
done
