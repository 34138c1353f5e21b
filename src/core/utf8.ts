/**
 * Strict UTF-8 decoding for names in modules: the host's `TextDecoder` where there is one, else
 * a decoder of our own with the same verdicts (engines such as Hermes and QuickJS have no
 * `TextDecoder`). Nothing here touches a global at load time.
 *
 * @module
 */

type Decode = (bytes: Uint8Array) => string | null;

let decode: Decode | null = null;

/**
 * Decodes `bytes` as UTF-8 under the Unicode standard's rules (no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequences); a leading U+FEFF is kept.
 *
 * @returns the string, or `null` when `bytes` is not valid UTF-8
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  if (decode === null) decode = hostDecoder() ?? decodeUtf8Own;
  return decode(bytes);
}

/** The part of the host's `TextDecoder` used here (typed locally: not every lib has it). */
interface HostDecoder {
  decode(bytes: Uint8Array): string;
}

function hostDecoder(): Decode | null {
  const TD = (globalThis as {
    TextDecoder?: new (
      label: string,
      options: { fatal: boolean; ignoreBOM: boolean },
    ) => HostDecoder;
  }).TextDecoder;
  if (typeof TD !== "function") return null;
  let decoder: HostDecoder;
  try {
    decoder = new TD("utf-8", { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
  return (bytes) => {
    try {
      return decoder.decode(bytes);
    } catch {
      return null;
    }
  };
}

/** The decoder used where the host has none (exported for tests). */
export function decodeUtf8Own(bytes: Uint8Array): string | null {
  let out = "";
  const units: number[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i]!;
    let cp: number;
    if (b0 < 0x80) {
      cp = b0;
      i += 1;
    } else {
      let need: number, min: number;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 1;
        min = 0x80;
        cp = b0 & 0x1f;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 2;
        min = 0x800;
        cp = b0 & 0x0f;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 3;
        min = 0x10000;
        cp = b0 & 0x07;
      } else {
        return null;
      }
      if (i + need >= n) return null;
      for (let k = 1; k <= need; k++) {
        const b = bytes[i + k];
        if (b === undefined || (b & 0xc0) !== 0x80) return null;
        cp = (cp << 6) | (b & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      i += need + 1;
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}
