/**
 * Test helper: WAT text to module bytes, with every feature the engine may enable.
 */
import wabtInit from "wabt";

const wabt = await wabtInit();

const FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  extended_const: true,
  multi_memory: true,
  memory64: true,
};

/** Assembles `text` into a binary module (with a name section when `names` is set). */
export function wat(text: string, { names = false } = {}): Uint8Array {
  const module = wabt.parseWat("test.wat", text, FEATURES);
  try {
    return module.toBinary({ write_debug_names: names }).buffer;
  } finally {
    module.destroy();
  }
}

/** `bytes` with a custom section `name` holding `data` appended. */
export function withCustomSection(bytes: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const payload = [...leb(nameBytes.length), ...nameBytes, ...data];
  return new Uint8Array([...bytes, 0, ...leb(payload.length), ...payload]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
