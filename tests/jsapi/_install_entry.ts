// The entry of the Hermes and browser bundles: puts the facade on `globalThis` (where there is none).
import { install } from "../../src/webassembly/mod.ts";

install();
