/**
 * The state shared by the section decoders while one module is decoded.
 *
 * @module
 */

import type { WasmFeatures } from "../core/features.ts";
import { FuncBodies, type ModuleDecl } from "./module.ts";
import { OpReader } from "./op_reader.ts";

/** The message for a read past the end of the module inside a section, in the spec's words. */
export const EOF_IN_SECTION = "unexpected end of section or function";

/**
 * One module being decoded: a single reader over the whole module, the enabled features and
 * the declaration being filled in.
 *
 * The reader's bound is the end of the module, not of the current section: like the spec
 * interpreter, a section is read as far as its content goes and its declared size is checked
 * afterwards ("section size mismatch"). Both ways accept the same modules; this one reports
 * the testsuite's messages for the malformed ones.
 */
export class DecodeContext {
  /** Reads the module, instructions included. */
  readonly reader: OpReader;
  /** The module decoded so far. */
  readonly module: ModuleDecl;
  /** Number of functions the function section declares. */
  declaredFuncs = 0;
  /** Whether a function body uses a data segment index (needs a data count section). */
  usesDataIndex = false;
  /** Whether a name section was seen (later ones are ignored). */
  parsedNames = false;
  /**
   * Whether the instructions of function bodies are read now (true) or left for
   * `scanBody` when the function is first compiled (`compilationMode: "lazy"`): the code
   * section is then only framed, body by body, with its local declarations.
   */
  scanBodies = true;

  /**
   * @param bytes the module
   * @param features enabled proposals
   */
  constructor(bytes: Uint8Array, readonly features: WasmFeatures) {
    this.module = emptyModule(bytes);
    this.reader = new OpReader(bytes);
    this.reader.configure(features, this.module.typeIds);
  }

  /** Throws a `DecodeError` at `offset` (the reader's position by default). */
  fail(message: string, offset: number = this.reader.pos): never {
    return this.reader.fail(message, offset);
  }
}

function emptyModule(bytes: Uint8Array): ModuleDecl {
  return {
    bytes,
    types: [],
    typeIds: [],
    typeOffsets: [],
    imports: [],
    funcTypeIndices: [],
    importedFuncs: 0,
    funcTypeOffsets: [],
    tables: [],
    importedTables: 0,
    tableInits: [],
    tableOffsets: [],
    memories: [],
    importedMemories: 0,
    memoryOffsets: [],
    tags: [],
    importedTags: 0,
    tagOffsets: [],
    globalTypes: [],
    importedGlobals: 0,
    globals: [],
    exports: [],
    start: null,
    startOffset: null,
    elems: [],
    dataCount: null,
    bodies: new FuncBodies(),
    datas: [],
    customSections: [],
    names: { moduleName: null, funcNames: new Map(), localNames: new Map() },
  };
}
