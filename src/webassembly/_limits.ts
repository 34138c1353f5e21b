/**
 * The JS embedding's static limits on modules (JS API spec, "Implementation-defined limits"):
 * a module beyond any of them must fail to compile. The engine itself has no such limits, so
 * this scan reads just the counts it needs from the module's sections; anything malformed stops
 * the scan quietly (the engine's decoder reports it properly).
 *
 * @module
 */

/** The limits, as the JS API spec lists them. */
export const JS_LIMITS = {
  types: 1_000_000,
  functions: 1_000_000,
  imports: 1_000_000,
  exports: 1_000_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  tables: 100_000,
  memories: 1,
  elementSegments: 10_000_000,
  moduleSize: 1024 * 1024 * 1024,
  functionSize: 7_654_321,
  functionLocals: 50_000,
  functionParams: 1_000,
  functionReturns: 1_000,
} as const;

/** Thrown to stop the scan (a plain object: no Error subclass, see `WasmError`). */
const STOP = { stop: true };

/**
 * Checks `bytes` against `JS_LIMITS`.
 *
 * @returns a message naming the first limit exceeded, or `null`
 */
export function checkJsLimits(bytes: Uint8Array): string | null {
  if (bytes.length > JS_LIMITS.moduleSize) {
    return `The module has ${bytes.length} bytes, above the limit of ${JS_LIMITS.moduleSize}`;
  }
  let pos = 8;
  const u8 = (): number => {
    if (pos >= bytes.length) throw STOP;
    return bytes[pos++]!;
  };
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw STOP;
  };
  const skip = (n: number): void => {
    pos += n;
    if (pos > bytes.length) throw STOP;
  };
  const limits = (): void => {
    const flags = u8();
    u32();
    if (flags & 1) u32();
  };
  const over = (what: string, n: number, limit: number): string | null =>
    n > limit ? `The module has ${n} ${what}, above the limit of ${limit}` : null;

  const paramCounts: number[] = [];
  const funcTypes: number[] = [];
  let imports = 0, tables = 0, memories = 0, functions = 0;
  try {
    while (pos < bytes.length) {
      const id = u8();
      const size = u32();
      const end = pos + size;
      let problem: string | null = null;
      switch (id) {
        case 1: { // types
          const n = u32();
          problem = over("types", n, JS_LIMITS.types);
          for (let i = 0; i < n && problem === null; i++) {
            if (u8() !== 0x60) throw STOP;
            const params = u32();
            skip(params);
            const results = u32();
            skip(results);
            paramCounts.push(params);
            problem = over("parameters in a function type", params, JS_LIMITS.functionParams) ??
              over("results in a function type", results, JS_LIMITS.functionReturns);
          }
          break;
        }
        case 2: { // imports
          imports = u32();
          problem = over("imports", imports, JS_LIMITS.imports);
          for (let i = 0; i < imports && problem === null; i++) {
            skip(u32());
            skip(u32());
            const kind = u8();
            if (kind === 0) {
              funcTypes.push(u32());
              functions++;
            } else if (kind === 1) {
              u8();
              limits();
              tables++;
            } else if (kind === 2) {
              limits();
              memories++;
            } else {
              skip(2);
            }
          }
          break;
        }
        case 3: { // functions
          const n = u32();
          problem = over("functions", functions + n, JS_LIMITS.functions);
          for (let i = 0; i < n && problem === null; i++) funcTypes.push(u32());
          break;
        }
        case 4:
          tables += u32();
          break;
        case 5:
          memories += u32();
          break;
        case 6:
          problem = over("globals", u32(), JS_LIMITS.globals);
          break;
        case 7:
          problem = over("exports", u32(), JS_LIMITS.exports);
          break;
        case 9:
          problem = over("element segments", u32(), JS_LIMITS.elementSegments);
          break;
        case 11:
          problem = over("data segments", u32(), JS_LIMITS.dataSegments);
          break;
        case 10: { // code
          const n = u32();
          for (let i = 0; i < n && problem === null; i++) {
            const bodySize = u32();
            const bodyEnd = pos + bodySize;
            problem = over("bytes in a function body", bodySize, JS_LIMITS.functionSize);
            if (problem !== null) break;
            // Imported functions come first in `funcTypes`; `functions` counts them.
            let locals = paramCounts[funcTypes[functions + i] ?? -1] ?? 0;
            const groups = u32();
            for (let g = 0; g < groups; g++) {
              locals += u32();
              u8();
              if (locals > JS_LIMITS.functionLocals) break;
            }
            problem = over("parameters and locals in a function", locals, JS_LIMITS.functionLocals);
            pos = bodyEnd;
          }
          break;
        }
      }
      problem ??= over("tables", tables, JS_LIMITS.tables) ??
        over("memories", memories, JS_LIMITS.memories);
      if (problem !== null) return problem;
      pos = end;
    }
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return null;
}
