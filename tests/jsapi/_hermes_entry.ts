// The entry of the Hermes bundle: puts the facade on `globalThis` (Hermes has no WebAssembly).
import { install } from "../../src/webassembly/mod.ts";

install();
