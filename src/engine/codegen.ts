/**
 * The second execution tier: a function's internal code (`isa.ts`, the same validated, fused
 * register code the interpreter runs) turned into one JavaScript function by `new Function`.
 *
 * ## Same frames, same stops
 * A generated function runs one frame of an `ExecStack`, exactly as the interpreter would: its
 * slots are the same words of the same value stack (`s32[fp + r]`), its operands are the code's
 * words written in as numeric literals. It starts at the pc saved in its frame. A Wasm call
 * pushes the callee's frame as the interpreter does (same `StackOverflow` checks) and calls the
 * callee's generated body directly, while the bodies nested on the JS stack stay within
 * `MAX_NESTING`; deeper, or to a callee without a body, it returns to the driver (`runTiered`),
 * which runs the callee and then continues the caller from its saved pc. So recursion is bounded
 * only by `Config`, never by the JS stack, and at every point where a call can stop (a fuel
 * charge that cannot be paid, a host function that throws or returns a Promise) the frame holds
 * what the interpreter holds: either tier can continue it.
 *
 * A call site caches the first Wasm callee it enters (keyed by the caller's instance for a
 * direct call, by the callee for an indirect one) with its body, instance, frame sizes and
 * nesting limit, and then pushes the frame itself without reading the callee's compiled code;
 * bodies take their instance as a parameter. Measured (CPU time against native V8 in the same
 * process, `bench/fib.wat`): 19.0x before, 15-16x after.
 *
 * The caller's own state (its cached slots below the callee's frame, its pc) is written back
 * only if the callee stops (returns anything but `RETURN`): the callee cannot reach those
 * words, and at a stop every generated frame on the JS stack writes its state on the way out,
 * so the frames then hold what the interpreter's would. A host function's error is passed up
 * as a status (`HOST_THREW`) rather than as a JS exception for the same reason; a trap ends
 * the call, and its backtrace needs only the frames' functions and depth, which calls keep
 * current. Where the value stack's words are a collector's roots (`Config.wasmGc`,
 * `wasmExceptions`), what a root scan reads is written before the call (see "Direct calls").
 * Elsewhere a call from a site's
 * cached callee does not even write the callee's function and frame base in the call stack:
 * the callee writes them where it stops, and its caller writes the function where a trap
 * leaves it (see `selfWrite`). Measured with an A/B script that
 * alternates both trees in one process (CPU time, best of 9, ratio new/old): fib 0.92,
 * `bench/calls.wat` 0.84, `bench/hostcall.wat` 0.84. Nor does a call zero the callee's declared
 * locals or write its pc word: a body entered at its start zeroes the locals its JS locals do
 * not cache, and takes its frame base as a parameter (`entered`) with pc 0, every stop writing
 * its pc before anything reads it (fib 0.96 and 0.92 more, calls 0.97 and 0.95).
 *
 * ## Direct calls
 * A body whose parameters and result are integers or references (`directType`; floats and
 * `collectable` code below), that writes its own call-stack entries (`selfWrite`) and is
 * structured, is generated as a direct
 * entry (`direct`: its frame base and its arguments' words as JS parameters, its result as the
 * JS result, an i64's high word in `HIGH`) and a small ordinary entry (`wasm`) that calls it
 * with the arguments from the frame's slots and writes the result back. A call site whose
 * cached callee has a direct entry calls that: its arguments straight from the caller's locals,
 * its result straight into one, no status to test, and no call-stack check (the nesting check
 * implies room in both stacks, see `roomFor`). Where such a
 * callee stops (any status but `RETURN`), it writes its state as any stop does and returns
 * `STOP` (its status in `STATUS`); every direct caller on the way writes its own state and
 * returns `STOP` on, and the ordinary entry below them returns the status:
 * the frames then hold what the interpreter's would, as before. A trap's backtrace is kept as
 * for ordinary calls (the depth is pushed, the caller writes the callee's function where a trap
 * leaves it). Measured on models of `bench/fib.wat`'s body (CPU time of fib(30), best of 10,
 * V8 compiling on the main thread, two processes alike within 3%): ordinary entries 26.5 ms;
 * direct entries with arguments and result passed through the value stack 21 ms; as JS
 * values 15 ms; of that, the two call-stack and value-stack compares in the call's guard were
 * 19 -> 14.5 ms, the `try` around the call nothing measurable. `deno task bench --tier codegen
 * --filter fib,calls,hostcall,exceptions`, two alternated runs against the tree before: fib
 * 12.0x/9.9x -> 7.1x/7.6x native; calls, hostcall and exceptions within the noise. With
 * stops returned as `STOP` and the room in both stacks implied by the nesting, CPU time (best
 * of 9 calls, two processes per tree, against the tree before direct entries): fib(30) 25.0 ->
 * 18.4 ms, `bench/calls.wat` (10^6) 29.6 -> 23.5-29.8 ms, `bench/hostcall.wat` (10^6) 13.1-13.5
 * -> 13.6-13.7 ms; binary-trees and exceptions (whose bodies are `collectable`, without direct
 * entries) unchanged.
 *
 * A direct entry takes only what changes per call (`st, depth, fp`, its nesting if it has a cost
 * above 1 (see `WINDOW` below), and the
 * arguments): the driver's compiler, bulk-fuel record and base depth, the same for every
 * call it runs, are read from the stack (`st.compiler`, ...) where used, and its instance and
 * store are constants of a closure made per instance (`make` in `directSource`, kept in the
 * instance's function entity, `WasmFuncEntity.direct`, see `directOf`), with its call sites'
 * caches, which are then the instance's own. CPU time of `bench/fib.wat`'s fib(30), best of 11
 * calls, 4-6 processes per tree alternated: 13.0-13.1 -> 12.2-12.3 ms (0.94x);
 * `bench/calls.wat` within its noise (best 19.5-34 ms against 22-41 ms, the same modes).
 *
 * Nor does a direct call write `st.depth`: while a direct entry runs, `st.depth` is at most its
 * depth (what the last frame entered the ordinary way wrote; a direct entry's call of such a
 * callee puts back the value it found, `$sd`), so a trap leaving a direct call raises it to the callee's depth (in
 * the `catch` that already writes the callee's function), and a stop starting in a direct entry
 * writes its own depth (a stop passed on from a callee, `UP`, has it written already). CPU time
 * against the tree before, both in one process alternating (best of 15, three processes):
 * fib(30) 18.5 -> 15.7-16.4 ms; `bench/calls.wat` (10^6) 27.8 -> 24.3 ms; hostcall unchanged.
 *
 * `collectable` bodies (GC objects, exception handles: the collectors scan the value stack up
 * to the end of the innermost frame) have direct entries too, with any reference type as a
 * word: there a call still writes every cached slot, its pc, the callee's entries and the
 * depth before the callee runs, as an ordinary call does (a collection may come at any
 * allocation, an exception may unwind to any frame), and a stop writes nothing more
 * (`directWrite`'s `eager`); what it saves is the callee's parameters read back from the value
 * stack, its result written there, the status test and the per-run parameters. Same A/B
 * (best of 9, three processes): binary-trees (100) 14.7-15.6 -> 13.0-15.3 ms (0.87-0.98x).
 *
 * A collection during the callee reads only the words that can hold a handle or an exception
 * id (word 0 of a slot) up to the end of the innermost frame (whose entries and the depth the
 * call writes), and its scan is conservative (a stale word only keeps an object a while
 * longer). So in a frame without handlers a call writes only word 0 of each cached slot below
 * the callee's frame that is not an f64 or f32 (`rootsBelow`), and its pc; the rest of its
 * state (high words, floats) is written where the callee stops, as in code without a
 * collector (`partial` in `generateSource`). Such a body's calls of itself go to `direct` by
 * name as elsewhere (see below). CPU time of `run(300)`, best of 25 in a process, three
 * alternated processes per tree: binary-trees 26.3-27.6 -> 24.9-25.9 ms.
 *
 * Where no exception can unwind (`Config.wasmExceptions` off: the handler lookup reads every
 * frame's function), such a call does not write the callee's function entry either
 * (`lazyFuncs`): a collection's scan reads only the innermost frame's, which a body writes
 * itself before an instruction that may collect (`ALLOCATING`, the inline `struct.new`'s
 * collection) and before a host call; a trap leaving the callee writes it on the way out for
 * the backtrace, and a stop where the callee's frame is still there. Same A/B (three
 * processes per tree): binary-trees 24.3-24.9 -> 22.2-22.7 ms, against 27.0-27.7 ms on main.
 * Nor its own pc: only a handler lookup reads a frame's pc while a callee runs (a stop
 * writes it on the way out, as without a collector); nor the slots of parameters and locals
 * of number types (`DirectOptions.numeric`: they never hold a handle); nor the callee's frame
 * base and the depth: such bodies keep `st.depth` at most their depth as code without a
 * collector does (a trap raises it in the callers' `catch`, a stop writes it), and make their
 * frame the innermost (depth, frame base, function) only around what may collect or run host
 * code, putting the depth back after it (`ownEnter` in `generateSource`). Same A/B (both
 * trees in one process, alternated, best and first quartile of 40 runs, two processes):
 * binary-trees 21.5-22.3 / 22.7-23.3 -> 19.3-20.0 / 20.5-21.2 ms. In a body whose every path
 * runs forward through its text (structured, no loops, no exits to the interpreter), nor the
 * slots no code after the call reads (\`forward\` in \`promote\`): their values are dead, and a
 * stop writes them anyway. Same A/B at load 10 (best of 60, six processes, both orders):
 * binary-trees 32.7-33.7 -> 32.0-33.1 ms.
 *
 * f32 and f64 arguments and results go as their words (`directType`); a float result is read
 * after the flush its ordinary return starts with (`FLOAT_RESULT`). Same A/B (best of 5-9):
 * matmul, vec_float, vec_float_scalar 0.98-1.03x (their hot code makes no float call).
 *
 * ## References as objects
 * With \`Config.wasmGc\` (JIT spelling), a direct entry whose code only moves references, tests
 * them against null, passes them to calls and returns them, and makes and reads structs
 * (\`OBJECT_OPS\`, forward branches only, every slot's word 0 cached in a local) holds a
 * reference of the \`any\`/\`extern\` hierarchies in its JS locals as a handle or as the
 * \`GcObject\` itself: \`struct.new\` makes the object without taking a handle, and
 * \`struct.get\` of a reference field gives the field's object (null as 0), so no handle table
 * entry is written or marked (codegen_gc.ts, \`OBJECT\`). A local holding an object keeps it
 * alive itself, so a root write before a call skips it (\`roots\` in \`promote\`); where a
 * value reaches a word (a flush: a stop, a collection, a call through the value stack) or a
 * body that holds only words (its direct entry's parameters, a call's result, the ordinary
 * entry's result), \`refWord\` (gc.ts) gives it its handle. The collections those handles
 * need (a root holding a tree keeps its whole tree) run on the heap's credit of handle-free
 * allocations (\`GcHeap.credit\`). A model of \`bench/binary_trees.wat\` in the shape of the
 * generated code (CPU time of run(300), best of 30, five processes): handles 15.0-17.4 ms,
 * objects 6.0-6.5 ms, plain JS recursion 5.0-6.0 ms. In the engine (both trees in one
 * process, alternating, CPU time, best of 20, scale 0.5): binary-trees 7.65 -> 5.10 ms and
 * 7.12 -> 5.00 ms (0.67-0.70x).
 *
 * An indirect call whose target is not its site's cached callee enters that target's direct
 * entry too where it has one (`otherDirect` in `generateSource`; its nesting cost is a
 * property of the entry), rather than pushing its frame through `enterFunc`. Same A/B (best of
 * 9, two processes): `bench/calls.wat` (10^6, seven of its eight targets so) 29.3-29.7 ->
 * 20.8-20.9 ms (0.70-0.72x). In a direct entry the site keeps those targets by the table
 * element's handle (`byHandle` in `I.Call`): a kept target's call reads the table's size and
 * element and compares it, with no `indirectCallee`, signature check or load of the callee's
 * direct entry. Both trees in one process, alternating (CPU time, best of 9, scale 0.5):
 * calls 0.70-0.80x, with fuel 0.74x. The site's cached callee (the first target, entered through
 * `enterFunc`) is kept so too: it had a branch of its own after `indirectCallee` (processes
 * alternated, CPU time best of 7, nine per tree: calls 47-50 -> 39-41 ms in the slower of its
 * two modes from process to process, 34.5 -> 33.5 ms in the faster; with fuel 48.0 -> 46.7 ms).
 *
 * A function's call of itself calls `direct` by name with its own instance and nesting cost
 * (known when it is generated), guarded by the nesting check alone; a call of another function
 * the module defines needs no instance key on its cache (every instance's callee runs the same
 * code), so one compare against the cached nesting limit (`$e`, 0 while the callee has no direct
 * entry) guards it. A model of `bench/fib.wat`'s body put a fifth of its time in the three-term
 * guard; `deno task bench --tier codegen`, 3 runs alternated with the tree before: fib
 * 6.6-7.2x -> 5.8-5.9x native (min ratio). The model's floor (plain recursion with a depth check
 * and the `STOP` test) is 4.2x, plain JS recursion 3.1x; what is left is mostly the JS arguments
 * (7 against 4: 36 -> 28 ms in the model). Passing the depth and the nesting as one argument
 * (`depth * 128 + nesting`) did not pay in the engine: fib 1.00-1.03x, `bench/calls.wat`
 * 1.03-1.11x of the tree before (the depth recomputed where a handler or a stop needs it).
 *
 * A direct entry of cost 1 takes no nesting at all (`WINDOW`): it calls another such entry
 * directly only within an aligned window of 32 depths (`(depth & 31) !== 31`, one compare of a
 * value it has anyway), and is entered by any other caller only with a nesting of at most
 * `windowNesting(depth)` (33 at a window's first depth, 64 at its last), which it then takes
 * as its own: the window's direct calls add 1 per depth, so the nesting stays within
 * `MAX_NESTING` and within the room `roomFor` made for it, as before. A costlier entry takes
 * its nesting as before and is entered only from its ordinary entry (its body has 256 or
 * more code words or 64 or more frame words). A model of `bench/fib.wat`'s direct entry (fib(27), best of 15,
 * alternating, three processes): the nesting argument and its check 1.00, the nesting derived
 * from a limit in a shared typed array 1.00-1.04x, a closure variable counted up and down
 * 1.12-1.14x, the window check 0.93x, no check at all 0.88-0.90x. In the engine (both trees
 * in one process, alternating, CPU time, best of 21, three processes): fib(29) 0.930-0.933x,
 * `bench/calls.wat` (10^6) 0.84-0.95x (six processes; one more 1.48x, where the tree before
 * ran in the faster of its two modes), binary-trees (100) 0.98-1.04x. A loop calling a small
 * function, its loop at depth 30-32 or 63-64 (around a window's end), ran as fast as before
 * (CPU time, best of 5, two processes).
 *
 * Where fib's call costs go (a JS model of its direct entry, fib(32), CPU time best of 9, two
 * processes): plain JS recursion 16.8 ms, with a depth argument 18.2, with the window check as
 * well 19.9, with the `STOP` test instead 20.0; all three 21.9; the generated shape (`st` and `fp`
 * too, the `try`) 22.8. The `try` per call site costs nothing measurable (one `try` around the
 * whole body, or none at all, within 2% of it in three processes); nor does passing `st` (read
 * from the closure, set per call of the ordinary entry: the same). Tried in the engine and left
 * out (both trees, processes alternated, CPU time best of 7, 7-9 processes): the frame base and
 * the depth's low five bits packed into one argument (`fp << 5 | depth & 31`, the depth's window
 * base kept in the stack and restored around calls leaving the window): fib(32) 23.1 -> 22.3 ms
 * (the model said 0.91x), `bench/calls.wat` 34.8 -> 35.5 ms (its callees are inlined: their
 * arguments cost nothing), for a window base every entry, `callOut` and stop must keep right and a
 * spelling per stack limit (the packed word must stay a small integer); the recursive call's stop
 * told by `typeof $r !== "number"` (4% less in the model): fib(32) 24.1 -> 25.1 ms; the stops of
 * `collectable` bodies outlined (`outlineStops` taking `refWord` writes: the module's text 15%
 * shorter): binary-trees 13.9-14.5 -> 13.7-13.8 ms, with fuel 15.2 -> 15.7 ms, within the noise.
 *
 * A call of an import whose host function has a fast entry (`HostFuncEntity.fast`: plain
 * `Func.wrap`/`funcWrap` functions of at most three i32 parameters and none or one i32 result)
 * passes its arguments and takes its result as JS values, skipping `hostCall`, `callHost` and the
 * slot readers and writers; its stops and errors are `hostCall`'s. In-process A/B (CPU time,
 * best of 11): `bench/hostcall.wat` 2.57x -> 1.22x native. It names the host function in
 * `st.host` (and `st.hostBase`) only where the call stops (a throw, a Promise), which is where
 * they are read: set around every call they were a store with a write barrier and two more per
 * call. Its guard compares `isHost` with `true` (as the fuel write-back before it compares
 * `fuelLive`): a bare truth test of a value TurboFan has no type for (a field read, or any local
 * of loop code compiled for on-stack replacement, which is how a long-running `run` loop is
 * compiled) was a chain of seven compares, V8's full ToBoolean (`--trace-turbo` of hostcall's
 * loop); see the commit that added it for the figures.
 *
 * The lean spelling (codegen_lean.ts) has direct entries too. `deno task bench:jitless --scale
 * 0.1 --iterations 3 --filter fib,binary-trees,calls` (`node --jitless`, CPU time against
 * native V8), the tree before against this, two runs after: fib 271x -> 114-116x, calls 91x ->
 * 64-66x, binary-trees 171x -> 161-192x; geometric mean 162x -> 106-113x; with the uncached
 * indirect targets' direct entries (above), one run: fib 125x, calls 42x, binary-trees 153x,
 * geometric mean 93x.
 *
 * The body follows the code's branches with JS control flow: a labelled `for (;;)` around each
 * loop (a backward branch is `continue L<t>`) and a labelled block ending at each forward
 * target (`break B<t>`), so that V8 sees natural loops and keeps values in registers across
 * them (measured on a loaded 2-core machine, CPU time against native V8 in the same process,
 * `bench/` at scale 1: loop 4.9x → 1.0x, sieve 7.4x → 1.9x, bytesum 6.5x → 2.1x, lz 4.6x →
 * 3.6x, against a `switch (pc)` in a loop, whose re-dispatch on every back edge also made
 * V8's non-OSR code twice as slow as its OSR code). Such a body is only entered at its start;
 * a frame continued midway (after a call that went back to the driver, a fuel stop, a host trap,
 * a Promise) runs a second body, generated the first time one is needed: a `switch (pc)` inside
 * a loop, with a `case` at each place control can enter: the start, branch targets, the
 * instruction after a call, each `ConsumeFuel`, and each instruction whose template stops or
 * retries itself (bulk operations, growth). Code whose branches do not nest (a forward branch
 * into a loop from outside it) only gets that second body. Straight-line code between branches
 * is the rows' own `run` templates, spelled with constant operands, so every instruction
 * behaves (traps, NaN bits, fuel) exactly as in the interpreter.
 *
 * Slots used only as whole words (`s32[fp + k]` and its high word `s32[fp + k + 1]`, read or
 * assigned, nothing else) live in JS locals between the points where the value stack must be
 * current (an i32 in one int32 local, an i64 in two; f64s used only through the f64 view in a
 * number local): they are written back before a call (whose callee may stop, or whose host
 * function deeper down may throw and be resumed), before a fuel stop and before the
 * instructions that may stop or retry, and read back after a call from the callee's frame start
 * on. i64 arithmetic the rows spell as helper calls on slot indices is respelled on the words
 * (`codegen_i64.ts`), so that an i64 never goes through the value stack between sync points.
 * A slot used in several ways (a scratch slot holding an i32, then an f64) keeps each of its
 * short-lived values in a local of its own, and f64 slots whose only word accesses are 8-byte
 * loads, stores and constants are spelled through the f64 view (`codegen_slots.ts`, which says
 * why NaN bits stay the interpreter's). v128 operations are respelled on the four words of
 * their slots (`codegen_v128.ts`), whose lanes are then kept apart like scalars: integer lanes
 * in int32 locals, f32 lanes between arithmetic and its use (or, where no word of theirs is read
 * as bits after a load, for the whole function) in number locals. Measured (`deno task bench
 * --tier codegen --filter vec`, ratio to native V8 in the same process, 3 runs on a busy
 * machine): vec_float 27.3x -> 6.5-8.2x, vec_bytes 30.8x -> 12.8-13.5x. The rest (references,
 * the v128 rows not respelled, what a helper reaches by index) stays in the value stack,
 * operated on in place by the same helpers the interpreter calls (never BigInt; floats through
 * the f32/f64 views, so NaN bits are never rounded through a JS number where the interpreter
 * keeps them).
 *
 * ## When a function is generated
 * `Config.executionTier: "codegen"` generates a function on its first run (`Engine.bodyOf`).
 * `auto` (the default) generates it once it is hot: code translated for `auto` starts the
 * function and each loop header with a `TierUp` instruction, which counts down the function's
 * `CompiledFunc.hotness` (`HOT_THRESHOLD` in engine.ts, 1,000 calls plus loop iterations, summed
 * over all its frames). Until then `bodyOf` says "interpreter" and the driver interprets the
 * frame (its callees too, which count for themselves). When the count runs out, the interpreter
 * saves the pc of that `TierUp` and returns `TIER_UP`; the driver generates the function and
 * continues the same frame there (the start, or a loop header: the structured body, generated
 * with an OSR entry at that `TierUp`, see below), and interpreted callers below it continue in
 * the interpreter from their saved pcs when it returns.
 * A function that cannot be generated stops counting. The interpreter alone never sees a
 * `TierUp` (only `auto` emits it), so its hot loop costs nothing more; under `auto` every
 * iteration passes a `TierUp` (so unmetered loops are not rotated; metered, the
 * `TierUp` follows the header's `ConsumeFuel`, or a rotated loop's head test, where its back
 * edges land), only until the function is generated. Fuel is charged, and stops, at the same
 * code offsets as in the interpreter (`tests/engine/tier_up_test.ts`, "rotated loops").
 *
 * Measured (2 busy cores; `deno task bench:first-call`, 2,000 bodies of ~500 words called once,
 * best of 3, fresh process per tier): interpreter 480 ms, codegen 4,447 ms (9.3x), auto 463 ms
 * (0.96x: nothing there gets hot). Before this policy `auto` was `codegen` (5-9x). Steady state
 * (`deno task bench --tier auto|codegen --filter fib,loop,lz`, ratio to native V8 in the same
 * process, range of the reported ratios over 4-6 runs per tier, machine shared by ~6 jobs): fib
 * auto 18.9-21.4x, codegen 13.5-19.8x; loop auto 0.9-1.1x, codegen 0.8-0.9x; lz auto 2.7-8.6x
 * (min-ratio column 2.0-3.5x), codegen 1.7-4.5x (min-ratio 1.6-2.4x): within the noise.
 *
 * A frame tiering up at a loop header used to finish that call in the resumable switch body,
 * whose dispatch on every back edge runs a loop several times slower than structured code;
 * under `auto` that call is the first call of a hot loop, often the only long one. Now the
 * function's structured body is generated with an OSR entry at that `TierUp` (`generateBody`'s
 * `entry`): entered with its pc there, it reads every cached slot from the frame and skips the
 * code before the header, in each loop and block around it, behind a flag the header clears (so
 * the enclosing loops run whole from their next iteration on); later calls enter the same JS
 * function at its start, with V8's type feedback and OSR code already there. (A separate OSR
 * body, used for that one frame, left the second call to start V8's work from nothing:
 * `bench/vec_float.c`, calls 889, 617, 94 ms; with one body 237, 26, 25 ms.) Measured with
 * `deno task bench:warmup --tier auto --filter loop,sieve,bytesum,sha512,i64,exceptions,lz,
 * xxh64,vec_float,vec_float_scalar,vec_bytes_scalar`, the tree before and after alternating, 2
 * runs of best-of-2 each, first call in ms, loaded machine: loop 243/247 -> 74/49, sieve
 * 482/558 -> 151/247, bytesum 341/372 -> 172/162, sha512 442/464 -> 264/307, i64 402/323 ->
 * 229/147, exceptions 451/467 -> 275/382, vec_float_scalar 437/701 -> 531/356,
 * vec_bytes_scalar 894/850 -> 719/772, vec_float 853/781 -> 860/679, lz 850/780 ->
 * 873/742, xxh64 1086/999 -> 1451/1365 (3 more alternating runs: 1262/837/1054 ->
 * 884/1953/1525); geometric mean of first/warm 5.1-5.2x -> 3.0-3.5x.
 *
 * What remains of a first call's cost is V8 compiling the generated function while it runs
 * (Ignition, then Maglev and TurboFan OSR compiles of a 30-40 KB function, and deoptimisations
 * where a path first runs after the loop was compiled: `--v8-flags=--trace-opt,--trace-deopt`
 * on `bench/xxh64.c` shows Maglev's OSR code for the inner loop deoptimised at every exit from
 * it, "exit from OSR'd inner loop", until TurboFan's is ready), which `codegen`'s first call pays
 * as well. The same tracing showed a later spike in both tiers: `bench/vec_float.c`'s 7th-8th
 * calls took 1.2-1.7 s (others 25-100 ms) while V8 compiled the whole function (non-OSR,
 * ~500 ms of TurboFan on this machine) and, meanwhile, ran it in Maglev code. Now the long
 * loops of a long body are JS functions of their own (`codegen_split.ts`), each compiled whole
 * and soon: A/B in one process, calls alternated, 20 calls, loaded 2-core machine: vec_float
 * first call 0.5-0.7 s -> 0.25-0.5 s, slowest later call 1.2-1.4 s -> 0.09-0.13 s, median
 * within the noise; xxh64's first call 1.17 -> 0.41 s.
 *
 * Two costs of a first call are outside the tier-up policy's reach: the generator runs cold then
 * (V8 interprets and compiles the generator while it works: `bench/vec_bytes.c`'s `run`, 2,214
 * words of internal code, took 268 ms to generate as the first body of a process, 21 ms when
 * generated again in it, wall time), and V8 compiles the generated code while it runs (above:
 * 108 KB of JavaScript for that `run`). CPU time of the process (all its threads), first call = the
 * interpreter until the tier-up (its translation included) + generating + the generated code,
 * against the warm calls: vec_bytes 349 = 30 + 100 + 219 ms against 28-32 ms; lz 188 = 19 + 46 +
 * 123 against 20-21; vec_float 228 = 20 + 67 + 141 against 30-37; vec_bytes_scalar 176 = 23 +
 * 50 + 103 against 23-24. The `codegen` tier's first calls, which start in generated code: 307,
 * 159, 216, 142 ms. So a lower threshold or a back-edge count (starting the generated code
 * earlier) saves at most the interpreter's share; the generated code's own first run, 4-7x its
 * warm runs, is most of the rest: smaller generated code for V8 (or a cheaper generator) would
 * shrink it, not a tier-up policy. (Tried and left out, CPU time of first calls, 3 alternated
 * processes each: a loop iteration counting 10 calls, so that loops tier up after 100
 * iterations: lz 176-223 -> 169-194 ms, vec_bytes 346-358 -> 319-356, vec_float 215-240 ->
 * 217-229, xxh64 137-155 -> 150-169, sha512 and vec_bytes_scalar equal; long loops split into
 * more functions, `SPLIT_SIZES.maxChars` 20,000: vec_bytes first calls 309-336 against 334-514
 * but its warm calls 46-66 against 20-52 ms. Neither a clear gain.)
 * Measured again later (CPU time of the first call, `Engine.bodyOf`'s share timed apart, 2-3
 * processes per tier): `auto` against `codegen` vec_bytes 282-328 (generating 122-155) against
 * 300-330 (141-161), lz 165-204 (49-58) against 170-183 (47-58), vec_float 217-220 against
 * 214-215, xxh64 129-131 against 125-155: the interpreter's share before the tier-up is within
 * the noise, so no tier-up policy wins a first call back; generating and V8's first run of
 * what was generated are the cost. The generator's per-instruction passes were made cheaper
 * cold (output unchanged: `bench/vec_bytes.c`'s `run` generated in 105-137 ms CPU as the
 * first body of a process, 150-171 before), and a short loop in no other loop of a long body
 * is a function of its own (`SPLIT_SIZES.minTopChars`), so that V8 does not compile the whole
 * body in OSR code for it.
 *
 * Issue 14's target, a first call within 3x of a warm one, is out of this policy's reach under
 * `auto` (December 2026, loaded 2-core machine, CPU time). `deno task bench:warmup`, least of 2
 * processes: 2.4-2.9x for fib, hashtab, calls and hostcall (warm calls 36-127 ms), 3.6-26x for
 * the others (warm calls 9-47 ms: vec_bytes_scalar 25.8, lz 14.6, vec_bytes 13.5, vec_float
 * 11.9; geometric mean 6.2x). A first call is a fixed cost plus 1-2 warm calls: at `--scale 4`
 * (warm calls 3.8-5.3x longer) loop 5.6 -> 2.4x, matmul 8.9 -> 1.9x, sha512 6.7 -> 3.0x,
 * vec_float_scalar 7.0 -> 3.1x, lz 14.6 -> 5.0x, vec_bytes_scalar 25.8 -> 7.2x. Generating
 * (`Engine.bodyOf`, the generator running cold) is 18-60% of the first call (3 processes per
 * workload): loop 40-43 of 79-96 ms for a 78-word body, sha512 101-104 of 208-219, lz 113-170 of
 * 257-405, vec_bytes 225-277 of 429-483; translating is 5-41 ms; the rest is the interpreter
 * before the tier-up and V8's first run of the generated code. Keeping the first call in the
 * interpreter does not help: the interpreter's warm calls alone are 3.8-28x the generated ones
 * (`bench:warmup --tier interpreter`: vec_bytes 153.6 ms, lz 187.6, sha512 269.0, vec_float
 * 92.3, against 12.5, 15.6, 26.5, 24.5 under `auto`). Tried: a threshold of 1,000 x (1 + the
 * body's words), so that a long body's first call stays interpreted, against this policy
 * (`bench:warmup --tree`, 3 alternated processes each, least first-call CPU, new/old): sha512
 * 2.30, lz 2.61, vec_float 1.32, vec_float_scalar 1.48, vec_bytes 1.10, vec_bytes_scalar 2.50,
 * and the second call then paid the generating (sha512's median warm call 3.18). What the
 * target needs is a generator that is cheap cold: generating `bench/loop.wat`'s 78 words as
 * the first body of a process took 36-65 ms (28 and 36 in two processes under
 * `--v8-flags=--no-lazy`, which compiles the generator as it loads), of which (one process,
 * 59 ms) spelling 15, the v128
 * passes (`laneSlots`, `knownWords`, `zeroLanes`, `boundedLanes`) 19 on a body without v128,
 * the text passes after them about 20; a 27-word body generated later in a process took 3.
 * Those are wall times on a loaded machine. In CPU time (`process.cpuUsage` around each pass, 8
 * processes, load 29 on 2 cores), that body's generation took 18-45 ms: spelling 5-11,
 * `numberSlots` 0.2-4.3, `laneSlots` 0.2-2.4, `knownWords` 1.2-4.3, `f32Slots` 0.3-0.6,
 * `zeroLanes` 0.4-1.1, `boundedLanes` 2-6.4, the text passes after them 4-8. `knownWords`,
 * `zeroLanes` and `boundedLanes` are not v128-only (constants respelled, `|` terms and `& c`
 * masks dropped in scalar code too), so none can be skipped on a v128-free body without
 * changing its source. Cut where the source stays byte-identical (every body of the bench
 * workloads, plain, lean and metered, and of the three spec suites under `--tier codegen`,
 * plain, lean and `--fuel`, dumped before and after): `boundedLanes`' patterns tried only on
 * values holding their literal parts, `typedLanes` not run on a body without a v128 access.
 * First calls did not move beyond the noise (`bench:warmup --filter loop,fib,sha512,lz,matmul
 * --rounds 3 --tree`, least CPU of 3 alternated processes, new/old): loop 1.03, fib 0.93,
 * sha512 0.86, matmul 0.80, lz 0.99. Spelling, the largest part, is V8 running the generator's
 * code cold (the first `ConstI32` of `loop`'s body alone 1.6-2.0 ms).
 *
 * `codegen` generates every function it runs, on its first call, which the spec suites' `--tier
 * codegen` relies on (the generator sees every function they call). A first call that runs many
 * functions once pays it for each: `deno task bench:first-call` (2,000 bodies of ~500 bytes,
 * each called once) generated 2,001 bodies: CPU time of module, instance and call 5.5 s against
 * the interpreter's 0.24 s (23x; `auto`, which generates nothing there, 0.25 s). Timed per body
 * in one process (loaded machine), the caller's (2,000 call sites, 20,002 words) took 1.3-1.6 s,
 * the callees 3.5 s together (0.6 ms each once the generator was warm), the rest of the call V8
 * compiling and running what was generated. A call site outside the caller's loops is spelled
 * compact (its direct call inline, the rest in `callOut`, see `I.Call`): that `run` body went
 * from 7.7 MB of JS (322,000 lines) to 2.0 MB, generated in 0.5-1.0 s rather than 1.8-2.2 s,
 * CPU time of the whole first call 6.5-7.1 s -> 4.3-6.3 s (three alternated processes each, loaded
 * machine). Within that contract no laziness brings it near the
 * interpreter: every one of those bodies runs.
 *
 * A function that generated code calls from inside a loop is generated at that call, however cold
 * it still is (`generateAtCall`): a caller that tiers up before its callee (`bench/sha512.c`'s
 * `run` at its buffer-filling loop, before its first call of `sha512`) otherwise sent every call of
 * it back to the driver, and the first such return left the caller's frame to the switch body (see
 * `resumeBodyOf`) for the rest of that call, the longest one. A generated caller is hot, so what it
 * calls likely is too; a cold callee costs its generation once, in time bounded by its size.
 * Measured with `deno task bench:warmup --filter sha512,xxh64,lz`, the tree before and after
 * alternating, 3 runs each (best of 2 processes), loaded machine: sha512 first call 206/171/180 ->
 * 103/110/145 ms (first/warm 3.75/3.97/3.37x -> 2.26/3.48/3.71x, the warm calls noisy), lz first
 * call 366/220/298 -> 137/123/201 ms; xxh64 (one function) unchanged within the noise. An earlier
 * tree (before direct calls) also showed lz's warm calls 174-225 -> 38-78 ms (its second call no
 * longer continued `run` in the switch body). `bench:first-call` auto/interpreter 0.97x (its `run`
 * never gets hot). Only from inside a loop: generating at every call cost where a hot function then
 * calls many cold ones once each (300 bodies of ~40 instructions with a 3-iteration loop, each
 * called once after a 3,000-iteration loop in the caller, fresh process per run: 616-928 ms ->
 * 994-1,444 ms, 301 bodies generated); a call after the caller's last loop keeps the count (here
 * 1 body, as before). A call before one of its loops generates as one inside: returning to the
 * driver there left the rest of the call, the loops, to the switch body on every call of a
 * generated caller (`bench/matmul.wat`'s `run` calls the cold `$reserve` once, then loops: CPU
 * time of calls 2-6 under `auto` 187-341 ms, under `codegen` 24-26 ms; now 25-33 ms, two
 * processes each). `inLoopAt` in `generateSource` tells the call site, from the back edges.
 *
 * ## Exceptions
 * A function with `try_table` handlers is generated as any other. A throw (in its body, in a
 * callee, in a host function) finds its handler as in the interpreter (`throwException` walks the
 * frames, see exceptions.ts); where that handler is in a generated frame still on the JS stack,
 * the call or throw there sees its own frame innermost again (`st.depth`, the status `CALL`) and
 * goes on to the pad in the same JS function: every landing of a try_table goes to its dispatch,
 * the `Br` over its pads that the translator lays out before its body, which becomes
 * `if ($pad !== 0) { reload the frame's slots; jump to pad $pad }` and then the `Br`. In
 * structured code a landing is a back edge to the dispatch (a loop around the try body, entered
 * only at its start: a branch from outside to the body's start goes to the dispatch); in the
 * switch body, a jump to its `case`. A frame continued by the driver (an exception from an
 * interpreted callee, or a landing after the frame returned) enters the switch body at the pad.
 * The frame's slots are in the value stack when an exception lands: a function with handlers
 * writes them (and its pc, which the handler lookup reads) before every call, as `collectable`
 * code does. No charge is added: the dispatch and the pads charge what the interpreter charges.
 * Measured (`bench/exceptions.wat` at 300,000, `run` catching in a loop: 225,000 throws; CPU
 * time, best of 15 calls per process, 4 processes per tree alternating): bodies with handlers
 * interpreted 43.6-47.8 ms; generated, each landing going back to the driver and on in the
 * switch body, 30.7-31.9 ms; going on to the pad in place 28.2-29.4 ms. Most of what is left is
 * a throw's own cost (`newException`, the handler lookup), the same in both tiers.
 *
 * ## What is not covered
 * An instruction whose row the generator does not know how to spell (a jumping row other than
 * the branches, calls and returns below, or a template naming anything outside the generated
 * function's scope) becomes an exit: the generated body writes its cached slots back, saves that
 * pc and hands the frame to the interpreter, which runs the rest of that call of the function
 * (frames are the same in both tiers). Code the generator cannot read at all (an opcode outside
 * `isa.ts`, a branch into an instruction) leaves the whole function in the interpreter. The
 * engine counts both, with the reasons (`Engine.codegenStats`).
 *
 * ## Security
 * The source is built from the rows' templates and integers from the code array only; nothing
 * taken from the module (names, custom sections, data) is ever spelled into it.
 *
 * @module
 */

import { TrapCode } from "../core/trap.ts";
import * as num from "../core/num/mod.ts";
import * as bulk from "./bulk_ops.ts";
import * as entities from "./entities.ts";
import * as support from "./exec_support.ts";
import * as simd from "./simd.ts";
import * as simdMem from "./simd_mem.ts";
import * as atomics from "./atomics.ts";
import * as exceptions from "./exceptions.ts";
import * as gc from "./gc.ts";
import { OBJECT, spellGc } from "./codegen_gc.ts";
import * as memoryExt from "./memory_ext.ts";
import * as i64Words from "./codegen_i64.ts";
import { argsAt, lowerI64, withFewProductsByLimbs } from "./codegen_i64.ts";
import * as v128Words from "./codegen_v128.ts";
import {
  boundedLanes,
  demandedLanes,
  f32Slots,
  knownWords,
  lanesBack,
  laneSlots,
  lowerV128,
  typedLanes,
  V128_PURE,
  wordOfSlot,
  zeroLanes,
} from "./codegen_v128.ts";
import * as slotValues from "./codegen_slots.ts";
import { isInt32Expr, numberSlots, splitSlotValues } from "./codegen_slots.ts";
import { leanSource, withImmediatesFolded } from "./codegen_lean.ts";
import { withLoopBoundsHoisted } from "./codegen_loop_bounds.ts";
import { type LocalKind, SPLIT_SIZES, splitLoops } from "./codegen_split.ts";
import {
  countedBackEdge,
  dropIdleTakes,
  foldableLoops,
  type FuelNode,
  planFuel,
  stripMine,
} from "./codegen_fuel.ts";
import {
  expandRun,
  I,
  INSTR_SIZE,
  type InstrDef,
  type InstrName,
  instrSize,
  ISA,
  PAID_BRANCH,
  type RunSpelling,
} from "./isa.ts";
import type { CompiledFunc } from "./code_map.ts";
import type { ModuleDecl } from "../binary/module.ts";
import { isRefType, type ValType } from "../core/types.ts";
import {
  exnOfError,
  type FuncEntity,
  type HostFuncEntity,
  type InstanceEntity,
  type StoreInner,
  type WasmFuncEntity,
} from "./entities.ts";
const { throwException } = exceptions;
import { type BulkFuel, FUEL_CHUNK } from "./fuel.ts";
import type { ExecStack } from "./stack.ts";
import { type Compiler, DONE, type RunStatus, runSteady } from "./executor.ts";
import { callHost, HOST_AWAIT, TIER_UP } from "./exec_support.ts";

/** A generated function returned to call the Wasm function whose frame it pushed. */
const CALL = 10;
/** A generated function's frame returned (its results are in its first slots). */
const RETURN = 11;
/**
 * A generated function reached an instruction it cannot run: the interpreter must continue its
 * frame (the innermost) from the saved pc until it returns.
 */
const INTERPRET = 12;
/**
 * A host function called from generated code threw (the error is in `st.hostError`, `st.host`
 * still names it): every generated frame on the way out writes its state back as at any other
 * stop, and the driver throws the error from there (see `hostCall`).
 */
const HOST_THREW = 13;

const NO_ESCAPES: ReadonlySet<number> = new Set();

/**
 * How much generated code may nest on the JS stack: a generated body calls a generated callee
 * directly (a JS call is much cheaper than a round trip through the driver) while the nested
 * bodies' costs stay within this; deeper calls go back to the driver (`CALL`), so deep Wasm
 * recursion never exhausts the JS stack. A body costs 1 per `COST_WORDS` words of code (its JS
 * frame grows with its size: a function with thousands of locals has a large one) and per
 * `HEAD_WORDS` words of its frame (see `roomFor`), at least 1: 64 small bodies take a few tens
 * of KiB, well inside what `Config.maxHostReentry` leaves per host re-entry.
 */
const MAX_NESTING = 64;
/** Code words per unit of a body's nesting cost (see `MAX_NESTING`). */
const COST_WORDS = 256;
/**
 * The most a body's code adds to its nesting cost: half of `MAX_NESTING`, so that a body of more
 * than `MAX_NESTING * COST_WORDS` words (which the driver runs on the JS stack all the same) can
 * still call others on the JS stack. Uncapped, its every call stopped (`enterFunc`: no room) and
 * its frame went on in its dispatch-switch body after each callee: `deno task bench:first-call`'s
 * `run` (20,002 words, 2,000 calls) generated that body too (7.7 MB of JavaScript, about 1.2 s to
 * generate and more to compile) and entered it 2,000 times. At most one such body is on the JS
 * stack per driver entry (two exceed `MAX_NESTING`), below bodies costing half the limit at most.
 */
const CODE_COST_CAP = MAX_NESTING >> 1;

/**
 * The depth window of direct calls (see "Direct calls"): a direct entry calls another only
 * within an aligned window of `WINDOW` depths, and so takes no nesting: it runs with at most
 * `windowNesting(depth)`, which its calls and stops use as its nesting.
 */
const WINDOW = 32;

/**
 * The most nesting a direct entry at `depth` (a JS expression) may be entered with:
 * `MAX_NESTING` at the last depth of its window, one less per depth before it. A direct call
 * (cost 1, within the window) keeps it so; another caller enters one only within it.
 */
function windowNesting(depth: string): string {
  return `(${MAX_NESTING - WINDOW + 1} + ((${depth}) & ${WINDOW - 1}))`;
}

/**
 * What a direct entry (see "Direct calls" in the module doc) returns where its frame stopped,
 * rather than a result: returned by the frame that stops and by every direct caller after it
 * has written its own state, and turned back into the status (`STATUS[0]`) by the first
 * ordinary entry below them. A return, not a JS exception: a stop at every 64th frame of a deep
 * recursion (`MAX_NESTING`) unwinds that many direct frames, and a `throw` and `catch` per
 * frame made `tests/engine/codegen_test.ts`'s 1,000,000-deep recursion 0.9 s -> 26 s and
 * 10,000,000 tail calls (a stop each) 1 s -> 2 min.
 *
 * Every other result of a direct entry (and of `callOut`) is a number, a result's low word
 * (`s32[...]` or an int32 local), so a caller tests `typeof $r !== "number"`, not `$r === STOP`:
 * comparing a number with this object gave V8 "any" feedback, and outside on-stack-replaced
 * code (where `STOP` is not a known constant) each test was a call of the generic `StrictEqual`
 * builtin (1.8% of `bench/calls.wat`'s samples under `perf`). CPU time of `bench/calls.wat`'s
 * `run(4,500,000)`, best of 4 processes x 5 calls alternated with the tree before: 57.9 ->
 * 50.7 ms. A recursive call keeps `$r === STOP`: fib(33) was 37.2 -> 38.7 ms (best of 6) with
 * the `typeof` test there, and is unchanged without it.
 */
const STOP = Object.freeze({ stop: true });

/**
 * How many of an indirect call site's targets besides its cached one are called each from a
 * call of its own (see `otherDirect` in `I.Call`), which V8 can inline as it could not the one
 * megamorphic call of them all: `bench/calls.wat`'s eight targets, CPU time of `run(4,500,000)`
 * best of 5 processes x 5 calls alternated with the tree before (with the `typeof` stop test,
 * see `STOP`): 58.4 -> 47.4 ms, against 57.9 -> 50.7 ms with that test alone.
 */
const OTHER_TARGETS = 8;

/** The status of the last `STOP` a direct entry returned. */
const STATUS = new Int32Array(1);

/** The nesting the body `enterFunc` last returned runs with (its callee's cost added). */
const INNER = new Int32Array(1);

/** `STOP`, with `status` in `STATUS`. */
function stopWith(status: number): typeof STOP {
  STATUS[0] = status;
  return STOP;
}

/**
 * The high word of the i64 a direct entry returns (its low word is the JS return value), read
 * by its caller right after the call.
 */
const HIGH = new Int32Array(1);

/** Value-stack words per unit of a body's nesting cost (see `nestingCost`). */
const HEAD_WORDS = 64;

/**
 * The nesting cost of `cf`'s body: 1, and 1 more per `COST_WORDS` words of its code (up to
 * `CODE_COST_CAP`) and per `HEAD_WORDS` words of its frame, so that a frame never takes more than `HEAD_WORDS` words
 * of value stack per unit of its cost (see `roomFor`).
 */
function nestingCost(cf: CompiledFunc): number {
  return 1 + Math.min((cf.code.length / COST_WORDS) | 0, CODE_COST_CAP) +
    ((cf.frameWords / HEAD_WORDS) | 0);
}

/**
 * Makes room for a body running frame `depth` (whose words end at `top`) with `nesting` (the
 * costs of the bodies on the JS stack, its own included): in the call stack up to frame
 * `depth + MAX_NESTING - nesting`, in the value stack up to word
 * `top + HEAD_WORDS * (MAX_NESTING - nesting)`, made up to the limits. Returns the nesting it
 * may run with: `nesting`, or more where a limit leaves less room. Every body runs with room
 * so: a direct call (see "Direct calls") adds its callee's cost to the nesting, checked against
 * `MAX_NESTING`, and pushes a frame at most `HEAD_WORDS` words per unit of that cost above its
 * caller's, so that its nesting check implies both stacks' room and it checks neither.
 */
function roomFor(st: ExecStack, depth: number, top: number, nesting: number): number {
  const spare = MAX_NESTING - nesting;
  let frames = (st.frames.length >> 1) - 1 - depth;
  let words = st.s32.length - top;
  if (spare <= 0 || (frames >= spare && words >= HEAD_WORDS * spare)) return nesting;
  if (frames < spare) {
    const target = Math.min(depth + spare, st.maxDepth - 1);
    while ((st.frames.length >> 1) - 1 < target) st.growFrames(target);
    frames = (st.frames.length >> 1) - 1 - depth;
  }
  if (words < HEAD_WORDS * spare) {
    const target = Math.min(top + HEAD_WORDS * spare, st.maxWords);
    if (target > st.s32.length) st.growValues(target);
    words = st.s32.length - top;
  }
  return Math.max(nesting, MAX_NESTING - frames, MAX_NESTING - Math.floor(words / HEAD_WORDS));
}

/**
 * A function's generated body: runs frame `depth` of `st` from its saved pc until it returns
 * (`RETURN`), calls a Wasm function the driver must run (`CALL`, the callee's frame pushed) or
 * stops (`OUT_OF_FUEL`, `HOST_AWAIT`); `nesting` is the cost of the generated bodies on the
 * JS stack, its own included, and the stacks have the room for it `roomFor` makes. A callee it
 * runs directly leaves the call stack as the driver would have, so any status but `RETURN`
 * from it is passed on as it is: the frames say where to continue.
 * `entered` is -1, or the frame base of a frame its caller pushed just now for this call, to
 * run from its start: the caller then leaves that frame's pc word as it was (every stop writes
 * the pc it stops at before anything reads it), and the body takes its base from here.
 */
export type GeneratedBody = (
  store: StoreInner,
  st: ExecStack,
  depth: number,
  bulkFuel: BulkFuel | null,
  compiler: TieredCompiler,
  nesting: number,
  baseDepth: number,
  inst: InstanceEntity,
  entered: number,
) => number;

/** What the driver needs: the interpreter's compiler, and a generated body per function. */
export interface TieredCompiler extends Compiler {
  /**
   * The generated body of `cf`, generating it if needed; null: it runs in the interpreter.
   * `entry`, when not 0, is where the frame that made it hot continues (a `TierUp` at a loop
   * header): a body generated now is also entered there (an OSR entry, see `resumeBodyOf`).
   * `module` (the one `cf` was translated from) tells the generator what its calls pass.
   */
  bodyOf(cf: CompiledFunc, entry?: number, module?: ModuleDecl): GeneratedBody | null;
  /**
   * How many times the driver continued a generated frame midway (its pc not 0: after a callee
   * or a stop that went back to the driver, or a tier-up at a loop header), for tests of the
   * tier-up policy: such a frame runs its OSR or switch body, not the JS function V8 optimised.
   */
  midwayEntries: number;
}

/**
 * Runs the frames of `st` from the innermost until the frame at `baseDepth` returns, each frame
 * in its function's tier: its generated body, or the interpreter (which then also runs the
 * functions that frame calls, until it returns). Same contract as the interpreter's `run`.
 */
export function runTiered(
  compiler: TieredCompiler,
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
): RunStatus {
  const bulkFuel = compiler.bulkFuel;
  // Direct entries read these from the stack (see "Direct calls"): a stack runs one engine's
  // calls, each from frame 0, one at a time (a host function calling back takes another stack).
  st.compiler = compiler;
  st.bulkFuel = bulkFuel;
  st.baseDepth = baseDepth;
  // The stacks `roomFor` last found with room for `MAX_NESTING` from frame `roomDepth` and word
  // `roomTop` on: a driver continuing frames there (a chain of tail calls, every call a stop)
  // skips it (10,000,000 tail calls: 1.6x slower with it each time).
  let roomFrames: Int32Array | null = null, roomS32: Int32Array | null = null;
  let roomDepth = -1, roomTop = -1;
  for (;;) {
    const depth = st.depth;
    const func = st.funcs[depth]!;
    const cf = func.compiled!;
    const body = compiler.bodyOf(cf, 0, func.instance.module);
    let status: number;
    let interpretAt = -1;
    if (body === null) interpretAt = depth;
    else {
      if (st.frames[2 * depth + 1] !== 0) compiler.midwayEntries++;
      const inst = func.instance;
      const top = st.frames[2 * depth]! + cf.frameWords;
      let nesting = nestingCost(cf);
      if (depth > roomDepth || top > roomTop || st.frames !== roomFrames || st.s32 !== roomS32) {
        nesting = roomFor(st, depth, top, nesting);
        if (roomFor(st, depth, top, 0) === 0) {
          [roomFrames, roomS32, roomDepth, roomTop] = [st.frames, st.s32, depth, top];
        }
      }
      status = body(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, -1);
      if (status === CALL) continue;
      if (status === HOST_THREW) {
        // Thrown here, with the frames written back, as the interpreter's call would have.
        const error = st.hostError;
        st.hostError = undefined;
        throw error;
      }
      if (status === INTERPRET) interpretAt = st.depth;
      else if (status === RETURN) {
        st.depth = depth - 1;
        status = DONE;
      }
    }
    if (interpretAt >= 0) {
      try {
        status = runSteady(compiler, store, st, interpretAt);
      } catch (e) {
        // A Wasm exception no handler in the interpreter's frames caught: the frames below
        // them (this driver's) may have one.
        const exn = exnOfError(e);
        if (exn === undefined || interpretAt === baseDepth) throw e;
        throwException(store, st, baseDepth, exn);
        continue;
      }
      if (status === TIER_UP) {
        // The innermost frame's function is hot: generate it and continue that frame there
        // (from its `TierUp`, a branch target or the start); if it cannot be generated it stays
        // interpreted and stops counting.
        const hot = st.funcs[st.depth]!;
        const cf = hot.compiled!;
        cf.hotness = 0;
        if (compiler.bodyOf(cf, st.frames[2 * st.depth + 1]!, hot.instance.module) === null) {
          cf.hotness = 2 ** 30;
        }
        continue;
      }
      if (status === DONE && interpretAt !== baseDepth) continue;
      return status;
    }
    if (status! !== DONE || depth === baseDepth) return status!;
  }
}

/**
 * Pushes the frame of Wasm function `callee` above frame `depth` (its parameters at word
 * `base`), as the interpreter's `Call` does (value stack first, then call stack: the same
 * `StackOverflow` at the same depth), and returns its generated body to run on the JS stack,
 * or null when the driver must run it (`CALL`): it has none, or it would nest more than
 * `MAX_NESTING` allows, or the stacks cannot have its room (see `roomFor`; `nesting` is the
 * cost of the bodies running, the caller's included; the callee runs with its own added).
 * A call site whose callee is the one it last entered here pushes the frame itself (see
 * `I.Call` in `generateSource`); every other Wasm call from generated code comes through here:
 * it is kept small, without helper calls on the common path (a CPU profile of `bench/fib.wat`
 * put 40% of the time in this function and its helpers before). `inLoop`: the call site is
 * inside or before one of the caller's loops, where a callee not generated yet is generated now
 * (see `generateAtCall`).
 */
function enterFunc(
  callee: WasmFuncEntity,
  st: ExecStack,
  depth: number,
  base: number,
  compiler: TieredCompiler,
  nesting: number,
  inLoop: boolean,
): GeneratedBody | null {
  const cf = callee.compiled ?? compiler.compile(callee);
  const top = base + cf.frameWords;
  // Where the stacks grow (new arrays), the driver runs the callee: the bodies on the JS stack
  // then all stop and read their arrays again, so that one that a callee returns to normally
  // never needs to (see `RELOAD_STACKS`). The room every body runs with (see `roomFor`) means
  // a callee that may run here needs no growth: these are the calls past `MAX_NESTING`.
  let grown = false;
  if (top > st.s32.length) {
    st.growValues(top);
    grown = true;
  }
  if (2 * (depth + 1) >= st.frames.length) {
    st.growFrames(depth + 1);
    grown = true;
  }
  const frames = st.frames;
  st.depth = depth + 1;
  frames[2 * depth + 2] = base;
  frames[2 * depth + 3] = 0;
  st.funcs[depth + 1] = callee;
  const locals = base + cf.localWords;
  if (cf.localWords > cf.paramWords) {
    // Most functions declare a few locals: a loop beats `fill`'s call for those.
    const s32 = st.s32;
    for (let w = base + cf.paramWords; w < locals; w++) s32[w] = 0;
  }
  // The body runs with `nesting + nestingCost(cf)`, within `MAX_NESTING` and with its room
  // (see `roomFor`), or the driver runs it.
  const inner = nesting + nestingCost(cf);
  INNER[0] = inner;
  const spare = MAX_NESTING - inner;
  if (spare < 0 || grown) return null;
  const values = st.s32;
  // Room is checked inline first: `roomFor` called on every such call (an indirect call's
  // other targets) made `bench/calls.wat` 25 -> 38 ms (CPU time, best of 9).
  if (
    ((frames.length >> 1) - 2 - depth < spare || values.length - top < HEAD_WORDS * spare) &&
    (roomFor(st, depth + 1, top, inner) !== inner || st.s32 !== values || st.frames !== frames)
  ) return null;
  const body = cf.generated;
  if (body !== undefined) return body as GeneratedBody | null;
  return inLoop
    ? generateAtCall(cf, callee, compiler)
    : compiler.bodyOf(cf, 0, callee.instance.module);
}

/**
 * The body of `callee` (compiled as `cf`, not generated yet) that a generated caller is calling
 * from inside a loop: under `auto` it is generated now, however cold it still is (see "When a
 * function is generated" for why); null where it cannot be (it stays in the interpreter and stops
 * counting).
 */
function generateAtCall(
  cf: CompiledFunc,
  callee: WasmFuncEntity,
  compiler: TieredCompiler,
): GeneratedBody | null {
  if (cf.hotness <= 0) return compiler.bodyOf(cf, 0, callee.instance.module);
  cf.hotness = 0;
  const body = compiler.bodyOf(cf, 0, callee.instance.module);
  if (body === null) cf.hotness = 2 ** 30;
  return body;
}

/**
 * Reads the stacks' arrays again after a call, where its callee may have replaced them: a
 * collector's or a landing's paths (see "Exceptions"). A call that returns normally into a
 * frame whose slots stay in JS locals (`lazy` in `I.Call`) needs no such read: no body on the
 * JS stack sees its stacks replaced by a callee that returns normally (see `enterFunc`), and
 * host functions re-enter on stacks of their own. Dropping it after direct calls: fib(30) CPU
 * time, best of 11, 3 processes per tree alternated: 12.3-12.4 -> 11.6-11.7 ms.
 */
const RELOAD_STACKS = "s32 = st.s32;\n  f32 = st.f32;\n  f64 = st.f64;\n  frames = st.frames;";

/** A direct entry (see "Direct calls"), with what a call of it adds to the nesting. */
type DirectEntry = ((...args: never[]) => unknown) & { readonly cost: number };

/**
 * The direct entry of `callee` in its instance (see "Direct calls"), made the first time it is
 * asked for (a closure over its instance and store, `make` in `directSource`) and kept in the
 * entity; null where it has none (a host function, a body without one) or no body yet.
 */
function directOf(callee: FuncEntity): DirectEntry | null {
  if (callee.isHost) return null;
  const known = callee.direct;
  if (known !== undefined) return known as DirectEntry | null;
  const body = callee.compiled?.generated;
  // Not generated yet: asked again at a later call.
  if (body === undefined) return null;
  const make = (body as { directFor?: (store: StoreInner, inst: InstanceEntity) => DirectEntry })
    ?.directFor;
  const direct = make === undefined ? null : make(callee.instance.store, callee.instance);
  callee.direct = direct;
  return direct;
}

/**
 * The call of Wasm function `callee` (its arguments in the value stack from word `base`) at a
 * compact call site of frame `depth` (see "Compact call sites" in `I.Call`) that does not call
 * its cached direct entry: pushes its frame (`enterFunc`) and runs its body through its ordinary
 * entry, as the full spelling's slow path does, and returns as a direct entry would (so that
 * the site has one stop and one result for both): `STOP` (the status in `STATUS`: `CALL` where
 * the driver must run the callee, or the callee's stop), or the result's low word (its high
 * word in `HIGH` where `resultWords` is 2), the depth back as the site leaves it (`stale`: the
 * caller is a direct entry, which leaves it as it was).
 */
function callOut(
  callee: WasmFuncEntity,
  st: ExecStack,
  depth: number,
  base: number,
  store: StoreInner,
  nesting: number,
  stale: boolean,
  resultWords: number,
): unknown {
  const sd = st.depth;
  const compiler = st.compiler!;
  const body = enterFunc(callee, st, depth, base, compiler, nesting, false);
  if (body === null) return stopWith(CALL);
  const status = body(
    store,
    st,
    depth + 1,
    st.bulkFuel,
    compiler,
    INNER[0]!,
    st.baseDepth,
    callee.instance,
    -1,
  );
  if (status !== RETURN) return stopWith(status);
  st.depth = stale ? sd : depth;
  const s32 = st.s32;
  if (resultWords === 2) HIGH[0] = s32[base + 1]!;
  return s32[base]!;
}

/**
 * A call of host function `callee` from generated code: `RETURN` when it returned (its results
 * in the slots at `base`), `CALL` when it threw a Wasm exception a handler in frame `st.depth`
 * caught, `HOST_AWAIT` when it returned a Promise, `HOST_THREW` when it threw anything else.
 * That error is passed on as a status, not as a JS exception, because the generated frames on
 * the JS stack keep their slots in locals while their callees run and write them back only on
 * the way out of a stop: an exception would unwind them without it, and a host trap is resumed.
 */
function hostCall(
  callee: HostFuncEntity,
  inst: InstanceEntity,
  st: ExecStack,
  base: number,
  store: StoreInner,
  baseDepth: number,
): number {
  let pending;
  try {
    pending = callHost(callee, inst, st, base, store, baseDepth);
  } catch (e) {
    st.hostError = e;
    return HOST_THREW;
  }
  return pending === undefined ? RETURN : pending === null ? CALL : HOST_AWAIT;
}

/**
 * What `hostCall` returns for a host function that generated code called through its fast
 * entry (`HostFuncEntity.fast`, with `st.host` and `st.hostBase` set) and that threw `e`: `CALL`
 * when it was a Wasm exception a handler in frame `st.depth` caught, `HOST_THREW` otherwise.
 */
function hostThrew(st: ExecStack, store: StoreInner, baseDepth: number, e: unknown): number {
  try {
    const exn = exnOfError(e);
    if (exn === undefined) throw e;
    st.host = null;
    throwException(store, st, baseDepth, exn);
    return CALL;
  } catch (error) {
    st.hostError = error;
    return HOST_THREW;
  }
}

/** What generated code may call: the executor's modules, and the driver's own helpers. */
const RUNTIME: Readonly<Record<string, unknown>> = (() => {
  const all: Record<string, unknown> = {
    TrapCode,
    STOP,
    STATUS,
    INNER,
    stopWith,
    HIGH,
    enterFunc,
    callOut,
    directOf,
    hostCall,
    hostThrew,
    HOST_THREW,
    CALL,
    RETURN,
    INTERPRET,
    MAX_NESTING,
    nestingCost,
  };
  // The modules scripts/gen_executor.ts lets templates call (its CALLABLE list).
  // And the i64 arithmetic the generator spells on word halves (`lowerI64`).
  const modules = [
    num,
    atomics,
    bulk,
    entities,
    exceptions,
    gc,
    support,
    memoryExt,
    simd,
    simdMem,
    i64Words,
    slotValues,
    v128Words,
  ];
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) all[name] = value;
  }
  return Object.freeze(all);
})();

/** Names the generated function declares: a template may use these. */
const LOCALS = [
  "store",
  "st",
  "depth",
  "bulkFuel",
  "compiler",
  "nesting",
  "baseDepth",
  "frames",
  "fp",
  "pc",
  "code",
  "s32",
  "f32",
  "f64",
  "inst",
  "globals",
  "mem",
  "mview",
  "memLen",
];

/** Globals and keywords a template may use. */
const BUILTINS = new Set([
  "Math",
  "NaN",
  "Infinity",
  "undefined",
  "null",
  "true",
  "false",
  "const",
  "let",
  "if",
  "else",
  "for",
  "while",
  "do",
  "break",
  "continue",
  "return",
  "throw",
  "new",
  "typeof",
  "switch",
  "case",
  "default",
]);

for (const name of LOCALS) {
  if (name in RUNTIME) throw new Error(`codegen: runtime name ${name} shadows a local`);
}

/** Operands spelled as constants: a slot as `(fp + r)`, anything else as its literal. */
function spelling(code: Int32Array, pc: number): RunSpelling {
  return {
    operand(kind, word) {
      const value = code[pc + word]!;
      return kind === "r" ? `(fp + ${value})` : `${value}`;
    },
    next: (size) => `${pc + size}`,
    opcode: (name) => `${I[name]}`,
  };
}

/** A row's template as JavaScript: TypeScript's non-null assertions (`mem!`) dropped. */
function toJs(text: string): string {
  return text.replace(/([\w$\])])!(?!=)/g, "$1");
}

/** `js` without its comments. */
function withoutComments(js: string): string {
  return js.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

/** The identifiers `js` uses that are neither declared in it, nor locals, runtime or builtins. */
function unknownNames(js: string): string[] {
  js = withoutComments(js);
  const declared = new Set<string>();
  for (const m of js.matchAll(/\b(?:const|let)\s+([A-Za-z_$][\w$]*)/g)) declared.add(m[1]!);
  for (const m of js.matchAll(/,\s*([A-Za-z_$][\w$]*)\s*=(?!=)/g)) declared.add(m[1]!);
  const unknown: string[] = [];
  for (const m of js.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)) {
    const name = m[1]!;
    if (
      declared.has(name) || BUILTINS.has(name) || LOCALS.includes(name) || name in RUNTIME
    ) continue;
    unknown.push(name);
  }
  return unknown;
}

/** Templates that stop, retry or read the pc: their instruction needs `pc` set and a `case`. */
function needsPc(run: string): boolean {
  return /\b(pc|break|return|code)\b/.test(run);
}

/** The rows that join two instructions laid out as they were, and those two's opcodes. */
const JOINED: ReadonlyMap<number, readonly [number, number]> = new Map([
  [I.F32x4MaxMinLoadStoreAt, [I.F32x4MaxMinLoad, I.V128StoreAt]],
  [I.F32x4MulLoadAddStore, [I.F32x4MulLoadAdd, I.V128Store]],
]);

/**
 * `code` with each joined row (`F32x4MaxMinLoadStoreAt`, ...: two instructions laid out as
 * they were, run in one dispatch by the interpreter) given back its first instruction's opcode,
 * so the generator sees the two apart at the same pcs; `code` itself when it has none. (A row
 * whose second opcode is not there, as in code made up by a test, stays: `GENERATED_RUN`
 * spells it.)
 */
function unjoined(code: Int32Array): Int32Array {
  let out = code;
  for (let pc = 0; pc < code.length; pc += instrSize(code, pc)) {
    const two = JOINED.get(code[pc]!);
    if (two === undefined || code[pc + INSTR_SIZE[two[0]]!] !== two[1]) continue;
    if (out === code) out = code.slice();
    out[pc] = two[0];
  }
  return out;
}

/** Whether `def` is a conditional branch (see `branch` in isa.ts). */
function isBranch(def: InstrDef): boolean {
  return def.run !== null && /pc = [\s\S]* \? \$\d+ : \$next;$/.test(def.run);
}

/**
 * The instructions a body whose direct entry holds references as objects may have (see
 * "References as objects"): each reads a slot that may hold a reference only as a move
 * (\`Copy\` and its pairs, a call's argument, a return), a test against 0 (null), or in the struct
 * instructions' object spellings (codegen_gc.ts); the others read numbers only. \`I32Eq\`,
 * which \`ref.eq\` becomes, compares words and is not one of them.
 */
const OBJECT_OPS = new Set<number>([
  I.Br,
  I.BrIfNez,
  I.BrIfEqz,
  I.Copy,
  I.Copy2,
  I.Copy4,
  I.Nop,
  I.ConstI32,
  I.I32Eqz,
  I.I32Add,
  I.I32Sub,
  I.I32AddImm,
  I.Call,
  I.Return,
  I.ReturnSlot,
  I.StructNew,
  I.StructNewDefault,
  I.StructGet,
  I.StructSet,
  // Metered: a charge reads no slot, and its stop flushes every cached slot through
  // \`refWord\` (the shared \`FUEL_STOP\`'s \`/*flush*/\`, see \`promote\`).
  I.ConsumeFuel,
  I.BrIfNezPay,
  I.BrIfEqzArms,
  I.BrIfNezArms,
]);

/**
 * Whether every instruction of \`code\` is one of \`OBJECT_OPS\`, its struct instructions
 * spelled inline (\`freeFields\` as \`spellGc\` takes it).
 */
function objectCode(code: Int32Array, freeFields: number): boolean {
  for (let pc = 0; pc < code.length; pc += instrSize(code, pc)) {
    const op = code[pc]!;
    if (!OBJECT_OPS.has(op)) return false;
    if (ALLOCATING.has(op) || op === I.StructGet || op === I.StructSet) {
      if (spellGc(code, pc, freeFields, "", "", true) === null) return false;
    }
  }
  return true;
}

/** The instructions that may run a collection (their helpers call \`GcHeap.alloc\`, gc.ts). */
const ALLOCATING = new Set<number>([
  I.StructNew,
  I.StructNewDefault,
  I.ArrayNew,
  I.ArrayNewDefault,
  I.ArrayNewFixed,
  I.ArrayNewData,
  I.ArrayNewElem,
]);

/** The instructions the generator writes itself rather than from their templates. */
const OWN = new Set<number>([
  I.Unreachable,
  I.Br,
  I.BrTable,
  I.Return,
  I.ReturnSlot,
  I.Call,
  I.CallIndirect,
  I.CallRef,
  I.ConsumeFuel,
  I.TierUp,
  I.ReturnCall,
  I.ReturnCallIndirect,
  I.ReturnCallRef,
  I.Throw,
  I.ThrowRef,
  I.Copy,
  I.Select,
  I.GlobalGet,
  I.GlobalSet,
]);

/**
 * `js` (one instruction's JavaScript) with the constants naming a slot (`const d = (fp + 16);`,
 * a template's `const d = $1;`) replaced by the slot at each use: `s32[d + 1]` becomes
 * `s32[(fp + 16) + 1]`, which `promotable` can see (a slot reached through a name stays in the
 * value stack). Only where every declarator of the statement names a slot, and each name is
 * declared once and the text has no string in which a name could appear.
 */
function slotConstsInlined(js: string): string {
  if (!js.includes("const ") || /["'`]/.test(js)) return js;
  const decl = /\bconst ((?:[A-Za-z_$][\w$]* = \(fp \+ -?\d+\)(?:, )?)+);\n?/g;
  const slots = new Map<string, string>();
  const stripped = js.replace(decl, (whole, list: string) => {
    const parts = list.split(", ").map((p) => /^([A-Za-z_$][\w$]*) = (\(fp \+ -?\d+\))$/.exec(p));
    if (parts.some((p) => p === null)) return whole;
    for (const p of parts) {
      const name = p![1]!;
      // Declared twice (in two blocks): leave the text as it is.
      if (slots.has(name)) slots.set(name, "");
      else slots.set(name, p![2]!);
    }
    return "";
  });
  if (slots.size === 0) return js;
  for (const [name, slot] of slots) {
    if (slot === "" || new RegExp(`\\b(?:let|const|var) ${name}\\b`).test(stripped)) return js;
  }
  return stripped.replace(
    /(?<![\w$.])([A-Za-z_$][\w$]*)(?![\w$])/g,
    (name) => slots.get(name) ?? name,
  );
}

/**
 * Where a call's callee may have grown the memory: replaced by a reload of its view where the
 * body reads the memory at all, by nothing elsewhere (reading `inst.memories[0]` in the
 * prologue of every call of a function that never touches memory cost a tenth of
 * `bench/fib.wat`'s time, by a CPU profile).
 */
const MEMORY_RELOAD = "/*memory*/";

/** The parameters of a generated body (`GeneratedBody`), as its source names them. */
const BODY_PARAMS = [
  "store",
  "st",
  "depth",
  "bulkFuel",
  "compiler",
  "nesting",
  "baseDepth",
  "inst",
  "entered",
];
/** Its parameters and the locals its prologue may declare (see `generateSource`). */
const BODY_NAMES = [
  ...BODY_PARAMS,
  ...["frames", "fp", "pc", "s32", "f32", "f64", "globals", "mem", "mview", "memLen"],
];

/**
 * Fuel, where a function charges it (`ConsumeFuel`), is counted in a JS local (`fuel`), written
 * back to the store where anything else may read or charge it and read again after (the
 * `fuelLive` flag says whether the local is the current count). The same charges at the same
 * places as the interpreter's; measured with `deno task bench:fuel --tier codegen` (fuel on /
 * fuel off): see the commit that added it.
 *
 * A trap keeps what was charged until then: every place a JS exception can leave the body
 * writes the count back first (`FUEL_SYNC` before an instruction that calls out, and each
 * `throw` rewritten as `throw (sync), error`), rather than a `try`/`catch` around the body:
 * a loop inside a `try` ran 2-4x slower in V8 (OSR code; a model of `bench/bytesum.wat`'s
 * inner loop, CPU time: no fuel 9.2 ms, local count 14.1 ms, local count in a `try` 65 ms).
 */
const FUEL_OUT = "/*fuelout*/";
/** Where the store's fuel is current again and the local takes it back (see `FUEL_OUT`). */
const FUEL_IN = "/*fuelin*/";
/** Where a JS exception may leave the body: the store's count is made current (see `FUEL_OUT`). */
const FUEL_SYNC = "/*fuelsync*/";
/** A charge of the local count: `FUEL_CHARGE`, the cost, `FUEL_CHARGE_END`. */
const FUEL_CHARGE = "/*charge*/";
const FUEL_CHARGE_END = "/**/";
/**
 * The local count takes the store's, an int32 (the store holds at most `FUEL_CHUNK`, 2^30 - 1,
 * see fuel.ts), so that V8 charges with int32 arithmetic. A model of `bench/bytesum.wat`'s inner
 * loop, CPU time: no fuel 9.2 ms, a double count 14.1 ms, an int32 count 11.5 ms.
 */
const FUEL_TAKE = `fuel = store.fuel | 0;
fuelLive = true;`;
/**
 * Where pass 2 leaves a charge (of the `ConsumeFuel`, or of the `*Pay` branch, at this pc) for
 * its spelling once the body's fuel plan is known (see codegen_fuel.ts and `spellCharge`).
 */
const fuelAt = (pc: number) => `/*fuel@${pc}*/`;

/**
 * Functions generated code calls that never throw (nor charge fuel): an instruction calling
 * only these needs no `FUEL_SYNC`. The hot ones of the benchmarks; any other call syncs.
 */
const NEVER_THROWS = new Set([
  "i32Rotl",
  "i32Rotr",
  "i64XorShrUImm",
  "i64XorRotlImm",
  ...V128_PURE,
]);

/** Whether `js` calls a function that may throw (`trap(...)` is left to its `throw`). */
function callsOut(js: string): boolean {
  for (const m of withoutComments(js).matchAll(/(?<![\w$])([A-Za-z_$][\w$.]*)\s*\(/g)) {
    const name = m[1]!;
    if (
      name === "trap" || NEVER_THROWS.has(name) || BUILTINS.has(name) ||
      /^(Math|mview)\./.test(name)
    ) continue;
    return true;
  }
  return false;
}

/**
 * A checked charge (see codegen_fuel.ts) of `cost` at `pc` in the dispatch-switch body, testing
 * the count for `need` (by default its cost): the refill, or the stop (before `pc`), with the
 * store's count current; no re-entry needed. A stop leaves through the body's one shared exit
 * (`break ${FUEL_STOP_LABEL}` with `pc` naming where, see `FUEL_STOP`) rather than writing the
 * cached slots back itself: that write-back names every cached slot, and spelled at each charge
 * it doubled `bench/vec_float.c`'s body (42,000 -> 98,000 characters, 17 charges of ~3,300),
 * past what V8 optimises (Maglev OSR code deoptimised on every call: fuel on 14.9x slower than
 * fuel off). Structured code spells its charges with `structuredCharge`.
 */
export function charge(cost: number, pc: number, need = cost): string {
  return `if (fuel < ${need}) {
  store.fuel = fuel;
  fuelExit = refuelAhead(store, st, ${cost}, ${need});
  if (fuelExit !== 0) {
    fuelLive = false;
    pc = ${pc};
    break ${FUEL_STOP_LABEL};
  }
  fuel = store.fuel | 0;
}
${FUEL_CHARGE}${cost}${FUEL_CHARGE_END}`;
}

/**
 * The local that a structured body's checked charges OR into the count they test (see
 * `structuredCharge`): `COLD_FUEL` in the first call of the generated function (from
 * `FUEL_FIRST`, declared beside the body, which the refill path zeroes), so that every check
 * of that call takes the refill path, and 0 in every later call (the test as it was: one OR of
 * a register per check; zeroed at each entry instead, `bench/fib.wat` paid a store per call).
 * Only in a body with a loop: elsewhere a refill without feedback deoptimises the function's
 * code, which V8 throws away and compiles again, once (`bench/fib.wat`, CPU best of 14: fuel off
 * 52 ms, on 58.3 without, 61.1 with the OR and the read of `FUEL_FIRST` per call).
 *
 * ## Why
 * TurboFan compiles code that has never run (no type feedback) into a deoptimisation. A refill
 * runs once per `FUEL_CHUNK` units, long after a loop's OSR code was compiled, and V8 keeps
 * OSR code that deoptimises for want of feedback ("code_invalidation: unaffected"): each later
 * call entering that loop runs its OSR code up to the first refill and the rest of the call in
 * the interpreter and Maglev, whose OSR code of an inner loop deoptimises at every exit from it
 * ("exit from OSR'd inner loop", thousands per call). `bench/lz.c`, fuel set once, CPU per call
 * of 40 calls (one process, `--trace-deopt`): 19 ms, but 70-300 ms in each call that refilled
 * (calls 4-6, 9-13, 18, 22-24: the sum of calls 1-39 1,650 ms against 740 ms at 19 ms each).
 * Taking the refill path (harmless while the count covers the need: it moves fuel from the
 * store's reserve into the count, their sum unchanged; nothing where a fuel slice or a
 * yielding call keeps it from the reserve) at every check of the first call gives each path
 * its feedback before V8 optimises the function.
 */
const FUEL_COLD = "$cf";
/** The factory-scope variable a first call takes `FUEL_COLD` from (see there). */
const FUEL_FIRST = "$fuelFirst";
/**
 * `FUEL_COLD` in a first call: -2^30, so that `(fuel | it)` is negative for any count (0 to
 * `FUEL_CHUNK`) and below every need; the least Smi, so that V8 keeps it untagged.
 */
const COLD_FUEL = -1073741824;

/**
 * A checked charge of `cost` at `pc` in structured code, testing the count for `need`. Its slow
 * path calls nothing on the way back into the body: the common refill (from the store's reserve,
 * no fuel slice) is spelled here, as `spreadFuel` would do it; anything else (a stop, the
 * last `need` units, a slice) leaves the body at `pc`, through `refuelAhead`, to stop, to the
 * interpreter, or back to the driver (see `FUEL_STOP`). A call on a path that merges back into a
 * loop made V8 compile the whole loop worse once the path had run (its values saved around the
 * call), and a budget set once refills in some call every ~2^30 units: `bench/bytesum.wat`, CPU
 * time per call once warm (fuel off 23 ms), budget set before each call (no refill) 32 ms, set
 * once 40-45 ms with the refill a call (`refuel`, then `refuelAhead`) in the loop or in a loop
 * around it that enters it again, 31-35 ms spelled here; `bench/loop.wat` (fuel off 14.5 ms)
 * 20-23 -> 15.5 ms. (The refill was a loop spelled at each charge before that, which V8 compiled
 * as an inner loop of the body's once it had run: `loop`, scale 5, 4.23x fuel off.)
 *
 * Tried: in a loop that makes no call, also running the refill when `$warm` is 0 (see
 * `coldLoops`: the first pass from each entry into the loop), so that it has type feedback before
 * V8 optimises the loop and the first real refill does not throw that code away (V8 then
 * compiled the whole function, slower than its OSR code). Fuel on / off, CPU, best of 2
 * processes: bytesum 1.53x -> 1.33x, matmul 1.15x -> 1.10x, but lz 1.23x -> 1.41x (its short
 * loops pay the test and the refill on every entry) and calls 1.04x -> 1.25x where its loop calls.
 * Now every check of a function's first call takes the refill path instead (`FUEL_COLD`), which
 * later calls pay with one OR per check.
 *
 * Tried: feeding the charge right after a loop that OSR code runs (`bench/hostcall.wat`'s `run`:
 * its OSR code deoptimises at that charge's OR on every call, "Insufficient type feedback for
 * binary operation", kept by V8, see scripts/bench_deopt.ts). Its test and its subtraction
 * computed before the loop's bottom test (as the interpreter's `fedExit`) still left the compare
 * without feedback (the deoptimisation moved there); with both computed there and the write-back
 * after it tested as `if (fuelLive)`, no deoptimisation per call (`--trace-deopt`, 30 calls,
 * scale 0.5: 31 -> 2-3), but nothing ran faster. One such deoptimisation takes 0.07-0.09 ms
 * (`--trace-deopt-verbose`; `calls` 0.09-0.31) of a 19-30 ms call, and V8 gave `direct` its
 * whole-function TurboFan code at the same call either way: CPU per call, 50 calls, 6 processes
 * each, 18-26 ms in the OSR code, then 8-14 ms from call 32-34 without (one process from call 9)
 * and from call 32 with (one from call 5). That switch, not fuel, is what moves hostcall's
 * figures most: fuel off, 14-15 ms per call in the OSR code, 7 ms from call 19-29 (3 of 4
 * processes, 30 calls).
 */
function structuredCharge(cost: number, pc: number, need: number): string {
  return `if ((fuel | ${FUEL_COLD}) < ${need}) {
  const $total = fuel + store.fuelReserve;
  ${FUEL_FIRST} = 0;
  if ($total >= ${need} && !st.yields && store.fuelSlice === 0) {
    fuel = ($total > ${FUEL_CHUNK} ? ${FUEL_CHUNK} : $total) | 0;
    store.fuelReserve = $total - fuel;
  } else if (fuel < ${need}) {
    store.fuel = fuel;
    fuelExit = refuelAhead(store, st, ${cost}, ${need});
    fuelLive = false;
    pc = ${pc};
    break ${FUEL_STOP_LABEL};
  }
}
${FUEL_CHARGE}${cost}${FUEL_CHARGE_END}`;
}

/**
 * How many `throw`s a metered body may have before one `catch` around it writes the fuel count
 * back, rather than each throw (see `generateSource`).
 */
const CAUGHT_THROWS = 64;

/** Where a metered body's text ends and its fuel stop's begins (see `generateSource`). */
const FUEL_STOP_MARK = "\n/*fuelstop*/\n";
/** The label of the block around a metered body whose end is its fuel stop (see `charge`). */
const FUEL_STOP_LABEL = "FuelStop";
/**
 * The shared fuel stop after that block: the store's count is already current (`charge`
 * wrote it), the cached slots go back to the value stack, and the frame stops at `pc`, as
 * `refuelAhead` says (`fuelExit`): out of fuel (2); to the interpreter (1), which pays each
 * charge exactly; or to the driver (0, the store refilled: a charge in structured code goes
 * there only within a fuel slice), which continues the frame in the dispatch-switch body.
 */
const FUEL_STOP = `/*flush*/
frames[2 * depth + 1] = pc;
return fuelExit === 0 ? CALL : fuelExit === 1 ? INTERPRET : OUT_OF_FUEL;`;

/** Marks the `return` of a tail call, which leaves its frame to the callee (see `selfWrite`). */
const TAIL = "/*tail*/";

/**
 * \`body\` (of module function \`self\`) writing its own frame's call-stack entries (function
 * and frame base) wherever it stops, that is, returns anything but \`RETURN\` (a tail call
 * leaves the frame to its callee, which it names itself; \`resumeBody\` is this function's
 * body too). Its caller then pushes only the depth when it calls it directly (see \`I.Call\`
 * in \`generateSource\`): nothing reads a frame's entries while it runs, except a trap's
 * backtrace, which reads the functions (its caller writes this one's before the trap leaves
 * it), and the collectors' root scans (\`collectable\` code keeps the eager writes).
 */
function selfWrite(body: string, self: number): string {
  return body.replace(
    /\breturn (?!11;|resumeBody\(|\/\*tail\*\/)([^;]*);/g,
    (_, status: string) =>
      `{\nst.funcs[depth] = inst.funcs[${self}];\nst.frames[2 * depth] = fp;\nreturn ${status};\n}`,
  );
}

/**
 * `body` (of module function `self`) as a direct entry's (see "Direct calls"): where it stops
 * it writes its call-stack entries as `selfWrite` has it do and returns `STOP` (the status in
 * `STATUS`) rather than the status (a tail call writes only its frame base: its callee is
 * named); a return returns the result (`$res`, see `directResult`). `eager`: its caller wrote
 * its entries and the depth (`collectable` code), a stop writes nothing.
 */
function directWrite(body: string, self: number, eager: boolean): string {
  return body.replace(
    /\breturn (?!11;|resumeBody\(|\/\*tail\*\/)([^;]*);/g,
    (_, status: string) =>
      eager
        ? `return stopWith(${status});`
        : `{\n${
          status.startsWith(UP) ? "" : "st.depth = depth;\n"
        }st.funcs[depth] = inst.funcs[${self}];\nst.frames[2 * depth] = fp;\nreturn stopWith(${status});\n}`,
  ).replace(
    /(?<![\w$.])(bulkFuel|compiler|baseDepth)(?![\w$])/g,
    "st.$1",
  ).replace(
    /\breturn \/\*tail\*\/([^;]*);/g,
    (_, status: string) => `{\nst.frames[2 * depth] = fp;\nreturn stopWith(${status});\n}`,
  ).replaceAll(`return ${RETURN};`, "return $res;").replaceAll(DIRECT_RESULT, "")
    .replaceAll(FLOAT_RESULT, "");
}

/**
 * Marks a stop passed on from a callee, which has set `st.depth` (see "Direct calls"), where
 * a direct entry's own stops set it (see `directWrite`).
 */
const UP = "/*up*/";

/** Marks a direct entry's return (see `directResult` in `generateSource`). */
const DIRECT_RESULT = "/*result*/";
/**
 * Marks a direct entry's return of a float, as its words, after the flush an ordinary return
 * of it starts with, as there: a return reading an f64 slot's words with no sync point before
 * it kept `bench/matmul.wat`'s f64 scratch slot out of a number local (see `I.ReturnSlot`).
 */
const FLOAT_RESULT = "/*floatresult*/";

/**
 * `body` with `$warm` zeroed before each loop and set to -4096 at each of its back edges
 * (`continue L<t>`, and a strip-mined loop's fast one, `continue F<t>`: see `countedBackEdge`;
 * left 0 there, xxh64 ran its first 65,536 passes on the slow path, fuel on 1.6x slower), so
 * that it is 0 during a loop's first iteration from each entry. Code on a
 * path that is rarely taken but tested with a mask of `$warm` (the exact high word of a product
 * by a constant, `mulInto` in codegen_i64.ts: `((lo + 2048) & $warm) === 0`) then runs once per
 * loop entry. That is for V8:
 * TurboFan compiles code that has never run (no type feedback) into a deoptimisation, so a
 * path first taken at a random point of a long loop throws the whole body back to the
 * interpreter and recompiles it (200-270 ms on a background thread for `bench/xxh64.wasm`'s
 * body, running in the lower tiers meanwhile), once for each site, where a first iteration
 * that takes every such path gives them all feedback before the body is optimised. Measured
 * (CPU time per `run` call in one process, first call to seventh, three processes each):
 * xxh64 before 405-487, 109-127, 51-60, then 29-32 ms; after 320-332, 29-30, then 29-33 ms.
 * It was a boolean `$cold` tested with `|| $cold` after the product's own test; as the mask of
 * that test it costs no operation: xxh64 29.5-29.9 -> 28.4-28.6 ms CPU (`deno task bench`,
 * best of 40, three runs alternating with the boolean). The dispatch-switch
 * spelling (without loops) declares it constantly -4096. The other code first run after V8
 * compiled a loop's OSR code,
 * the path after the loop, still deoptimises once per call; making V8 drop that OSR code (the
 * return path copied into the loop, or the body inside a loop of its own) cost more than it
 * saved: `scripts/bench_deopt.ts` says how much.
 */
function coldLoops(body: string): string {
  return body.replace(/^(L\d+): for \(;;\) \{$/gm, "$warm = 0;\n$1: for (;;) {")
    .replace(/\bcontinue ([LF]\d+);/g, "{\n$warm = -4096;\ncontinue $1;\n}");
}

/**
 * `source` (a body generated for the `jit` style) with each bounds check `x + k > memLen` of a
 * memory access spelled `x > memLen - k`: the same test on the numbers an address and a length
 * are (below 2^34, exact in doubles), on which V8 makes faster code, `memLen - k` not depending
 * on the address. (The lean style has its own spelling, `withBoundsPrecomputed` in
 * codegen_lean.ts, whose rewrites read the first one: hence a last step of the jit style's.)
 * Only a check that is a whole operand of `if (`, `||` or `&&` is rewritten.
 * Measured (`deno task bench --tier codegen`, CPU time, best of 15, two runs alternating with
 * the first spelling): matmul 23.6-24.3 -> 19.0-19.1 ms, bytesum 23.0-23.2 -> 18.6-18.9, lz
 * 19.6-20.2 -> 17.9-18.0, sha512 28.1-28.4 -> 26.9-27.8, hashtab 118-119 -> 118-121.
 * Then the checks of accesses at an innermost loop's counter are hoisted out of it where one
 * test before the loop proves them (`withLoopBoundsHoisted`, codegen_loop_bounds.ts), and f32
 * immediates spelled as numbers (`withImmediatesFolded` in codegen_lean.ts): TurboFan kept the
 * scratch store and load of each (`IMM_WORDS[0] = bits; ... IMM_F32[0]`). On a model of
 * `bench/vec_float_scalar.wasm`'s scale-and-add loop (best of 15 in one process) 19.6 -> 4.0 ms.
 * And the products by a constant of loops holding few take the limbs (`withFewProductsByLimbs`,
 * codegen_i64.ts).
 */
export function jitBounds(source: string): string {
  const folded = withFewProductsByLimbs(withImmediatesFolded(source));
  // The lookbehind is tried at every character: only text with a check is searched (2,000
  // memory-free bodies of `deno task bench:first-call`: 65 -> 0 ms).
  return withLoopBoundsHoisted(
    !folded.includes(" > memLen") ? folded : folded.replace(
      /(?<=\(|\|\| |&& )(\$?[A-Za-z_]\w*) \+ (\d+) > memLen(?=\)| \|\| | && )/g,
      "$1 > memLen - $2",
    ),
  );
}

/** A byte access through the memory's `DataView` (see `typedBytes`). */
const BYTE_ACCESS = /\bmview\.(getUint8|getInt8|setInt8|setUint8)\(/g;

/**
 * `body` (the structured jit spelling) with its byte accesses on the memory's `Uint8Array`
 * (`mu8`, added to `views`: read again wherever `mview` is, as `typedLanes`' arrays): a load
 * `mu8[ea]` (`(mu8[ea] << 24 >> 24)` signed), a store statement `mu8[ea] = v` (the array keeps
 * the low 8 bits, as `setInt8` does). Every access is behind its bounds check (or a hoisted one,
 * codegen_loop_bounds.ts), so the array is read only in bounds; a byte has no byte order. The
 * lean style spells bytes so as well (`withTypedMemory` in codegen_lean.ts).
 *
 * For a first call under `auto`: until V8 has optimised it, the generated code runs in V8's
 * interpreter and baseline code, where `mview.getUint8(ea)` is a call of a builtin and
 * `mu8[ea]` a keyed load. A `--prof` of `bench/lz.c`'s first call (default tier, 100 us
 * sampling, main thread) had 224 of its 1,467 ticks in `DataViewPrototypeGetUint8`.
 * Optimised, either spelling is one load (see codegen_loop_bounds.ts: `bench/bytesum.wat`'s
 * loop measured within the noise of each other). Measured (CPU time of the first call in a fresh
 * process, default tier, 6 processes per tree alternating, loaded machine; with the loop-bounds
 * pass's cheaper name test): lz main thread min/median 134/156 -> 122/137 ms, all threads
 * 277/318 -> 249/281; vec_bytes_scalar main 135/192 -> 119/170, all 252/351 -> 227/329. A
 * second such run: lz main 139/148 -> 116/131, all 275/296 -> 233/260; vec_bytes_scalar within
 * the noise (main 122/159 -> 118/160). `deno task bench:warmup --rounds 5 --tree` (least process
 * CPU of 5, load average 24 on 2 cores) saw none of it: first calls new/old lz 1.01,
 * vec_bytes_scalar 0.96, bytesum 1.06. Warm calls unchanged (generated code, best of 15
 * alternating in one process, new/old: vec_bytes 1.00, vec_bytes_scalar 0.98, lz 0.99, bytesum
 * 1.01, sieve 0.95).
 */
function typedBytes(body: string, views: Set<string>): string {
  if (!LITTLE_ENDIAN_HOST) return body;
  let used = false;
  const respell = (js: string): string => {
    let out = "";
    let from = 0;
    const re = new RegExp(BYTE_ACCESS.source, "g");
    for (let m = re.exec(js); m !== null; m = re.exec(js)) {
      const call = argsAt(js, m.index + m[0].length - 1);
      if (call === null) continue;
      const { args, end } = call;
      let spelled: string | null = null;
      if (m[1] === "getUint8" && args.length === 1) spelled = `mu8[${respell(args[0]!)}]`;
      else if (m[1] === "getInt8" && args.length === 1) {
        spelled = `(mu8[${respell(args[0]!)}] << 24 >> 24)`;
      } else if (args.length === 2 && js[end] === ";" && startsStatementAt(js, m.index)) {
        spelled = `mu8[${respell(args[0]!)}] = ${respell(args[1]!)}`;
      }
      if (spelled === null) continue;
      used = true;
      out += js.slice(from, m.index) + spelled;
      from = end;
      re.lastIndex = end;
    }
    return from === 0 ? js : out + js.slice(from);
  };
  const result = respell(body);
  if (used) views.add("mu8");
  return result;
}

/** Whether typed arrays are little-endian here, as Wasm memory is (every mainstream host). */
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Whether `at` begins a statement of `js`: only white space back to `;`, `{`, `}`, `:`. */
function startsStatementAt(js: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (js[i] === " " || js[i] === "\n" || js[i] === "\t")) i--;
  return i < 0 || ";{}:".includes(js[i]!);
}

/** Where the cached slots must be written back to the value stack (see `promote`). */
const FLUSH = "/*flush*/";
/** Write back the cached slots below word `k`. */
const flushBelow = (k: number) => `/*flush<${k}*/`;
/** A word past every frame's: `flushBelow(ALL_WORDS)` writes back every cached slot. */
const ALL_WORDS = 0x7fffffff;
/**
 * Write back the word 0 of each cached slot below word \`k\` that could hold a reference (not an
 * f64 or f32 slot): what a collector's root scan reads (see \`partial\` in \`generateSource\`).
 */
const rootsBelow = (k: number) => `/*roots<${k}*/`;
/** Write back the cached slots from word `k` on. */
const flushFrom = (k: number) => `/*flush>=${k}*/`;
/** Read the cached slots from word `k` on again from the value stack. */
const reloadFrom = (k: number) => `/*reload>=${k}*/`;
/** Write back the cached words `ws` from word `k` on (and no other word). */
const flushWords = (k: number, ws: readonly number[]) => `/*flush>=${k}:${ws.join(",")}*/`;
/** Read the cached words `ws` from word `k` on (and no other word) again from the value stack. */
const reloadWords = (k: number, ws: readonly number[]) => `/*reload>=${k}:${ws.join(",")}*/`;

/**
 * What a call passes and gets back: the words each parameter and each result takes in its slot
 * (1 for an i32, an f32 or a reference, 2 for an i64 or an f64, 4 for a v128).
 */
export interface CallShape {
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Whether a call of this type may go through the callee's direct entry (`directType`). */
  readonly direct?: boolean;
}

/** The words a value of type `t` takes in its slot (see `CallShape`). */
function wordsOfType(t: ValType): number {
  return t === "i64" || t === "f64" ? 2 : t === "v128" ? 4 : 1;
}

/** The most parameter words a direct entry takes as JS arguments. */
const DIRECT_WORDS = 16;

/**
 * Whether functions of type `params -> results` get a direct entry (see "Direct calls"):
 * anything but a v128, as words, at most one result, at most `DIRECT_WORDS` words. Floats go
 * as their words too: through a JS number a signalling NaN may be quieted (an f32 always is,
 * widened to a double), where the interpreter copies its bits.
 */
function directType(params: readonly ValType[], results: readonly ValType[]): boolean {
  const word = (t: ValType) => t !== "v128";
  return params.every(word) && results.every(word) && results.length <= 1 &&
    params.reduce((n, t) => n + wordsOfType(t), 0) <= DIRECT_WORDS;
}

/**
 * How a body takes part in direct calls (see "Direct calls"): its call sites call cached
 * callees' direct entries, and, with `self`, it has one itself (its type's shape and its
 * frame's size, which the direct entry checks the value stack for).
 */
export interface DirectOptions {
  readonly self: {
    readonly shape: CallShape;
    readonly floatResult?: boolean;
    /** Its body's nesting cost (`nestingCost`), which its own recursive calls add. */
    readonly cost?: number;
    /**
     * Its index in its module: its ordinary entry finds its instance's direct entry there
     * (`WasmFuncEntity.direct`, see "Direct calls").
     */
    readonly funcIndex?: number;
  } | null;
  /** How many functions its module imports (the functions it defines come after them). */
  readonly imported?: number;
  /**
   * The slots (by word) of its parameters and declared locals of number and vector types:
   * they never hold a reference, so a collector's root scan needs none of them (see
   * \`rootsBelow\`).
   */
  readonly numeric?: ReadonlySet<number>;
}

/**
 * The shape of the call at `pc` of code translated from `module`: a direct or indirect call's
 * (whose type the code names), null for a `call_ref`.
 */
export function callShapesOf(
  module: ModuleDecl,
): (code: Int32Array, pc: number) => CallShape | null {
  return (code, pc) => {
    const op = code[pc];
    const typeIndex = op === I.Call
      ? module.funcTypeIndices[code[pc + 1]!]
      : op === I.CallIndirect
      ? code[pc + 1]
      : undefined;
    const type = typeIndex === undefined ? undefined : module.types[typeIndex];
    if (type === undefined) return null;
    return {
      params: type.params.map(wordsOfType),
      results: type.results.map(wordsOfType),
      direct: directType(type.params, type.results),
    };
  };
}

/** The words of the values of `sizes` (see `CallShape`) in consecutive slots from word `b`. */
function valueWords(b: number, sizes: readonly number[]): number[] {
  const words: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    for (let j = 0; j < sizes[i]!; j++) words.push(b + entities.SLOT_WORDS * i + j);
  }
  return words;
}

/**
 * How a cached slot is used: as an i32 word (`s32`: only its low word), as two i32 words
 * (`i64`: an i64, or an i32 moved with its high word), as four (`v128`, see codegen_v128.ts),
 * as an f64 (`f64`) or as an f32 (`f32`: only the slots `f32Slots` in codegen_v128.ts picks).
 */
type SlotKind = "s32" | "i64" | "v128" | "f64" | "f32";

/** A cached slot: its word offset and its kind. */
interface Cached {
  readonly k: number;
  readonly kind: SlotKind;
}

/** How a cached slot is spelled in the value stack, and as locals (two for an i64). */
const inStack = ({ k, kind }: Cached) =>
  kind === "f64"
    ? [`f64[(fp + ${k}) >> 1]`]
    : kind === "f32"
    ? [`f32[fp + ${k}]`]
    : kind === "s32"
    ? [`s32[fp + ${k}]`]
    : kind === "i64"
    ? [`s32[fp + ${k}]`, `s32[fp + ${k + 1}]`]
    : [0, 1, 2, 3].map((i) => `s32[fp + ${k + i}]`);
const locals = ({ k, kind }: Cached) =>
  kind === "f64"
    ? [`d${k}`]
    : kind === "f32"
    ? [`e${k}`]
    : kind === "s32"
    ? [`r${k}`]
    : kind === "i64"
    ? [`r${k}`, `h${k}`]
    : [`r${k}`, `h${k}`, `$v${k}_2`, `$v${k}_3`];

/**
 * `I32Copy8At`'s `copyByte` call spelled in place (the same bounds checks, in the same order, and
 * the same trap): the interpreter calls it to keep its `run` small, but in generated code the
 * call was not inlined, and `bench/vec_bytes.c`'s `memcpy` (a loop of eight byte copies) took 9%
 * of a run's samples in `copyByte` (`deno run --cpu-prof`, codegen tier, steady state).
 */
function inlineCopyByte(text: string): string {
  // (Run on every instruction's text: the test first, much cheaper than the search.)
  if (!text.includes("copyByte(")) return text;
  return text.replace(
    /^copyByte\(mview, memLen, ([^,]+), (\d+), ([^,]+), (\d+)\);$/gm,
    (_, from: string, fromOffset: string, to: string, toOffset: string) =>
      `{
const $s = ((${from}) >>> 0) + ${Number(fromOffset) >>> 0}, $d = ((${to}) >>> 0) + ${
        Number(toOffset) >>> 0
      };
if ($s + 1 > memLen || $d + 1 > memLen) throw trap(${TrapCode.MemoryOutOfBounds});
mview.setInt8($d, mview.getUint8($s));
}`,
  );
}

/**
 * A fused byte store's `storeByte` call (`I32AddAddImmShrUStore8At` and the rows fused with
 * it, `bulk_ops.ts`) spelled in place: the same value, address, bounds test and trap, in the
 * same order. A call that may throw needs the fuel count written back before it in metered
 * code (`FUEL_SYNC`), where the `throw` spelled here writes it only when it throws:
 * `bench/vec_bytes.c`'s blur loops made two such writes per pass. Measured (CPU, best of 12
 * in one process, fuel on / off): see the commit that added it.
 */
function inlineStoreByte(text: string): string {
  if (!text.includes("storeByte(")) return text;
  return text.replace(
    /^storeByte\(mview, memLen, ([^,]+), (\d+), ([^,;]+)\);$/gm,
    (_, to: string, toOffset: string, value: string) =>
      `{
const $sv = ${value}, $sd = ((${to}) >>> 0) + ${Number(toOffset) >>> 0};
if ($sd >= memLen) throw trap(${TrapCode.MemoryOutOfBounds});
mview.setInt8($sd, $sv);
}`,
  );
}

/**
 * What a local named by `locals` or `splitSlotValues` holds: int32 words (`r`, `h`, `$v`, `$w`,
 * `$x`), f64 and f32 numbers (`d`, `e`, `$n`, `$f`); see `splitLoops`.
 */
const kindOfLocal = (name: string): LocalKind =>
  /^(?:[rh]\d+|\$v\d+_[23]|\$[wx]\d+)$/.test(name)
    ? "i32"
    : /^(?:[de]\d+|\$[fn]\d+)$/.test(name)
    ? "number"
    : "any";

/** The value-stack words a cached slot's locals stand for (those `inStack` spells). */
const wordsOf = ({ k, kind }: Cached): number[] =>
  kind === "s32" || kind === "f32" ? [k] : kind === "v128" ? [k, k + 1, k + 2, k + 3] : [k, k + 1];

/** A word access in generated code: a slot's word 0 (low), 1 (high), 2 or 3, or its f64. */
type Access = "lo" | "hi" | "w2" | "w3" | "f64" | "f32";

/** The local caching `access` to slot `c`, or undefined when that access is not cached. */
function localOf(c: Cached | undefined, access: Access): string | undefined {
  if (c === undefined) return undefined;
  if (access === "f64") return c.kind === "f64" ? `d${c.k}` : undefined;
  if (access === "f32") return c.kind === "f32" ? `e${c.k}` : undefined;
  if (c.kind === "f64" || c.kind === "f32") return undefined;
  if (access === "lo") return `r${c.k}`;
  if (access === "hi") return c.kind === "i64" || c.kind === "v128" ? `h${c.k}` : undefined;
  return c.kind === "v128" ? `$v${c.k}_${access === "w2" ? 2 : 3}` : undefined;
}

/** The access a matched `(s32|f64)[(fp + k)( >> 1| + [123])?]` makes. */
function accessOf(view: string, suffix: string | undefined): Access | null {
  if (view === "f64") return suffix === " >> 1" ? "f64" : null;
  if (view === "f32") return suffix === undefined ? "f32" : null;
  if (suffix === undefined) return "lo";
  return suffix === " >> 1" ? null : (["hi", "w2", "w3"] as const)[Number(suffix.at(-1)) - 1]!;
}

/**
 * A lane's offset after `(fp + k)` (` + 1]` to ` + 3]`), and a compound assignment operator,
 * matched where `lastIndex` is (sticky: no slice of the body is made for each slot access).
 */
const LANE_AT = / \+ [123]\]/y;
const COMPOUND_AT = / (?:[-+*/%&|^]|\*\*|<<|>>>?)=(?!=)/y;

/**
 * The slots that can live in JS locals: those used only as i32 words, `s32[(fp + k)]` (and
 * their high word `s32[(fp + k) + 1]`: an i64 in two locals), or only as f64s,
 * `f64[(fp + k) >> 1]`, read or assigned. A slot reached any other way (both views, another
 * view, an index passed to a helper, a word beside it) stays in the value stack. When an
 * instruction writes several consecutive results (its template adds `SLOT_WORDS`), none is
 * cached.
 */
function promotable(parts: readonly string[], f32s: ReadonlySet<number>): Cached[] {
  const text = parts.join("\n");
  if (text.includes("SLOT_WORDS")) return [];
  /** Per slot: the accesses seen, or null once it is reached any other way. */
  const uses = new Map<number, Set<Access> | null>();
  for (const m of text.matchAll(/\(fp \+ (-?\d+)\)/g)) {
    const k = Number(m[1]);
    const at = m.index!;
    const end = at + m[0].length;
    let access: Access | null = null;
    let close = end;
    if (text.startsWith("s32[", at - 4)) {
      if (text[end] === "]") [access, close] = ["lo", end + 1];
      else if ((LANE_AT.lastIndex = end, LANE_AT.test(text))) {
        [access, close] = [accessOf("s32", text.slice(end, end + 4))!, end + 5];
      }
    } else if (text.startsWith("f64[", at - 4) && text.startsWith(" >> 1]", end)) {
      [access, close] = ["f64", end + 6];
    } else if (text.startsWith("f32[", at - 4) && text[end] === "]" && f32s.has(k)) {
      [access, close] = ["f32", end + 1];
    }
    // A compound assignment (`s32[x] += ...`) would need its own rewriting; a compare (`>=`,
    // `<=`) is a read (taking it for an assignment kept `bench/xxh64.wasm`'s loop counter, slot 0,
    // in the value stack).
    if ((COMPOUND_AT.lastIndex = close, COMPOUND_AT.test(text)) || k % 4 !== 0) access = null;
    const seen = uses.get(k);
    if (access === null || seen === null) uses.set(k, null);
    else if (seen === undefined) uses.set(k, new Set([access]));
    else seen.add(access);
  }
  const cached: Cached[] = [];
  for (const [k, seen] of uses) {
    if (seen === null) continue;
    if (seen.has("f64") || seen.has("f32")) {
      if (seen.size === 1) cached.push({ k, kind: seen.has("f64") ? "f64" : "f32" });
    } else {
      const kind = seen.has("w2") || seen.has("w3") ? "v128" : seen.has("hi") ? "i64" : "s32";
      cached.push({ k, kind });
    }
  }
  return cached.sort((a, b) => a.k - b.k);
}

/**
 * \`text\` with the \`promoted\` slots in locals (\`r<k>\` for i32 words and i64 low words,
 * \`h<k>\` for i64 high words, \`d<k>\` for f64s): reads become the local, assignments assign the
 * local (an i32 word truncated to int32, as storing into \`s32\` would), and the flush and reload
 * marks copy them (all, or those below or from a word) to and from the value stack.
 */
function promote(
  text: string,
  promoted: readonly Cached[],
  numeric?: ReadonlySet<number>,
  forward = false,
  objects = false,
): string {
  /**
   * With \`forward\` (code whose every path runs forward through the text: structured, without
   * loops or exits to the interpreter), where each slot local is last read: a root write after
   * that is of a dead value, which nothing reads again (a stop writes it for the frame anyway).
   */
  let lastRead: Map<string, number> | null = null;
  const byK = new Map(promoted.map((c) => [c.k, c]));
  // A whole flush is where anything may read the store's fuel, and a reload from a word on is
  // after a call: the fuel local goes and comes back with them (see \`FUEL_OUT\`), so that any
  // call spelled with these marks keeps the count right.
  const copy = (
    what: string,
    op: string | undefined,
    limit: string | undefined,
    list: string | undefined,
    at: number,
  ) => {
    // Only the words listed (a call's arguments or results), if a list is given.
    const only = list === undefined
      ? null
      : new Set(list === "" ? [] : list.split(",").map(Number));
    // By the words they stand for: a lane numbered as a slot of its own (`laneSlots`) is below
    // the lowest call base, so a stop writes it and no callee writes it.
    if (what === "roots") {
      return promoted.filter((c) =>
        c.kind !== "f64" && c.kind !== "f32" && wordOfSlot(c.k) < Number(limit) &&
        // A handle is a slot's word 0 (a lane of another word never holds one).
        wordOfSlot(c.k) % entities.SLOT_WORDS === 0 && numeric?.has(c.k) !== true &&
        (lastRead === null || (lastRead.get(locals(c)[0]!) ?? -1) > at)
      ).map((c) =>
        // An object needs no root: its local keeps it (see "References as objects").
        objects
          ? `if (typeof ${locals(c)[0]} === "number") ${inStack(c)[0]} = ${locals(c)[0]};`
          : `${inStack(c)[0]} = ${locals(c)[0]};`
      ).join(" ");
    }
    return (what === "flush" && op === undefined && only === null ? FUEL_OUT : "") +
      promoted.filter(({ k }) =>
        op === undefined ||
        (op === "<" ? wordOfSlot(k) < Number(limit) : wordOfSlot(k) >= Number(limit))
      ).map((c) => {
        const [ls, ss] = [locals(c), inStack(c)];
        const words = wordsOf(c).map(wordOfSlot);
        return ls.map((l, i) =>
          only !== null &&
            !(ls.length === words.length ? only.has(words[i]!) : words.some((w) => only.has(w)))
            ? ""
            : what === "flush"
            ? objects && i === 0 && (c.kind === "s32" || c.kind === "i64")
              ? `${ss[i]} = refWord(store.gc, ${l});`
              : `${ss[i]} = ${l};`
            : `${l} = ${ss[i]};`
        ).filter((x) => x !== "")
          .join(" ");
      }).filter((x) => x !== "").join(" ") +
      (what === "reload" && op === ">=" ? `\n${FUEL_IN}` : "");
  };
  let out = "";
  let from = 0;
  const assign = /(s32|f64|f32)\[\(fp \+ (-?\d+)\)( >> 1| \+ [123])?\] = (?!=)/g;
  for (let m = assign.exec(text); m !== null; m = assign.exec(text)) {
    const access = accessOf(m[1]!, m[3]);
    const name = access === null ? undefined : localOf(byK.get(Number(m[2])), access);
    if (name === undefined) continue;
    // The assigned expression ends at the first `;` outside brackets.
    let end = assign.lastIndex;
    for (let level = 0; end < text.length; end++) {
      const ch = text[end];
      if (ch === "(" || ch === "[" || ch === "{") level++;
      else if (ch === ")" || ch === "]" || ch === "}") level--;
      else if (ch === ";" && level === 0) break;
    }
    const value = text.slice(assign.lastIndex, end);
    out += text.slice(from, m.index) + `${name} = ` +
      // A word moved whole may be a reference held as an object (see "References as objects").
      (value.startsWith(OBJECT) || (objects && /^s32\[\(fp \+ \d+\)\]$/.test(value))
        ? value.replace(OBJECT, "")
        : access === "f64"
        ? value
        : access === "f32"
        ? `Math.fround(${value})`
        : isInt32Expr(value)
        ? value
        : `(${value}) | 0`);
    from = end;
    assign.lastIndex = end;
  }
  out += text.slice(from);
  out = out.replace(
    /(s32|f64|f32)\[\(fp \+ (-?\d+)\)( >> 1| \+ [123])?\]/g,
    (whole, view: string, k: string, suffix?: string) => {
      const access = accessOf(view, suffix);
      return (access === null ? undefined : localOf(byK.get(Number(k)), access)) ?? whole;
    },
  );
  if (forward) {
    lastRead = new Map();
    // Every mention of a local but an assignment to it (the marks are not expanded yet).
    for (const m of out.matchAll(/\b(r\d+)\b(?!\s*=(?!=))/g)) lastRead.set(m[1]!, m.index);
  }
  return out.replace(
    /\/\*(flush|reload|roots)(?:(<|>=)(\d+)(?::([\d,]*))?)?\*\//g,
    (
      _,
      what: string,
      op: string | undefined,
      limit: string | undefined,
      list: string | undefined,
      at: number,
    ) => copy(what, op, limit, list, at),
  );
}

/** What the generator knows of a row's template, worked out once per instruction. */
interface Template {
  /**
   * The template as JavaScript, split at its operands: `parts[0] op[0] parts[1] op[1] ...`
   * (for a branch: the statements before it, then `if (`, its condition, `) {` and the jump).
   */
  readonly parts: readonly string[];
  /** Each operand: its shape letter (`n` for `$next`) and the index of its code word. */
  readonly ops: readonly { readonly kind: string; readonly word: number }[];
  /** Why it cannot be spelled (names outside the generated scope, ...), or null. */
  readonly problem: string | null;
  /** The runtime names it uses. */
  readonly names: readonly string[];
  /** Whether its instruction needs `pc` and a `case` (see `needsPc`). */
  readonly needsPc: boolean;
  /** Whether it is a conditional branch. */
  readonly branch: boolean;
}

const TEMPLATES: (Template | undefined)[] = [];

/** The runtime names `js` uses. */
function runtimeNames(js: string): string[] {
  const names = new Set<string>();
  for (const m of withoutComments(js).matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)) {
    if (m[1]! in RUNTIME) names.add(m[1]!);
  }
  return [...names];
}

/**
 * Rows whose `run` calls a helper (or names a slot through a local) to keep the interpreter's
 * `run` small, spelled here as the unfused instructions they stand for are, so that the f32
 * values stay apart in number locals (codegen_slots.ts) and the loads inline. Same checks in
 * the same order: both addresses are tested before anything is written. Measured: with the
 * helper calls, vec_float_scalar ran 6.6x native in this tier, 2.9x before the rows existed.
 */
const GENERATED_RUN: Partial<Record<InstrName, string>> = {
  F32MulImmLoad: `const ea = (s32[$2] + $3) >>> 0;
if (ea + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
IMM_WORDS[0] = $4;
f32[$1] = mview.getFloat32(ea, true) * IMM_F32[0];`,
  F32MulLoad2Add: `const ea = (s32[$2] + $3) >>> 0, v = (s32[$4] + $5) >>> 0;
if (ea + 4 > memLen || v + 4 > memLen) throw trap(TrapCode.MemoryOutOfBounds);
f32[$1] = Math.fround(mview.getFloat32(ea, true) * mview.getFloat32(v, true)) + f32[$6];`,
  // The interpreter's helper reads these rows' operands from the code itself (`run` stays
  // small); spelled here as the load and the shuffle they stand for.
  V128LoadAtShuffleZx: `v128Load(s32, mview, $9, (s32[$10] + $11) | 0, 0);
simdShuffleZx(s32, $1, $2, $3, $4, $5, $6, $7, $8);`,
  V128Load32SplatAtShuffleZx: `v128Load32Splat(s32, mview, $9, (s32[$10] + $11) | 0, 0);
simdShuffleZx(s32, $1, $2, $3, $4, $5, $6, $7, $8);`,
  V128Load64ZeroAtShuffleZx: `v128Load64Zero(s32, mview, $9, (s32[$10] + $11) | 0, 0);
simdShuffleZx(s32, $1, $2, $3, $4, $5, $6, $7, $8);`,
  I32AddShlImmLoad8UAddImmShrUStore8At: `const u = (s32[$3] + (s32[$4] << $5)) | 0;
const ea = (s32[$9] + $10) >>> 0;
if (ea >= memLen) throw trap(TrapCode.MemoryOutOfBounds);
const v = mview.getUint8(ea);
s32[$8] = v;
storeByte(mview, memLen, s32[$1] + $2, 0, ((u + v + $6) | 0) >>> $7);`,
  I32Copy8At2: `copyByte(mview, memLen, s32[$4] + $5, $6, s32[$1] + $2, $3);
copyByte(mview, memLen, s32[$10] + $11, $12, s32[$7] + $8, $9);`,
  // Never spelled (`unjoined` gives the code generator the two instructions each row joins);
  // here as those two, for the template checks.
  F32x4MaxMinLoadStoreAt: `f32x4MaxMinLoad(f32, mview, $1, $2, $3, (s32[$4] + $5) | 0);
simdStore(s32, mview, (s32[$7] + $8) | 0, $9, $10);`,
  F32x4MulLoadAddStore: `f32x4MulLoadAdd(f32, mview, $1, $2, (s32[$3] + $4) | 0, $5, $6);
simdStore(s32, mview, s32[$8], $9, $10);`,
  // The two rows each stands for (the shift into its own result slot `$5`).
  I16x8AddShlImm: `i16x8Shl(s32, $5, $2, $3);
i16x8Add(s32, $1, $4, $5);`,
  I16x8AddShrUImm: `i16x8Add(s32, $1, $2, $3);
i16x8ShrU(s32, $1, $1, $4);`,
  I32x4SubAbs: `i32x4Sub(s32, $1, $2, $3);
i32x4Abs(s32, $1, $1);`,
  // The translator fuses only a sum that is the min's first operand: `$4` is never `$1`.
  I32x4AddMinU: `i32x4Add(s32, $1, $2, $3);
i32x4MinU(s32, $1, $1, $4);`,
  // The clamps' result written once: the interpreter's rows write and read back their result
  // slot (each step, then the NaN fix-up), so `splitSlotValues` kept it in the frame (a value
  // read after its instruction wrote it); written once, the load, the clamp and the store of
  // `bench/vec_float.c`'s clamp live in one local. The same bits: each step's result is one of
  // its f32 operands or a NaN, which the last line makes the canonical one. Spelled `0 / 0`,
  // which V8's parser folds to a NaN constant: the global `NaN`, never read in a clamp of
  // numbers (no feedback), made a model of that loop (a local loaded, clamped, stored; best
  // of 60 in one process, 2,048 values x 200) 1.25-2.35 ms against 0.42-0.77 with `0 / 0`.
  // vec_float_scalar, CPU per call, least of calls 14-40, alternated processes against the
  // rows' spelling: 23.3-23.5 -> 19.5-20.6 ms (3 pairs; loaded 2-core machine).
  F32MinImm: `IMM_WORDS[0] = $3;
const $m = Math.min(f32[$2], IMM_F32[0]);
f32[$1] = $m !== $m ? 0 / 0 : $m;`,
  F32MaxImm: `IMM_WORDS[0] = $3;
const $m = Math.max(f32[$2], IMM_F32[0]);
f32[$1] = $m !== $m ? 0 / 0 : $m;`,
  F32MaxMinImm: `IMM_WORDS[0] = $3;
let $m = Math.max(f32[$2], IMM_F32[0]);
IMM_WORDS[0] = $4;
$m = Math.min($m, IMM_F32[0]);
f32[$1] = $m !== $m ? 0 / 0 : $m;`,
};

/** The template of instruction `op` (a row with a `run`), checked on a sample spelling. */
function templateOf(op: number): Template {
  const known = TEMPLATES[op];
  if (known !== undefined) return known;
  const row = ISA[op]!;
  const def = { ...row, run: toJs(GENERATED_RUN[row.name as InstrName] ?? row.run!) };
  const sample = expandRun(def, spelling(new Int32Array(INSTR_SIZE[op]! + 1), 0));
  const branch = isBranch(row);
  let problem: string | null = null;
  // The template with each operand as a mark (`⟦r1⟧`: kind and word; `⟦n⟧` for `$next`),
  // split at the marks once, so that spelling an instruction is only concatenation.
  let marked = expandRun(def, {
    operand: (kind, word) => `⟦${kind}${word}⟧`,
    next: () => "⟦n⟧",
    opcode: (name) => `${I[name]}`,
  });
  if (branch) {
    const m = /^([\s\S]*?)pc = ([\s\S]*) \? (⟦t\d+⟧) : ⟦n⟧;$/.exec(marked);
    if (m === null) problem = "an unexpected branch template";
    else marked = `${m[1]}if (${m[2]}) {\n  pc = ${m[3]};\n  continue;\n}`;
  }
  const unknown = unknownNames(sample);
  if (unknown.length > 0) problem = `its template uses ${unknown.join(", ")}`;
  const pieces = marked.split(/⟦(\w)(\d+)⟧|⟦n⟧/);
  const parts: string[] = [];
  const ops: { kind: string; word: number }[] = [];
  // split() with two groups gives: text, kind, word, text, ... (both undefined at a `⟦n⟧`).
  for (let i = 0; i < pieces.length; i += 3) {
    parts.push(pieces[i]!);
    if (i + 1 < pieces.length) {
      const kind = pieces[i + 1];
      ops.push(kind === undefined ? { kind: "n", word: 0 } : { kind, word: Number(pieces[i + 2]) });
    }
  }
  const t = {
    parts,
    ops,
    problem,
    names: runtimeNames(sample),
    needsPc: needsPc(GENERATED_RUN[row.name as InstrName] ?? row.run!),
    branch,
  };
  TEMPLATES[op] = t;
  return t;
}

/** Template `t` spelled for the instruction at `pc` of `code` (`size` words long). */
function spell(t: Template, code: Int32Array, pc: number, size: number): string {
  const { parts, ops } = t;
  let out = parts[0]!;
  for (let i = 0; i < ops.length; i++) {
    const { kind, word } = ops[i]!;
    if (kind === "n") out += pc + size;
    else if (kind === "r") out += `(fp + ${code[pc + word]})`;
    else out += code[pc + word];
    out += parts[i + 1];
  }
  return out;
}

/**
 * A `try_table` with catch clauses, as the translator lays it out (see `#tryTable` in
 * translator.ts): a `Br` at `at` over its landing pads (`pads`, one per clause) to its body,
 * which the clauses cover from `start` to `end` (exclusive).
 */
interface TryTable {
  readonly at: number;
  readonly pads: readonly number[];
  readonly start: number;
  readonly end: number;
}

/**
 * The `try_table`s of `code` from its handler table (`CompiledFunc.handlers`), or undefined
 * where the code is not laid out as expected (the function then stays in the interpreter).
 */
function tryTablesOf(code: Int32Array, handlers: Int32Array): TryTable[] | undefined {
  const byStart = new Map<number, { pads: number[]; end: number }>();
  for (let i = 0; i < handlers.length; i += exceptions.HANDLER_WORDS) {
    const [start, end, pad] = [handlers[i]!, handlers[i + 1]!, handlers[i + 4]!];
    const t = byStart.get(start);
    if (t === undefined) byStart.set(start, { pads: [pad], end });
    else if (t.end !== end) return undefined;
    else t.pads.push(pad);
  }
  const tries: TryTable[] = [];
  for (const [start, { pads, end }] of byStart) {
    const at = Math.min(...pads) - INSTR_SIZE[I.Br]!;
    if (at < 0 || code[at] !== I.Br || pads.some((pad) => pad >= start)) return undefined;
    // The translator's `Br` may skip straight to a body further in (the inner one of
    // try_tables that start together): through their dispatches, which only branch, to there.
    for (let pc = start, n = 0; pc !== code[at + 1]; pc = code[pc + 1]!) {
      if (code[pc] !== I.Br || ++n > byStart.size) return undefined;
    }
    tries.push({ at, pads: [...new Set(pads)].sort((a, b) => a - b), start, end });
  }
  return tries;
}

/** Where structured code opens and closes its JS loops and blocks (see `structureOf`). */
interface Shape {
  /** What opens before the instruction at `pc` (-1: at the start of the body). */
  openAt(pc: number): string[];
  /** What closes before the instruction at `pc` (`code.length`: at the end of the body). */
  closeAt(pc: number): string[];
}

/**
 * The JS control structure of `code` with branches `edges` (source, target, ...): a loop
 * \`L<t>: for (;;) { ... }\` around each backward target \`t\` and the instructions up to its last
 * backward branch (widened until loops nest), a block \`B<t>: { ... }\` ending at each forward
 * target, opened at the start of the innermost loop around the target (or of the body), so that
 * a branch is \`continue L<t>\` or \`break B<t>\`. Null when a forward branch comes from outside
 * that loop (control entering a loop other than at its start): such code keeps the dispatch
 * switch. Linear in the code and branches but for the widening of crossing loops.
 */
function structureOf(code: Int32Array, edges: readonly number[]): Shape | null {
  /** Each loop's start and its last instruction, by start. */
  const lastOf = new Map<number, number>();
  for (let i = 0; i < edges.length; i += 2) {
    const [from, to] = [edges[i]!, edges[i + 1]!];
    if (to <= from) lastOf.set(to, Math.max(lastOf.get(to) ?? 0, from));
  }
  const starts = [...lastOf.keys()].sort((a, b) => a - b);
  const last = starts.map((t) => lastOf.get(t)!);
  // A loop starting inside another and ending after it widens that one: loops must nest.
  for (let i = starts.length - 1; i >= 0; i--) {
    for (let j = i + 1; j < starts.length && starts[j]! <= last[i]!; j++) {
      if (last[j]! > last[i]!) last[i] = last[j]!;
    }
  }
  const exits = last.map((e) => e + instrSize(code, e));
  // The innermost loop strictly around each forward target (where its block opens).
  const targets = [...new Set(edges.filter((to, i) => i % 2 === 1 && to > edges[i - 1]!))]
    .sort((a, b) => a - b);
  const openOf = new Map<number, number>();
  const around: number[] = [];
  let next = 0;
  for (const t of targets) {
    while (next < starts.length && starts[next]! < t) {
      while (around.length > 0 && last[around.at(-1)!]! < starts[next]!) around.pop();
      around.push(next++);
    }
    while (around.length > 0 && last[around.at(-1)!]! < t) around.pop();
    openOf.set(t, around.length === 0 ? -1 : starts[around.at(-1)!]!);
  }
  for (let i = 0; i < edges.length; i += 2) {
    const [from, to] = [edges[i]!, edges[i + 1]!];
    if (to > from && from < openOf.get(to)!) return null;
  }
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  const add = (map: Map<number, string[]>, pc: number, text: string) => {
    const list = map.get(pc);
    if (list === undefined) map.set(pc, [text]);
    else list.push(text);
  };
  // Loops open in order of their starts; at a place where several end, the inner (the later
  // started) closes first, before the blocks ending there (which opened before those loops).
  for (let i = 0; i < starts.length; i++) add(opens, starts[i]!, `L${starts[i]}: for (;;) {`);
  for (let i = starts.length - 1; i >= 0; i--) {
    add(closes, exits[i]!, `break L${starts[i]};\n}`);
  }
  // Blocks opening at one place nest by their ends: the one ending last opens first.
  for (let k = targets.length - 1; k >= 0; k--) {
    const t = targets[k]!;
    add(opens, openOf.get(t)!, `B${t}: {`);
  }
  for (const t of targets) add(closes, t, "}");
  return {
    openAt: (pc) => opens.get(pc) ?? [],
    closeAt: (pc) => closes.get(pc) ?? [],
  };
}

/**
 * Makes structured code `texts` start at entry `at` (an OSR body, see `generateSource`'s
 * `osrEntry`): in each loop or block around it (`nests`: 1 where one opens, -1 where one
 * closes), and at the top, what comes before the next one around it (or before `at`) runs only
 * once `$osr` is false, which `at` sets. Each such run of entries is whole loops, blocks and
 * instructions (anything opening there closes there too), so an `if` can hold it.
 */
function skipToEntry(texts: string[], nests: readonly number[], at: number): void {
  /** The loops and blocks open at `at`: where each opens, and where its skipped code starts. */
  const open = [{ opens: -1, from: 0 }];
  for (let i = 0; i < at; i++) {
    if (nests[i] === 1) open.push({ opens: i, from: i + 1 });
    else if (nests[i] === -1) open.pop();
  }
  for (let j = 0; j < open.length; j++) {
    const from = open[j]!.from;
    const to = j + 1 < open.length ? open[j + 1]!.opens : at;
    if (from >= to) continue;
    texts[from] = `if (!$osr) {\n${texts[from]}`;
    texts[to - 1] = `${texts[to - 1]}\n}`;
  }
}

/**
 * How `generateSource` spells a body; every field is optional, and a body generated with none of
 * them is the switch body of code with no calls into direct entries (the defaults below).
 *
 * @example
 * ```ts
 * import { generateSource } from "./codegen.ts";
 * import { I } from "./isa.ts";
 * const result = generateSource(Int32Array.from([I.Return]), { numResults: 0, structured: true });
 * if (!("source" in result)) throw new Error("not generated");
 * ```
 */
export interface GenerateOptions {
  /** How many results the function returns (default: unknown, `Infinity`). */
  readonly numResults?: number;
  /** Instructions to leave to the interpreter (default: none). */
  readonly escape?: ReadonlySet<number>;
  /** Whether to spell loops and blocks as JS ones rather than a switch (default false). */
  readonly structured?: boolean;
  /** The words its parameters take (default: unknown, `Infinity`). */
  readonly paramWords?: number;
  /** Whether its frame may hold references a collection must see (default false). */
  readonly collectable?: boolean;
  /** The words its parameters and locals take (default: `paramWords`). */
  readonly localWords?: number;
  /** The pc of a loop header the body is also entered at (an OSR body; default -1: none). */
  readonly osrEntry?: number;
  /**
   * Its function's index (default -1: none): where its frames write their own call-stack
   * entries, and for its calls of itself and its own entry (see \`lazyFuncs\`).
   */
  readonly self?: number;
  /** The shape of the call at each pc (default null: calls copy whole slots). */
  readonly shapeOf?: ((code: Int32Array, pc: number) => CallShape | null) | null;
  /** How it takes part in direct calls (default null: it does not). */
  readonly directOpts?: DirectOptions | null;
  /** Whether long loops are split into functions of their own (default false). */
  readonly splitLong?: boolean;
  /**
   * Whether the source is for the lean spelling (`leanSource`; default false): the JIT
   * spelling's typed-array lanes are left out, as the lean rewrites make their own.
   */
  readonly lean?: boolean;
  /** Its try_tables' handler words (default null: none). */
  readonly handlers?: Int32Array | null;
  /**
   * Whether an exception may unwind through its frames (\`Config.wasmExceptions\`; default:
   * \`collectable\`): the handler lookup then reads every frame's function.
   */
  readonly exceptions?: boolean;
  /**
   * How many elements a bulk operation's fuel charge lets through for nothing
   * (`Config.fuelCosts.elementsPerFuel - 1`; default 0): in metered code, a `struct.new` of at
   * most that many fields pays nothing for them and is spelled as unmetered code spells it.
   */
  readonly freeElements?: number;
  /**
   * Whether references of the \`any\` and \`extern\` hierarchies may be held in JS locals as
   * the objects themselves (see "References as objects"; default false): every body of such an
   * engine turns them into words where they reach its words or its other code.
   */
  readonly gcObjects?: boolean;
  /**
   * Whether this body's direct entry must not hold references as objects even where its code
   * allows (default false): set where a first generation found a slot its locals do not cache.
   */
  readonly wordsOnly?: boolean;
}

/**
 * The source of the body generated for `code`, or why it cannot be generated (the options are
 * described at `GenerateOptions`). With `osrEntry` (the pc of an instruction, not 0) structured
 * code is also entered there, as at its start: a frame whose pc is that entry skips the code
 * before it (see `skipToEntry`) after reading every cached slot from the frame (an OSR body, see
 * `resumeBodyOf`).
 *
 * @example
 * ```ts
 * import { generateSource } from "./codegen.ts";
 * import { I } from "./isa.ts";
 * const result = generateSource(Int32Array.from([I.Return]), { numResults: 0 });
 * if (!("source" in result) || result.structured) throw new Error("expected a switch body");
 * ```
 */
export function generateSource(
  code: Int32Array,
  options: GenerateOptions = {},
): { source: string; escapes: string[]; structured: boolean } | { reason: string } {
  code = unjoined(code);
  const {
    numResults = Infinity,
    escape = NO_ESCAPES,
    paramWords = Infinity,
    collectable = false,
    osrEntry = -1,
    self = -1,
    shapeOf = null,
    directOpts = null,
    splitLong = false,
    lean = false,
    handlers = null,
    freeElements = 0,
    gcObjects = false,
  } = options;
  const exceptions = options.exceptions ?? collectable;
  const localWords = options.localWords ?? paramWords;
  /** Whether loops and blocks are JS ones (false where the control flow has no such shape). */
  let structured = options.structured ?? false;
  /** Whether frames are left to write their own call-stack entries (see `selfWrite`). */
  const selfFrames = !collectable && self >= 0;
  /** The words a return must leave in the value stack: the results'. */
  const resultWords = Math.min(numResults * entities.SLOT_WORDS, 0x7fffffff);
  // Pass 1: where control can enter, and whether every instruction is covered.
  const labels = new Set<number>([0]);
  const starts = new Set<number>();
  /** Instructions the generator cannot spell, by pc, and why. */
  const escapes = new Map<number, string>();
  /** The branches: source pc, target pc, in order of their sources. */
  const edges: number[] = [];
  /** The pcs of the calls. */
  const calls: number[] = [];
  /** The pcs of the throws (`throw`, `throw_ref`). */
  const throws: number[] = [];
  /** The fuel-paying branches (`*Pay`): the charge each pays (its fallback's) and its target. */
  const paying = new Map<number, { at: number; cost: number; target: number }>();
  /** Every reachable instruction, as the fuel plan sees it (see codegen_fuel.ts). */
  const fuelNodes: FuelNode[] = [];
  /** Where in `out` each of those is (metered code). */
  const outOf = new Map<number, number>();
  /** Whether the code charges fuel (then counted in a local, see `FUEL_OUT`). */
  let metered = false;
  /** Whether the code makes a tail call (which always returns to the driver, see below). */
  let tailCalls = false;
  // A caught exception continues its frame at the clause's landing pad (see "Exceptions").
  const tries = handlers === null ? null : tryTablesOf(code, handlers);
  /**
   * Whether this \`collectable\` body's calls leave the callee's function entry unwritten
   * (\`funcs\`), as code without a collector does: where no exception can unwind, only a
   * collection's scan reads it (its innermost frame's, which this body writes before it may
   * collect: an allocation, a host call), and a trap's backtrace and a stop (each written on the
   * way out, see \`I.Call\`).
   */
  const lazyFuncs = collectable && !exceptions && self >= 0 && tries === null;
  /**
   * Makes this frame the innermost in the call stack (its function entry, frame base and the
   * depth, saved first in \`v\`) for what may collect or run host code (see \`lazyFuncs\`):
   * such code keeps \`st.depth\` at most its depth, as direct entries do (see "Direct calls").
   */
  const ownEnter = (v: string) =>
    lazyFuncs
      ? `const ${v} = st.depth;\nst.depth = depth;\nframes[2 * depth] = fp;\nst.funcs[depth] = inst.funcs[${self}];\n`
      : "";
  /** Puts back the depth \`ownEnter\` saved in \`v\`. */
  const ownLeave = (v: string) => lazyFuncs ? `st.depth = ${v};\n` : "";
  if (tries === undefined) return { reason: "an unexpected try_table layout" };
  /** The try_tables by the pc of their dispatch, and by the start of their body. */
  const dispatchAt = new Map((tries ?? []).map((t) => [t.at, t]));
  const bodyAt = new Map((tries ?? []).map((t) => [t.start, t]));
  /**
   * Where a branch from `from` to `to` goes: to a try_table's dispatch where it goes to the
   * start of its body from outside it (the translator's branches skip the dispatches it
   * laid out as plain `Br`s), so that control enters the loop around the body at its start.
   */
  const into = (from: number, to: number): number => {
    for (let t = bodyAt.get(to); t !== undefined; t = bodyAt.get(to)) {
      if (from >= t.at && from < t.end) break;
      to = t.at;
    }
    return to;
  };
  const branch = (from: number, to: number) => {
    to = into(from, to);
    labels.add(to);
    edges.push(from, to);
  };
  for (let pc = 0; pc < code.length;) {
    starts.add(pc);
    const op = code[pc]!;
    const def = ISA[op];
    if (def === undefined) return { reason: `unknown internal opcode ${op}` };
    const size = instrSize(code, pc);
    if (op === I.ReturnCall || op === I.ReturnCallIndirect || op === I.ReturnCallRef) {
      tailCalls = true;
    }
    if (op === I.Br) branch(pc, dispatchAt.get(pc)?.start ?? code[pc + 1]!);
    else if (PAID_BRANCH[op]! >= 0) {
      // A fuel-paying branch: `*Arms` lands on a `ConsumeFuel` either way, as its plain branch
      // does; `*Pay` charges (and may stop at its fallback, a `ConsumeFuel` and so a label of
      // its own) before it jumps; its last two operands are that fallback and the charge.
      const pays = INSTR_SIZE[op] !== INSTR_SIZE[PAID_BRANCH[op]!];
      branch(pc, code[pc + size - (pays ? 3 : 1)]!);
      metered = true;
    } else if (op === I.BrTable) {
      for (let k = 0; k <= code[pc + 2]!; k++) branch(pc, code[pc + 3 + k]!);
    } else if (op === I.Call || op === I.CallIndirect || op === I.CallRef) {
      labels.add(pc + size);
      calls.push(pc);
    } else if (op === I.Throw || op === I.ThrowRef) {
      throws.push(pc);
    } else if (op === I.ConsumeFuel) {
      labels.add(pc);
      metered = true;
    } else if (op === I.TierUp) {
      // The auto tier's tier-up continues a frame here (a loop may have no back edge to it).
      labels.add(pc);
    } else if (escape.has(op)) escapes.set(pc, `${def.name} (asked to)`);
    else if (!OWN.has(op)) {
      if (def.run === null) escapes.set(pc, `${def.name} (shares another instruction's case)`);
      else if (isBranch(def)) branch(pc, code[pc + size - 1]!);
      else if (def.jumps) escapes.set(pc, `${def.name} (a jumping instruction)`);
      else if (needsPc(GENERATED_RUN[def.name as InstrName] ?? def.run)) {
        labels.add(pc);
        // Structured code retries these in place: one that moves the pc itself cannot be.
        if (structured && /\bpc\s*=[^=]|\bcontinue\b/.test(def.run)) {
          escapes.set(pc, `${def.name} (moves the pc)`);
        }
      }
    }
    pc += size;
  }
  /** The landings: each call or throw where an exception may land in this frame, to its try_tables' dispatches. */
  const landings: number[] = [];
  /** The dispatches a landing at each call or throw may go to, innermost first. */
  const landAt = new Map<number, number[]>();
  if (tries !== null) {
    for (const t of tries) for (const pad of t.pads) branch(t.at, pad);
    for (const pc of [...calls, ...throws]) {
      const around = tries.filter((t) => pc >= t.start && pc < t.end).map((t) => t.at)
        .sort((a, b) => b - a);
      if (around.length === 0) continue;
      landAt.set(pc, around);
      for (const at of around) {
        landings.push(pc, at);
        labels.add(at);
      }
    }
  }
  for (const l of labels) if (!starts.has(l)) return { reason: `a branch into an instruction` };
  /** Every edge of the control flow: the branches, and the landings. */
  const flow = landings.length === 0 ? edges : [...edges, ...landings];
  /** Where each branch may go. */
  const targetsOf = new Map<number, number[]>();
  for (let i = 0; i < flow.length; i += 2) {
    const list = targetsOf.get(flow[i]!);
    if (list === undefined) targetsOf.set(flow[i]!, [flow[i + 1]!]);
    else list.push(flow[i + 1]!);
  }
  const shape = structured ? structureOf(code, flow) : null;
  /**
   * Whether a loop of this body spans `pc` or comes after it (a call there is followed by the
   * rest of a long call of the caller, see `generateAtCall`): how many loops (back edges) span
   * each pc, and the last loop header.
   */
  let loopDepth: Int32Array | null = null;
  let lastHeader = -1;
  const inLoopAt = (pc: number): boolean => {
    if (loopDepth === null) {
      loopDepth = new Int32Array(code.length + 1);
      for (let i = 0; i < edges.length; i += 2) {
        if (edges[i + 1]! > edges[i]!) continue;
        loopDepth[edges[i + 1]!]!++;
        loopDepth[edges[i]! + 1]!--;
        lastHeader = Math.max(lastHeader, edges[i + 1]!);
      }
      for (let k = 1; k < loopDepth.length; k++) loopDepth[k]! += loopDepth[k - 1]!;
    }
    return loopDepth[pc]! > 0 || pc < lastHeader;
  };
  if (shape === null) structured = false;
  /** This body's direct entry (see "Direct calls"), or null: only its ordinary one. */
  // A tail call stops its frame (`CALL`, the driver runs the callee): in a chain of tail calls
  // that is every call, which the ordinary entry alone does faster (10,000,000 tail calls,
  // tests/engine/tail_call_stack_test.ts: 2 s with a direct entry, 1 s without).
  const directSelf =
    directOpts?.self != null && directOpts.self.funcIndex !== undefined && structured &&
      osrEntry < 0 && (selfFrames || collectable) && !tailCalls
      ? directOpts.self
      : null;
  /**
   * Whether its direct entry is one of the depth window's (cost 1, see `WINDOW`): it takes no
   * nesting and runs with `windowNesting(depth)`; a costlier one takes its nesting, and is
   * entered only from its ordinary entry.
   */
  const windowed = directSelf !== null && (directSelf.cost ?? 1) === 1;
  /**
   * Whether this body's direct entry holds references as objects (see "References as
   * objects"): where every instruction reads its slots as \`objectCode\` allows and every
   * branch goes forward.
   */
  const objects = gcObjects && options.wordsOnly !== true && directSelf !== null && !lean &&
    escapes.size === 0 &&
    tries === null && edges.every((to, i) => i % 2 === 0 || to > edges[i - 1]!) &&
    objectCode(code, Infinity);
  /**
   * What a return leaves for a direct entry's caller: the result's words read into `$res` (and
   * `HIGH`), after the flush a return starts with, which the splitter reads as a return (see
   * `parse` in codegen_slots.ts) and which is dropped after it (see `DIRECT_RESULT`), except
   * before a float's words (`FLOAT_RESULT`).
   */
  const directResult = (slot: number) =>
    directSelf === null
      ? ""
      : directSelf.shape.results.length === 0
      ? `${DIRECT_RESULT}$res = 0;\n`
      : `${directSelf.floatResult ? FLOAT_RESULT : DIRECT_RESULT}$res = s32[(fp + ${slot})];\n${
        directSelf.shape.results[0] === 2 ? `HIGH[0] = s32[(fp + ${slot}) + 1];\n` : ""
      }`;
  if (osrEntry >= 0 && (!structured || !starts.has(osrEntry))) {
    return { reason: `no structured entry at ${osrEntry}` };
  }
  /** Where control enters: every label in switch mode, branch targets in structured mode. */
  const entries = structured ? new Set(flow.filter((_, i) => i % 2 === 1)) : labels;
  if (osrEntry >= 0) entries.add(osrEntry);
  /** Control goes to `to` from the instruction at `from`. */
  const jump = (target: number, from: number) => {
    const to = into(from, target);
    return !structured
      ? `pc = ${to}; continue;`
      : to <= from
      ? `continue L${to};`
      : `break B${to};`;
  };
  /**
   * A try_table's dispatch: where an exception landed (`$pad` set), the frame's slots read back
   * and on to that pad; otherwise, as its `Br`, over the pads to the body.
   */
  const dispatch = (t: TryTable) =>
    `if ($pad !== 0) {
${reloadFrom(0)}
${MEMORY_RELOAD}
switch ($pad) {
${t.pads.map((pad) => `case ${pad}:\n$pad = 0;\n${jump(pad, t.at)}`).join("\n")}
}
}
${jump(t.start, t.at)}`;
  /**
   * At the call or throw at `pc`, where a handler of this frame caught an exception (the frame
   * is the innermost again, its pc the handler's pad): on to the dispatch of its try_table.
   */
  const land = (pc: number, landed: string): string => {
    const around = landAt.get(pc);
    if (around === undefined) return "";
    const last = around.length - 1;
    return `if (${landed}) {
s32 = st.s32;
f32 = st.f32;
f64 = st.f64;
frames = st.frames;
$pad = frames[2 * depth + 1];
${
      around.map((at, i) => i < last ? `if ($pad > ${at}) {\n${jump(at, pc)}\n}` : jump(at, pc))
        .join("\n")
    }
}`;
  };

  // Pass 2: the body.
  const out: string[] = [];
  /** Which entries of `out` are one instruction's JavaScript (see `splitSlotValues`). */
  const isInstruction: boolean[] = [];
  /** Structured code: where in `out` control arrives at each pc. */
  const entryOf = shape === null ? null : new Map<number, number>();
  /** The pcs of the calls, each with its cached callee (see `I.Call` below). */
  const sites: number[] = [];
  /** The indirect call sites with slots for other targets' direct entries (`OTHER_TARGETS`). */
  const otherSites: number[] = [];
  /**
   * The indirect call sites of a direct entry whose slots are keyed by the table element's
   * handle (see \`byHandle\` in \`I.Call\`), each with its table.
   */
  const handleSites = new Map<number, number>();
  /** The call sites spelled compact (see `callOut`): only their direct call's cache. */
  const compact = new Set<number>();
  const names = new Set<string>(["EMPTY_VIEW", "CALL", "RETURN", "INTERPRET", "MAX_NESTING"]);
  if (metered) { for (const name of ["OUT_OF_FUEL", "refuelAhead"]) names.add(name); }
  if (directSelf !== null) {
    for (const name of ["STOP", "STATUS", "stopWith", "HIGH"]) names.add(name);
  }
  let reachable = true;
  /**
   * The i32 constant the last instruction wrote, and its index in `out`: `lowerV128` spells a
   * v128 shift by it as a shift by a literal where nothing came between them (see there).
   */
  let lastConst: { slot: string; value: number; at: number } | null = null;
  /** Structured code: which entries of `out` open (1) or close (-1) a loop or block. */
  const nests: number[] = [];
  /** The entry of `out` where an OSR body starts (see `osrEntry`), or -1. */
  let osrAt = -1;
  const structure = (texts: string[], nest: number) => {
    for (const text of texts) {
      nests[out.length] = nest;
      out.push(text);
    }
  };
  if (shape !== null) structure(shape.openAt(-1), 1);
  for (let pc = 0; pc < code.length;) {
    const op = code[pc]!;
    const def = ISA[op]!;
    const size = instrSize(code, pc);
    const next = pc + size;
    if (shape !== null) {
      entryOf!.set(pc, out.length);
      structure(shape.closeAt(pc), -1);
      structure(shape.openAt(pc), 1);
      if (pc === osrEntry) {
        // Not an instruction: a straight-line run ends here (no value kept apart from the
        // value stack lives on into it).
        osrAt = out.length;
        out.push("$osr = false;");
      }
    }
    if (entries.has(pc)) {
      if (!structured) out.push(`case ${pc}:`);
      reachable = true;
    }
    if (!reachable) {
      pc = next;
      continue;
    }
    const slot = (k: number) => `(fp + ${code[pc + k]})`;
    /** The callee of the call (or tail call) at `pc`: direct, by reference, or indirect. */
    const calleeOf = (direct: boolean, byRef: boolean) =>
      direct
        ? `inst.funcs[${code[pc + 1]}]`
        : byRef
        ? `refCallee(store, s32[${slot(1)}])`
        : `indirectCallee(store, inst, ${code[pc + 1]}, ${code[pc + 2]}, s32[${slot(3)}])`;
    let js = "";
    const known = escapes.has(pc) ? -1 : op;
    switch (known) {
      case -1:
        break;
      case I.Unreachable:
        js = `throw trap(TrapCode.UnreachableCodeReached);`;
        reachable = false;
        break;
      case I.Br:
        js = dispatchAt.has(pc) ? dispatch(dispatchAt.get(pc)!) : jump(code[pc + 1]!, pc);
        reachable = false;
        break;
      case I.BrTable: {
        const n = code[pc + 2]!;
        const cases = [];
        for (let k = 0; k < n; k++) cases.push(`case ${k}: ${jump(code[pc + 3 + k]!, pc)}`);
        js = `switch (s32[${slot(1)}] >>> 0) {\n${cases.join("\n")}\ndefault: ${
          jump(code[pc + 3 + n]!, pc)
        }\n}`;
        reachable = false;
        break;
      }
      case I.Return:
        js = `${flushBelow(resultWords)}\n${FUEL_OUT}\n${directResult(0)}return ${RETURN};`;
        reachable = false;
        break;
      case I.ReturnSlot:
        // The one result (not a v128: the translator moves those itself) is the only word pair
        // the caller reads. The flush of slot 0 before it is mostly dead, but leaving it out
        // kept `bench/matmul.wat`'s f64 scratch slot out of a number local (the return reads
        // it as words with no sync point before): matmul 1.8x -> 9.7x native.
        js = directSelf !== null
          ? `${flushBelow(resultWords)}\n${FUEL_OUT}\n${
            directResult(code[pc + 1]!)
          }return ${RETURN};`
          : `${flushBelow(resultWords)}\n${FUEL_OUT}\ns32[fp] = s32[${
            slot(1)
          }];\ns32[fp + 1] = s32[${slot(1)} + 1];\nreturn ${RETURN};`;
        reachable = false;
        break;
      case I.Call:
      case I.CallIndirect:
      case I.CallRef: {
        const callee = calleeOf(op === I.Call, op === I.CallRef);
        // Every cached slot is written back first: the callee may stop, or a host function
        // deeper down may throw (a resumable host trap unwinds these JS frames), and the frame
        // is then continued from the value stack. The callee's frame starts at the caller's
        // slot `b`, so only the cached slots from there on change (results, scratch).
        const b = code[pc + (op === I.Call || op === I.CallRef ? 2 : 4)]!;
        // The callee's generated body is called here rather than in a shared helper: each call
        // site then keeps its own type feedback, and V8 can inline a callee it always sees.
        // Each site also caches the first Wasm callee it entered with a generated body (`$c`,
        // in the factory's scope, shared by the frames of this function) with what pushing its
        // frame needs (its instance, body, sizes, nesting limit), and pushes that callee's frame
        // itself: the same frame and checks as `enterFunc`, without its loads through the
        // callee's compiled code. Other callees (an indirect call's many targets, another
        // instance of the module) go through `enterFunc`: refilling the cache on every miss cost
        // more than it saved there (`bench/calls.wat`). The body takes its instance as a parameter (reading
        // `st.funcs[depth].instance` in every prologue cost more). `deno task bench --tier
        // codegen`, CPU time against native V8 in the same process: fib 19.0x -> 16.7x.
        // Where no collector scans the frames (`selfFrames`), the cached callee's frame gets only
        // the depth: the body writes its function and base itself where it stops (`selfWrite`),
        // and a trap leaving it gets its function here, for the backtrace (storing
        // `st.funcs[depth + 1]` on every call was a tenth of `bench/fib.wat`'s CPU time: 35.0 ->
        // 30.6 ms per fib(30), best of 21, three alternated A/B rounds; the `try` costs nothing
        // measurable).
        const [c, w, n, f, i, d] = ["c", "w", "n", "b", "i", "d"].map((x) => `$${x}${pc}`);
        sites.push(pc);
        // The callee runs with its own cost added to the nesting (see `roomFor`): at a cached
        // site `MAX_NESTING + 1 - $n`.
        const cached = `nesting + ${MAX_NESTING + 1} - ${n}`;
        const callBody = (
          body: string,
          instance: string,
          stop: string,
          entered: string,
          inner: string,
        ) =>
          `const status = ${body}(store, st, depth + 1, bulkFuel, compiler, ${inner}, baseDepth, ${instance}, ${entered});
  if (status !== RETURN) ${stop}
  ${depthBack}`;
        // The caller's state: its slots below the callee's frame and its pc. The callee cannot
        // reach those slots, so they stay in locals while it runs (`lazy`) and are written
        // back only if it stops, where the frame must hold what the interpreter's would; if
        // this frame is still there (a handler below it may have caught an exception, popping
        // it: its words are then the handler's). Where the value stack's words are roots of a
        // collector (`collectable`: GC objects, exception handles), a reference a local holds
        // would not be seen, so everything is written before the call.
        // A host callee pushes no frame: this frame is still there when `st.depth` is this one.
        // A frame with handlers writes everything too: a throw deeper down reads its pc, and a
        // landing in it (see "Exceptions") reads its slots back.
        const lazy = !collectable && tries === null;
        // In \`collectable\` code without handlers a collection during the callee reads only the
        // words that can hold a reference (word 0 of each slot: a handle or an exception id is
        // one word) and the innermost frame's entries and depth: those are written before the
        // call, and the rest of this frame's state (high words, floats, pc readers) only where
        // the callee stops (\`partial\`), as \`lazy\` code writes it. The scan is conservative, so
        // a stale word there only keeps an object a while longer.
        const partial = collectable && tries === null;
        // After a callee that keeps \`st.depth\` current returns: in a direct entry, which does
        // not (see "Direct calls"), it is left as it was before the call.
        const stale = directSelf !== null && (lazy || lazyFuncs);
        const depthBack = stale ? "st.depth = $sd;" : "st.depth = depth;";
        // (Read only where a callee sets it: a host call pays nothing for it.)
        const keepDepth = stale ? "const $sd = st.depth;\n  " : "";
        const saveCaller = `${flushBelow(b)}\nframes[2 * depth + 1] = ${next};`;
        // A direct entry does not keep \`st.depth\` current (see "Direct calls"): a host
        // function's stop starts there (a stop from deeper down has set it, \`UP\`).
        // Where an exception landed in this frame, on to its pad (see "Exceptions").
        const landing = land(pc, "status === CALL && st.depth === depth");
        const stop = (host: boolean) =>
          !lazy && !partial
            ? (landing === "" ? `return ${UP}status;` : `{\n${landing}\nreturn ${UP}status;\n}`)
            : `{
  s32 = st.s32;
  f32 = st.f32;
  f64 = st.f64;
  ${
              // A host function's stop starts here, in a direct entry (whose `st.depth` is
              // stale): but an exception it threw landed in frame `st.depth`, below. (So a
              // host stop returns as passed on, `UP`: `directWrite` leaves `st.depth` be.)
              host && stale ? "if (status !== CALL) st.depth = depth;\n  " : ""}if (st.depth ${
              host ? ">=" : ">"
            } depth) {
    frames = st.frames;
    ${saveCaller}
  }
  return ${UP}status;
}`;
        // A direct call's callee is fixed per instance: the cache is keyed by the caller's
        // instance (`$k`), which spares loading `inst.funcs[x]` on every call (fib 4-6% less
        // CPU time, A/B in one process, median of 9-15 alternating runs).
        const direct = op === I.Call;
        const key = direct ? `inst === $k${pc}` : `callee === ${c}`;
        const push =
          `${key} && nesting < ${n} && base + ${w} <= s32.length && 2 * depth + 2 < frames.length`;
        // Of the slots from the callee's frame on, only its arguments are read (the operand
        // stack ends there), and after it only its results: the others are not copied, nor the
        // high word of an i32 (or a reference). CPU time of a bundle under Node, the fastest of
        // 21 (fib) or 11 runs, 2 alternated A/B rounds: fib(30) 30.5 -> 27.1-28.4 ms,
        // `bench/calls.wat` (10^6) 36-40 -> 30-31 ms, `bench/hostcall.wat` 14-17 -> 14 ms.
        const shape = shapeOf === null ? null : shapeOf(code, pc);
        const args = shape === null ? flushFrom(b) : flushWords(b, valueWords(b, shape.params));
        const back = shape === null ? reloadFrom(b) : reloadWords(b, valueWords(b, shape.results));
        // A direct call (see "Direct calls"): where this site's cached callee has a direct
        // entry, its arguments go as JS arguments (read from their locals) and its result comes
        // back as the JS result, a stop as `STOP` after which this frame writes its
        // state as below; the call stack's room is implied by the nesting check
        // and the value stack's (`roomFor`).
        const viaDirect = directOpts !== null && (selfFrames || collectable) &&
          shape?.direct === true;
        const word = (w: number) =>
          w % entities.SLOT_WORDS === 0
            ? `s32[(fp + ${w})]`
            : `s32[(fp + ${w - w % entities.SLOT_WORDS}) + ${w % entities.SLOT_WORDS}]`;
        // A direct entry's one-word result may be an object (see "References as objects"):
        // kept so in a body that holds them, else its word.
        const oneWord = gcObjects && shape !== null && shape.results[0] === 1;
        if (oneWord) names.add("refWord");
        const result = (r: string) =>
          !oneWord ? r : objects ? `${OBJECT}${r}` : `refWord(store.gc, ${r})`;
        // A result that may be an object is told from a stop by identity (see `STOP`).
        const stopped = (r: string) => oneWord ? `${r} === STOP` : `typeof ${r} !== "number"`;
        const slow = `if (callee.isHost) {
  ${ownEnter("$oh")}const status = hostCall(callee, inst, st, base, store, baseDepth);
  if (status !== RETURN) ${stop(true)}
  ${ownLeave("$oh")}} else {
  ${keepDepth}const body = enterFunc(callee, st, depth, base, compiler, nesting, ${inLoopAt(pc)});
  if (body === null) {
    const status = CALL;
    ${stop(false)}
  }
  const inner = INNER[0];
  if (${c} === null) {
    const cf = callee.compiled;
    ${c} = callee;
    $k${pc} = inst;
    ${f} = body;
    ${i} = callee.instance;
    ${w} = cf.frameWords;
    ${n} = MAX_NESTING + 1 - nestingCost(cf);${
          directOpts !== null && (selfFrames || collectable)
            ? `\n    ${d} = directOf(callee);\n    $e${pc} = ${d} === null ? 0 : ${d}.cost === 1 ? ${n} : -1;`
            : ""
        }
  }
  ${
          !viaDirect
            ? callBody("body", "callee.instance", stop(false), "-1", "inner")
            : `const dd = directOf(callee);
  if (dd !== null && dd.cost === 1 && inner <= ${windowNesting("depth + 1")}) {
    // Its frame is pushed: its direct entry runs it, as at a cached site.
    const $r = dd(st, depth + 1, base${
              valueWords(b, shape!.params).map((w) => `, ${word(w)}`).join("")
            });
    if (${stopped("$r")}) {
      const status = STATUS[0];
      ${stop(false)}
    }
    ${depthBack}
    s32 = st.s32;${
              shape!.results.length === 0
                ? ""
                : `\n    s32[base] = ${oneWord ? "refWord(store.gc, $r)" : "$r"};${
                  shape!.results[0] === 2 ? "\n    s32[base + 1] = HIGH[0];" : ""
                }`
            }
  } else {
    ${callBody("body", "callee.instance", stop(false), "-1", "inner")}
  }`
        }
}`;
        const directArgs = viaDirect
          ? valueWords(b, shape!.params).map((w) => `, ${word(w)}`).join("")
          : "";
        // Where a collector scans the frames, the callee's entries and the depth are written
        // before it runs, as for an ordinary call (everything else is written already).
        const directRun = (
          fn: string,
          entity: string,
          call = `${fn}(st, depth + 1, base${directArgs})`,
          stopTest = stopped("$r"),
        ) =>
          `${
            lazy
              ? `let $r;
  try {
    $r = ${call};
  } catch (e) {
    if (st.depth <= depth) st.depth = depth + 1;
    st.funcs[depth + 1] = ${entity};
    throw e;
  }`
              : lazyFuncs
              ? `let $r;
  try {
    $r = ${call};
  } catch (e) {
    if (st.depth <= depth) st.depth = depth + 1;
    st.funcs[depth + 1] = ${entity};
    throw e;
  }`
              : `st.depth = depth + 1;
  frames[2 * depth + 2] = base;
  st.funcs[depth + 1] = ${entity};
  const $r = ${call};`
          }
  if (${stopTest}) {
    const status = STATUS[0];
    ${lazyFuncs ? `if (st.depth > depth) st.funcs[depth + 1] = ${entity};\n    ` : ""}${stop(false)}
  }${lazy ? "" : `\n  ${lazyFuncs ? "" : "st.depth = depth;\n  "}${RELOAD_STACKS}`}
${
            shape!.results.length === 0
              ? ""
              : `${word(b)} = ${result("$r")};${
                shape!.results[0] === 2 ? `\n${word(b + 1)} = HIGH[0];` : ""
              }`
          }
${FUEL_IN}`;
        // An indirect call's other targets (not the site's cached one) that have a direct entry
        // run it too, with what it needs read from the callee (its body's nesting cost, see
        // \`generateBody\`), rather than through \`enterFunc\`: \`bench/calls.wat\` calls seven
        // of its eight targets so.
        // Those others are called each from a call of its own, the first `OTHER_TARGETS` that
        // come kept in the site's slots (`$p`: the callee, `$q`: its direct entry, cost 1): one
        // call of all of them was megamorphic for V8, never inlined.
        // The lean spelling calls `$g` alone: Ignition inlines nothing, so each slot was only
        // its compare (three bytecodes, a context slot read) before the call. `bench/calls.wat`
        // run(450,000) under `node --jitless`, CPU time, least of 10 alternating with the
        // slots in one process: 150.9 -> 134.3 ms.
        const other = (k: number) => `$p${pc}_${k}`, otherFn = (k: number) => `$q${pc}_${k}`;
        const slots = Array.from({ length: OTHER_TARGETS }, (_, k) => k);
        if (!direct && viaDirect && !lean) otherSites.push(pc);
        // A \`call_indirect\` in a direct entry (whose caches are its instance's own, so its
        // store's: see \`directSource\`) keys those slots by the table element's handle
        // (\`$h\`, -1 while free) rather than by the callee: a handle names one function of the
        // store for good, whose type (the signature check) and direct entry are then known, so
        // a call of a kept target reads only the table's size and element (the table itself
        // read once per instance, \`$tab\`) and compares it, where \`indirectCallee\` read the
        // instance's tables, the store's functions, the callee's type and its direct entry on
        // every call (half of \`bench/calls.wat\`'s samples under \`perf\`, its sites' guards a
        // third more). Not where a call writes the callee's entries before it runs (\`lazy\`
        // only), nor where a result may be an object (told from a miss by \`typeof\`).
        const byHandle = op === I.CallIndirect && viaDirect && !lean && directSelf !== null &&
          lazy && !oneWord;
        const handle = (k: number) => `$h${pc}_${k}`;
        if (byHandle) handleSites.set(pc, code[pc + 2]!);
        // A target is kept in the first free slot: by handle (\`$x\`, free while -1) or by callee
        // (free while null), unless a slot holds it already or none is free.
        const [keyOf, free, keyed] = byHandle ? [handle, "-1", "$x"] : [other, "null", "callee"];
        const otherDirect = direct || !viaDirect ? "" : lean
          ? `} else if (
  (($g = callee.direct) ?? ($g = directOf(callee))) !== null &&
    $g.cost === 1 && nesting < ${windowNesting("depth + 1")}
) {
  ${directRun("$g", "callee")}
`
          : `} else if (
  (($g = callee.direct) ?? ($g = directOf(callee))) !== null &&
    $g.cost === 1 && nesting < ${windowNesting("depth + 1")}
) {
  if (${keyOf(OTHER_TARGETS - 1)} === ${free} && ${
            slots.map((k) => `${keyed} !== ${keyOf(k)}`).join(" && ")
          }) {
    ${
            slots.map((k) =>
              `if (${keyOf(k)} === ${free}) {\n    ${keyOf(k)} = ${keyed};\n    ${
                otherFn(k)
              } = $g;\n  }`
            )
              .join(" else ")
          }
  }
  ${
            byHandle ? directRun("$g", "callee") : directRun(
              "$g",
              "callee",
              `${
                slots.map((k) =>
                  `callee === ${other(k)} ? ${otherFn(k)}(st, depth + 1, base${directArgs}) : `
                ).join("")
              }$g(st, depth + 1, base${directArgs})`,
            )
          }
`;
        // A call of this very function (recursion) in this instance: its direct entry is
        // `direct` itself, its instance `inst`, its nesting cost known now, so the site
        // needs no cache, and its guard is the nesting check alone against a literal.
        // `deno task bench --tier codegen --filter fib`, min ratio, 3 runs alternated with the
        // tree before: fib 6.6-7.2x -> 5.8-5.9x native (a model of the body: the three-term
        // guard on the site's cache was a fifth of its time).
        const recursive = direct && directSelf !== null && (lazy || partial) &&
          code[pc + 1] === self &&
          directSelf.cost === 1;
        // A call of a function the module defines (not an import): every instance's callee
        // has the same compiled code, so the same body and direct entry, and its instance is
        // this one: the site's cache needs no key, and whether the callee has a direct entry
        // is in its nesting limit (`$e`, 0 until the cache has one). (`bench/calls.wat`
        // within the noise, 0.98-1.03x: its cost is in the indirect call.) Only in a body with
        // a direct entry, whose caches are its instance's own (see `directSource`): elsewhere
        // the cache is shared by every instance, and the callee's direct entry is not.
        const defined = direct && !recursive && directSelf !== null &&
          directOpts?.imported !== undefined && code[pc + 1]! >= directOpts.imported;
        // Whether the recursive call stays in the depth window. The lean spelling tests the
        // low bits' complement for truth: four bytecodes rather than six (a compare with 31).
        const recursiveGuard = lean
          ? `~depth & ${WINDOW - 1}`
          : `(depth & ${WINDOW - 1}) !== ${WINDOW - 1}`;
        const definedGuard = windowed
          ? `nesting < $e${pc}`
          : `$e${pc} > 0 && nesting < ${windowNesting("depth + 1")}`;
        const directCall = !viaDirect ? "" : defined
          ? `if (${definedGuard}) {
  ${directRun(d, `inst.funcs[${code[pc + 1]}]`)}
} else {
${args}
`
          : recursive
          ? `if (${recursiveGuard}) {
  ${directRun("direct", `inst.funcs[${self}]`, undefined, "$r === STOP")}
} else {
${args}
`
          : byHandle
          // No branch for the site's cached callee: it is kept in a slot as the others are
          // (see `byHandle`), where it ran `indirectCallee` on every call.
          ? `let $g;\nif (${otherDirect.slice("} else if (".length)}} else {
${args}
`
          : `${
            direct ? "" : "let $g;\n"
          }if (${d} !== null && ${key} && ${n} === ${MAX_NESTING} && nesting < ${
            windowNesting("depth + 1")
          }) {
  ${directRun(d, c)}
${otherDirect}} else {
${
            lazy || partial
              ? args
              : ""
          }
`;
        // A call of an import that may be a host function with a fast entry (see `HostFast`:
        // its type has at most three parameters and one result, each a word; the entity has
        // one only where they are i32s): its arguments and result as JS values, the stops as
        // `hostCall`'s. In-process A/B against the tree before (CPU time, best of 11, scale
        // 0.5): `bench/hostcall.wat` 2.57x -> 1.22x native.
        const hostFast = direct && lazy && shape !== null && directOpts?.imported !== undefined &&
          code[pc + 1]! < directOpts.imported && shape.params.length <= 3 &&
          shape.params.every((n) => n === 1) && shape.results.every((n) => n === 1) &&
          shape.results.length <= 1;
        const fastArgs = hostFast
          ? [0, 1, 2].map((k) => k < shape!.params.length ? word(b + k * entities.SLOT_WORDS) : "0")
            .join(", ")
          : "";
        // Compact call sites: a call outside this body's loops (`inLoopAt`) of a function the
        // module defines keeps only the direct call of its cached callee inline; the rest (its
        // frame pushed through `enterFunc`, the cache filled) is one helper call (`callOut`),
        // which the site takes once, or where the nesting leaves no room for the direct call.
        // Same frames at every stop as the full spelling below. Such a site took ~160 lines of
        // JS, most of it its slow path: `deno task bench:first-call`'s `run` (2,000 sites)
        // was 7.7 MB of JS, generated in 2.1-2.9 s (see the commit that added this).
        if (lazy && viaDirect && (defined || recursive) && !inLoopAt(pc)) {
          compact.add(pc);
          const [fn, entity] = recursive
            ? ["direct", `inst.funcs[${self}]`]
            : [d, `inst.funcs[${code[pc + 1]}]`];
          const guard = recursive ? recursiveGuard : definedGuard;
          const fill = !defined ? "" : `
  if ($e${pc} === 0 && (${d} = directOf(${callee})) !== null) {
    ${n} = MAX_NESTING + 1 - ${d}.cost;
    $e${pc} = ${d}.cost === 1 ? ${n} : -1;
  }`;
          const results = shape!.results;
          const slow = `$r = callOut(${callee}, st, depth, base, store, nesting, ${stale}, ${
            results[0] ?? 0
          });${fill}`;
          const stoppedBlock = `if (${recursive ? "$r === STOP" : stopped("$r")}) {
  const status = STATUS[0];
  ${stop(false)}
}
${
            results.length === 0
              ? ""
              : `${word(b)} = ${result("$r")};${
                results[0] === 2 ? `\n${word(b + 1)} = HIGH[0];` : ""
              }\n`
          }${reloadWords(b, [])}`;
          // A recursive call too has the one stop after both paths (tested by identity, see
          // `STOP`), which with the stops outlined (see `outlineStops`) keeps fib's body small
          // enough for V8 to inline a call of it into another.
          js = `${FUEL_OUT}
const base = fp + ${b};
let $r;
if (${guard}) {
  try {
    $r = ${fn}(st, depth + 1, base${directArgs});
  } catch (e) {
    if (st.depth <= depth) st.depth = depth + 1;
    st.funcs[depth + 1] = ${entity};
    throw e;
  }
} else {
  ${args}
  ${slow}
}
${stoppedBlock}
${MEMORY_RELOAD}`;
          break;
        }
        const fastHost = !hostFast ? "" : `const $hc = ${callee};
let $h;
if ($hc.isHost === true && ($h = $hc.fast) !== null) {
  ${viaDirect ? args : ""}
  let $o, status = RETURN;
  try {
    $o = $h(inst, s32, base, ${fastArgs});
  } catch (e) {
    st.host = $hc;
    st.hostBase = base;
    status = hostThrew(st, store, baseDepth, e);
  }
  if (status === RETURN && typeof $o !== "number") {
    if ($o === undefined) $o = s32[base];
    else {
      st.host = $hc;
      st.hostBase = base;
      st.pending = $o;
      status = HOST_AWAIT;
    }
  }
  if (status !== RETURN) ${stop(true)}
  ${shape!.results.length === 0 ? "" : `${word(b)} = $o;`}
  ${FUEL_IN}
} else {
`;
        // The kept targets' calls (see \`byHandle\`): a miss (another element, a null or out of
        // bounds one, no room in the nesting) runs the site's full spelling below, which traps,
        // or keeps the target in a free slot.
        const index = `s32[${slot(3)}]`, table = `$tab${code[pc + 2]}`;
        const kept = !byHandle
          ? ""
          : `const $x = (${index} >>> 0) < ${table}.size ? ${table}.elements[${index}] : 0;
let $rx = null;
if (nesting < ${windowNesting("depth + 1")}) {
  try {
    $rx = ${
            slots.map((k) =>
              `$x === ${handle(k)} ? ${otherFn(k)}(st, depth + 1, base${directArgs}) : `
            ).join("")
          }null;
  } catch (e) {
    if (st.depth <= depth) st.depth = depth + 1;
    st.funcs[depth + 1] = store.funcs[$x];
    throw e;
  }
}
if (typeof $rx === "number") {
${
            shape!.results.length === 0
              ? ""
              : `${word(b)} = $rx;${shape!.results[0] === 2 ? `\n${word(b + 1)} = HIGH[0];` : ""}`
          }
${FUEL_IN}
} else if ($rx === STOP) {
  const status = STATUS[0];
  ${stop(false)}
} else {
`;
        js = `${
          lazy
            ? (viaDirect ? FUEL_OUT : `${args}\n${FUEL_OUT}`)
            : partial
            ? `${viaDirect ? "" : `${args}\n`}${FUEL_OUT}\n${rootsBelow(b)}${
              // Without handler lookups only a stop reads the pc, and writes it (\`lazyFuncs\`).
              lazyFuncs ? "" : `\nframes[2 * depth + 1] = ${next};`}`
            : `${FLUSH}\nframes[2 * depth + 1] = ${next};`
        }
const base = fp + ${b};
${fastHost}${kept}${direct ? "" : `const callee = ${callee};\n`}${directCall}if (${push}) {
  ${keepDepth}st.depth = depth + 1;
  ${
          selfFrames
            ? `let status;
  try {
    status = ${f}(store, st, depth + 1, bulkFuel, compiler, ${cached}, baseDepth, ${i}, base);
  } catch (e) {
    st.funcs[depth + 1] = ${c};
    throw e;
  }
  if (status !== RETURN) ${stop(false)}
  ${depthBack}`
            : `frames[2 * depth + 2] = base;
  st.funcs[depth + 1] = ${c};
  ${callBody(f, i, stop(false), "base", cached)}`
        }
} else {
${direct ? `const callee = ${callee};\n` : ""}${slow}
}
s32 = st.s32;
f32 = st.f32;
f64 = st.f64;
frames = st.frames;
${back}${viaDirect ? "\n}" : ""}${hostFast ? "\n}" : ""}${byHandle ? "\n}" : ""}
${MEMORY_RELOAD}`;
        break;
      }
      // Two-word moves, spelled word by word: the low word as `s32[(fp + k)]`, the high word
      // as `s32[(fp + k) + 1]`, so that a slot used as an i32 or an i64 stays cached (an f64
      // moved this way stays in the value stack: its words are reached both ways).
      case I.Copy: {
        const [d, a] = [code[pc + 1]!, code[pc + 2]!];
        js = `s32[(fp + ${d})] = s32[(fp + ${a})];\ns32[(fp + ${d}) + 1] = s32[(fp + ${a}) + 1];`;
        break;
      }
      case I.Select: {
        const [d, c, a, b] = [code[pc + 1]!, code[pc + 2]!, code[pc + 3]!, code[pc + 4]!];
        js = `if (s32[(fp + ${c})] !== 0) {
  s32[(fp + ${d})] = s32[(fp + ${a})];
  s32[(fp + ${d}) + 1] = s32[(fp + ${a}) + 1];
} else {
  s32[(fp + ${d})] = s32[(fp + ${b})];
  s32[(fp + ${d}) + 1] = s32[(fp + ${b}) + 1];
}`;
        break;
      }
      case I.GlobalGet: {
        const [d, x] = [code[pc + 1]!, code[pc + 2]!];
        js = `const g = globals[${x}].value;
s32[(fp + ${d})] = g[0];
s32[(fp + ${d}) + 1] = g[1];`;
        break;
      }
      case I.GlobalSet: {
        const [x, a] = [code[pc + 1]!, code[pc + 2]!];
        js = `const g = globals[${x}].value;
g[0] = s32[(fp + ${a})];
g[1] = s32[(fp + ${a}) + 1];`;
        break;
      }
      // A throw hands the exception to the innermost handler in this call's frames: in this
      // frame, control goes on to its pad (see "Exceptions"); in a frame below, the frames
      // between return (CALL, with `st.depth` the handler's: `UP`) and that frame, or the driver,
      // continues at its pad.
      // A tail call to a Wasm function replaces this frame as the interpreter's does (arguments
      // moved to the frame's first slots, locals zeroed, the same value-stack check), then the
      // driver runs the callee in this frame from its start (\`CALL\`), so a chain of tail calls
      // runs in constant JS stack. A host callee is left to the interpreter, which runs the
      // instruction again (finding the callee has no effect but its traps, already passed).
      case I.ReturnCall:
      case I.ReturnCallIndirect:
      case I.ReturnCallRef: {
        // The callee continues in this frame from the driver, which reads the frame's base from
        // the call stack: a caller that entered this body directly never wrote it (`selfWrite`),
        // so the tail call writes it (without it, a tail call after another callee at this depth
        // had stopped ran at that callee's base: tests/engine/codegen_direct_test.ts).
        const callee = calleeOf(op === I.ReturnCall, op === I.ReturnCallRef);
        const b = code[pc + (op === I.ReturnCall ? 2 : op === I.ReturnCallRef ? 2 : 4)]!;
        js = `${FLUSH}
const callee = ${callee};
if (callee.isHost) {
  frames[2 * depth + 1] = ${pc};
  return INTERPRET;
}
const base = fp + ${b};
const cf = callee.compiled ?? compiler.compile(callee);
if (fp + cf.frameWords > s32.length) {
  st.growValues(fp + cf.frameWords);
  s32 = st.s32;
}
for (let i = 0, n = cf.paramWords; i < n; i++) s32[fp + i] = s32[base + i];
for (let i = fp + cf.paramWords, end = fp + cf.localWords; i < end; i++) s32[i] = 0;
st.funcs[depth] = callee;
st.frames[2 * depth] = fp;
frames[2 * depth + 1] = 0;
return ${TAIL}CALL;`;
        reachable = false;
        break;
      }
      case I.Throw:
        js = `${FLUSH}
frames[2 * depth + 1] = ${next};
throwException(store, st, baseDepth, newException(store, inst.tags[${code[pc + 1]}], s32, ${
          slot(2)
        }));
${land(pc, "st.depth === depth")}
return ${UP}CALL;`;
        reachable = false;
        break;
      case I.ThrowRef:
        js = `${FLUSH}
const exn = store.exns[s32[${slot(1)}]];
if (exn === null) throw trap(TrapCode.NullExnReference);
frames[2 * depth + 1] = ${next};
throwException(store, st, baseDepth, exn);
${land(pc, "st.depth === depth")}
return ${UP}CALL;`;
        reachable = false;
        break;
      case I.TierUp:
        // Counts towards tier-up in the interpreter only: this code is the generated tier.
        js = "";
        break;
      case I.ConsumeFuel:
        // Spelled once the body's fuel plan is known (see `spellCharge` below).
        js = fuelAt(pc);
        break;
      default: {
        // Metered, a spelled struct.new pays nothing and never stops (see `structNew` in
        // codegen_gc.ts): its collection needs the cached slots written back, not the fuel
        // count handed over (a full `FLUSH` would), and the count current only in case the
        // collection throws.
        const gcJs = spellGc(
          code,
          pc,
          metered ? freeElements : Infinity,
          metered
            ? `${flushBelow(ALL_WORDS)}\n${FUEL_SYNC}\n${ownEnter("$og")}`
            : `${FLUSH}\n${ownEnter("$og")}`,
          ownLeave("$og"),
          objects,
        );
        if (gcJs !== null) {
          js = gcJs;
          for (const name of runtimeNames(js)) names.add(name);
          break;
        }
        const paid = PAID_BRANCH[op]!;
        if (paid >= 0) {
          // The branch's template: for `*Arms` as it is (the arms' `ConsumeFuel`s charge in
          // generated code, where entering them costs no dispatch); for `*Pay` paying the
          // `ConsumeFuel` at its fallback (stopping there as it would) before it jumps.
          const t = templateOf(paid);
          const pays = INSTR_SIZE[op] !== INSTR_SIZE[paid];
          const at = pays ? code[pc + size - 2]! : -1;
          const text = lowerI64(slotConstsInlined(spell(t, code, pc, size)));
          js = text.replace(
            /pc = (-?\d+);\n {2}continue;/,
            (_, to: string) => {
              if (pays) paying.set(pc, { at, cost: code[at + 1]!, target: Number(to) });
              return pays ? `${fuelAt(pc)}\n${jump(Number(to), pc)}` : jump(Number(to), pc);
            },
          );
          for (const name of runtimeNames(js)) names.add(name);
          break;
        }
        const t = templateOf(op);
        if (t.problem !== null) {
          escapes.set(pc, `${def.name} (${t.problem})`);
          break;
        }
        let text = spell(t, code, pc, size);
        const inlined = slotConstsInlined(text);
        const before = lastConst !== null && lastConst.at === out.length - 1 && !entries.has(pc)
          ? lastConst
          : undefined;
        text = inlineStoreByte(inlineCopyByte(lowerV128(lowerI64(inlined), before)));
        // Respelled i64 arithmetic names other runtime functions than the template's.
        if (text !== inlined) { for (const name of runtimeNames(text)) names.add(name); }
        else for (const name of t.names) names.add(name);
        const readsStore = /\b(store|bulkFuel)\b/.test(text);
        if (t.branch && readsStore) {
          // A branch whose condition reads the store (`BrOnCast*`: `refTest`) takes the count
          // back before it jumps too: the jump leaves past the `FUEL_IN` below, and the code it
          // lands in would charge a local no longer written back (a loop's charges were lost).
          text = text.replace(/pc = (-?\d+);\n {2}continue;/, (m) => `${FUEL_IN}\n${m}`);
        }
        if (t.branch && structured) {
          text = text.replace(
            /pc = (-?\d+);\n {2}continue;/,
            (_, to: string) => jump(Number(to), pc),
          );
        }
        js = t.needsPc && !t.branch ? `${FLUSH}\npc = ${pc};\n${text}` : text;
        // Its `break` runs it again (a refilled fuel stop): here, a loop of its own.
        if (t.needsPc && !t.branch && structured) {
          js =
            `for (;;) {\nlet $done = false;\nswitch (0) {\ndefault: {\n${js}\n}\n$done = true;\n}\nif ($done) break;\n}`;
        }
        // A collection's scan reads this frame's entries (see \`lazyFuncs\`).
        if (ALLOCATING.has(op)) js = `${ownEnter(`$oa${pc}`)}${js}\n${ownLeave(`$oa${pc}`)}`;
        // What may read or charge the store's fuel gets it current.
        if (readsStore) js = `${FUEL_OUT}\n${js}\n${FUEL_IN}`;
        else if (metered && callsOut(text)) js = `${FUEL_SYNC}\n${js}`;
      }
    }
    if (escapes.has(pc)) {
      // The interpreter runs the rest of this call of the function, from this instruction.
      js = `${FLUSH}\nframes[2 * depth + 1] = ${pc};\nreturn ${INTERPRET};`;
      reachable = false;
    } else if (OWN.has(op)) {
      for (const name of runtimeNames(js)) names.add(name);
    }
    // A block only where the instruction declares names (it keeps the source small to parse).
    isInstruction[out.length] = true;
    const written = /^s32\[(\(fp \+ -?\d+\))\] = (-?\d+);$/.exec(js);
    lastConst = written === null
      ? null
      : { slot: written[1]!, value: Number(written[2]), at: out.length };
    if (metered) {
      fuelNodes.push({
        pc,
        kind: op === I.ConsumeFuel && !escapes.has(pc)
          ? "charge"
          : paying.has(pc)
          ? "pay"
          : /\/\*(fuelout|fuelin|flush)\*\/|\/\*reload>=/.test(js)
          ? "reset"
          : "plain",
        cost: op === I.ConsumeFuel ? code[pc + 1]! : paying.get(pc)?.cost ?? 0,
        next: reachable ? next : -1,
        targets: targetsOf.get(pc) ?? [],
      });
    }
    if (metered) outOf.set(pc, out.length);
    out.push(/\b(const|let) /.test(js) ? `{\n${js}\n}` : js);
    pc = next;
  }
  if (shape !== null) structure(shape.closeAt(code.length), -1);
  /** The folded back edges (see `countedBackEdge`), with their loops' starts. */
  const folded = new Map<number, number>();
  if (metered) {
    // Which charges test the count, and for how much (see codegen_fuel.ts); in the switch body,
    // every one for itself (each is an entry).
    const plan = structured ? planFuel(fuelNodes, osrEntry >= 0 ? [0, osrEntry] : [0]) : null;
    const spellCharge = (pc: number): string => {
      const pay = paying.get(pc);
      const [at, cost] = pay === undefined ? [pc, code[pc + 1]!] : [pay.at, pay.cost];
      if (plan === null) return charge(cost, at);
      const need = plan.get(pc);
      return need === undefined
        ? `${FUEL_CHARGE}${cost}${FUEL_CHARGE_END}`
        : structuredCharge(cost, at, need);
    };
    // Counted loops' back edges checking the count once for many passes (see
    // `countedBackEdge`).
    if (plan !== null) {
      for (const pc of foldableLoops(fuelNodes, plan)) {
        const op = code[pc]!;
        const def = ISA[op]!;
        const pay = paying.get(pc)!;
        const need = plan.get(pc)!;
        if (osrEntry >= pay.target && osrEntry <= pc) continue;
        const charged = `${FUEL_CHARGE}${pay.cost}${FUEL_CHARGE_END}`;
        const text = countedBackEdge(
          def.name,
          def.shape,
          Array.from(code.subarray(pc + 1, pc + INSTR_SIZE[op]!)),
          pc,
          need,
          (w) => `(fp + ${w})`,
          structuredCharge(pay.cost, pay.at, need).slice(0, -charged.length),
          charged,
          jump(pay.target, pc),
          FUEL_COLD,
        );
        if (text === null) continue;
        out[outOf.get(pc)!] = text;
        folded.set(pc, pay.target);
      }
    }
    for (let i = 0; i < out.length; i++) {
      if (out[i]!.includes("/*fuel@")) {
        out[i] = out[i]!.replace(/\/\*fuel@(\d+)\*\//g, (_, pc: string) => spellCharge(Number(pc)));
      }
    }
  }
  const numbered = numberSlots(out, isInstruction, paramWords, resultWords);
  for (let i = 0; i < numbered.length; i++) out[i] = numbered[i]!;
  // v128 lanes as slots of their own, until `lanesBack` below.
  const laned = laneSlots(out, isInstruction, paramWords, resultWords);
  // Reads of words known to hold constants spelled as the constants (loop invariants too).
  const known = knownWords(laned, isInstruction);
  const f32s = f32Slots(known, isInstruction, paramWords, resultWords);
  // Terms reading only the words of a zero vector dropped.
  // Carry fixes and range tests the lanes' bits show needless dropped.
  // Lanes and bits of lanes no read takes left uncomputed.
  const lanes0 = demandedLanes(
    boundedLanes(zeroLanes(f32s.texts, isInstruction), isInstruction),
    isInstruction,
  );
  for (let i = 0; i < laned.length; i++) out[i] = lanes0[i]!;
  const first = promotable(out, f32s.chosen);
  const split = splitSlotValues(out, isInstruction, entryOf, new Set(first.map((c) => c.k)));
  for (const name of ["f64Lo", "f64Hi", "f64Of", "f32Bits", "f32Of"]) {
    if (split.texts.some((t) => t.includes(`${name}(`))) names.add(name);
  }
  const promoted = split.locals.length === 0 ? first : promotable(split.texts, f32s.chosen);
  // Holding references as objects, every slot's word 0 the text reads or writes must be cached
  // in a local (an object never goes into a word but through \`refWord\`): else generated again
  // with words only.
  if (objects) {
    const cached = new Set(
      promoted.filter((c) => c.kind === "s32" || c.kind === "i64").map((c) => c.k),
    );
    for (const m of split.texts.join("\n").matchAll(/s32\[\(fp \+ (-?\d+)\)\]/g)) {
      const k = Number(m[1]);
      if (wordOfSlot(k) % entities.SLOT_WORDS === 0 && !cached.has(k)) {
        return generateSource(code, { ...options, wordsOnly: true });
      }
    }
  }
  if (osrAt >= 0) skipToEntry(split.texts, nests, osrAt);
  let text = split.texts.join("\n");
  // A direct entry's returns leave nothing in the value stack (see `directResult`).
  if (directSelf !== null) {
    text = text.replace(/\/\*flush<\d+\*\/\n(?=\/\*fuelout\*\/\n\/\*result\*\/)/g, "");
  }
  // A metered body's shared fuel stop (see `charge`) follows it, after `FUEL_STOP_MARK`.
  let body = lanesBack(
    promote(
      text + (metered ? FUEL_STOP_MARK + FUEL_STOP : ""),
      promoted,
      directOpts?.numeric,
      // (\`lazyStacks\`'s test for loops; an exit's interpreter reads what the text does not.)
      structured && escapes.size === 0 && !/\bfor \(|\bwhile \(|\bdo \{/.test(text),
      objects,
    ),
  );
  // A direct entry's arguments and result may be objects (see \`directSource\`).
  if (gcObjects && directSelf !== null) names.add("refWord");
  // An object assigned to a slot no local caches goes into the value stack as its handle.
  if (objects) {
    body = body.replace(/= \/\*object\*\/(\$\w+);/g, "= refWord(store.gc, $1);");
    if (body.includes(OBJECT)) return { reason: "a reference as an object left unplaced" };
  }
  const folds = stripMine(body, folded);
  body = folds.body;
  const imports = [...names].sort();
  // `$warm` (see `coldLoops`): 0 from each loop's entry to its first back edge.
  const cold = /\$warm\b/.test(body);
  if (cold && structured) body = coldLoops(body);
  const declare = (cold ? (structured ? "let $warm = 0;\n" : "const $warm = -4096;\n") : "") +
    (split.locals.length === 0 ? "" : `let ${split.locals.map((l) => `${l} = 0`).join(", ")};\n`) +
    (promoted.length === 0
      ? ""
      : `let ${promoted.flatMap(locals).map((l) => `${l} = 0`).join(", ")};
${
        // Entered at its start, a frame holds its parameters, then zeroed locals (the locals'
        // initial 0) and scratch words no code reads before writing: only the parameters are read
        // (the prologue was a fifth of a call's cost in \`bench/fib.wat\`, by a CPU profile).
        // Entered at an OSR entry, every cached slot is read from the frame.
        osrEntry >= 0
          ? `if ($osr) {\n${lanesBack(promote("/*reload*/", promoted))}\n} else {\n${
            lanesBack(promote(`/*reload<${Math.min(paramWords, 0x7fffffff)}*/`, promoted))
          }\n}`
          : lanesBack(promote(
            structured ? `/*reload<${Math.min(paramWords, 0x7fffffff)}*/` : "/*reload*/",
            promoted,
          ))}\n`);
  // A frame entered at its start zeroes its declared locals itself (a call site would need a
  // loop over sizes it reads at run time): the words its JS locals do not cache (those start at
  // 0 as locals; a stop writes them), or, in the dispatch-switch body, which reads them all
  // from the value stack, every word. A loop over the whole range where there are many.
  const cachedWords = new Set(
    structured ? promoted.flatMap((c) => wordsOf(c)) : [],
  );
  const zeroed: number[] = [];
  for (let w = paramWords; w < localWords; w++) if (!cachedWords.has(w)) zeroed.push(w);
  const zero = zeroed.length === 0
    ? ""
    : zeroed.length > 32
    ? `for (let k = fp + ${paramWords}, end = fp + ${localWords}; k < end; k++) s32[k] = 0;\n`
    : zeroed.map((w) => `s32[fp + ${w}] = 0;`).join(" ") + "\n";
  // The prologue reads only what the body uses (the names are the templates' and ours).
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(body);
  // The float views are loaded (and reloaded after calls) only where the body uses them.
  const views = ["f32", "f64"].filter((v) => {
    const text = declare + body.replaceAll(`${v} = st.${v};`, "");
    const used = new RegExp(`\\b${v}\\b`).test(text);
    if (!used) body = body.replaceAll(`${v} = st.${v};\n`, "");
    return used;
  });
  const usesMem = uses("mem") || uses("mview") || uses("memLen");
  if (metered && structured) body = dropIdleTakes(body, FUEL_IN, FUEL_OUT);
  // `=== true`: in code compiled for on-stack replacement `fuelLive` has no type, and a bare
  // `if (fuelLive)` was V8's whole ToBoolean, seven compares, at every call (see "fast entry").
  body = body.replaceAll(
    FUEL_OUT,
    metered ? "if (fuelLive === true) {\n  store.fuel = fuel;\n  fuelLive = false;\n}\n" : "",
  )
    .replaceAll(FUEL_IN, metered ? FUEL_TAKE : "")
    .replaceAll(FUEL_SYNC, metered ? "if (fuelLive) store.fuel = fuel;" : "")
    .replace(/\/\*charge\*\/(\d+)\/\*\*\//g, (_, cost: string) => `fuel = (fuel - ${cost}) | 0;`);
  // A throw writes the count back first (the comma operator throws its last operand), or, in a
  // body with many throws, one `catch` around it does (see `inner` below): the writes at
  // every `throw` were about 4 KB of `bench/vec_bytes.c`'s metered body and kept it over
  // TurboFan's size limit (fuel on/off 2.3x; 0.8-1.1x with the `catch`), while in a small body
  // the `catch` costs more than the writes (`bench/bytesum.wat` 1.38x -> 1.52x).
  const throwAt = /\bthrow (?!\()/g;
  const caught = metered && (body.match(throwAt)?.length ?? 0) > CAUGHT_THROWS;
  if (metered && !caught) {
    body = body.replace(throwAt, "throw (fuelLive && (store.fuel = fuel)), ");
  }
  if (directSelf !== null) body = directWrite(body, self, collectable && !lazyFuncs);
  else if (selfFrames) body = selfWrite(body, self);
  body = body.replaceAll(
    MEMORY_RELOAD,
    usesMem ? "if (mem !== null) {\n  mview = mem.view;\n  memLen = mview.byteLength;\n}" : "",
  );
  // v128 accesses on the memory's typed arrays where aligned (see `typedLanes`), in the JIT
  // spelling (the lean one has its own, `codegen_lean.ts`): the arrays read again wherever the
  // view is (each time with its length).
  const typedViews = new Set<string>();
  const viewRead = (v: string) => `${v} = mem !== null ? mem.${v.slice(1)} : null`;
  if (
    structured && splitLong && !lean && usesMem &&
    body.match(/\bmview = /g)?.length === body.match(/\bmemLen = mview\.byteLength;/g)?.length
  ) {
    body = typedBytes(typedLanes(body, typedViews), typedViews);
    for (const name of ["unalignedLoad", "unalignedStore", "UNALIGNED_I32"]) {
      if (!imports.includes(name) && body.includes(name)) imports.push(name);
    }
    if (typedViews.size > 0) {
      const read = `\n${[...typedViews].map(viewRead).join(", ")};`;
      body = body.replace(/\bmemLen = mview\.byteLength;/g, (line) => line + read);
    }
  }
  const prologue = [
    `let frames = st.frames;`,
    `const fp = entered >= 0 ? entered : frames[2 * depth];`,
    `let pc = entered >= 0 ? 0 : frames[2 * depth + 1];`,
    `let ${["s32", ...views].map((v) => `${v} = st.${v}`).join(", ")};`,
    ...(uses("globals") ? [`const globals = inst.globals;`] : []),
    ...(usesMem
      ? [
        `let mem = inst.memories[0] ?? null;`,
        `let mview = mem !== null ? mem.view : EMPTY_VIEW;`,
        `let memLen = mview.byteLength;`,
        ...[...typedViews].map((v) => `let ${viewRead(v)};`),
      ]
      : []),
  ].join("\n");
  const [main, stop] = metered ? body.split(FUEL_STOP_MARK) : [body, ""];
  body = main!;
  // A first call refills at each check only where a loop's OSR code could keep a check's
  // refill path without feedback (see `FUEL_COLD`); elsewhere the tests are as they were.
  const coldFuel = metered && structured && /^L\d+: for \(;;\) \{$/m.test(body);
  if (metered && structured && !coldFuel) {
    body = body.replaceAll(`(fuel | ${FUEL_COLD}) < `, "fuel < ")
      .replaceAll(`\n  ${FUEL_FIRST} = 0;`, "");
  }
  // Long loops as functions of their own (see codegen_split.ts).
  const split2 = structured && splitLong
    ? splitLoops(
      body,
      new Map([
        ...[
          ...BODY_NAMES,
          ...typedViews,
          ...(osrEntry >= 0 ? ["$osr"] : []),
          ...(cold ? ["$warm"] : []),
          // A direct entry's result (see `directSource`).
          ...(directSelf !== null ? ["$res"] : []),
        ].map((n) => [n, "any"] as const),
        ...folds.limits.map((n) => [n, "i32"] as const),
        // Where an exception landed (see "Exceptions").
        ...(tries !== null ? [["$pad", "i32"]] : []) as [string, LocalKind][],
        ...(metered
          ? [["fuel", "i32"], ["fuelLive", "any"], ["fuelExit", "i32"], [FUEL_COLD, "i32"]]
          : []) as [
            string,
            LocalKind,
          ][],
        ...[...split.locals, ...promoted.flatMap(locals)].map((n) => [n, kindOfLocal(n)] as const),
      ]),
      caught ? "fuel" : null,
      // Chunks only shorten V8's optimising compiles (see `SPLIT_SIZES.chunkChars`): without a
      // JIT there are none, and the lean rewrites (`leanLoops`) spell whole loops, not chunks.
      lean
        ? {
          ...SPLIT_SIZES,
          chunkChars: undefined,
          minBody: Math.min(SPLIT_SIZES.minBody, SPLIT_SIZES.leanMinBody),
        }
        : SPLIT_SIZES,
    )
    : null;
  if (split2 !== null) body = split2.body;
  // Straight-line code entered only at its start needs no dispatch loop.
  const loop = labels.size > 1 || uses("continue") || /\bbreak\b(?! FuelStop;)/.test(body);
  const unstopped = structured
    ? `${body}\nthrow new Error("Control left generated code");`
    : loop
    ? `for (;;) {
switch (pc) {
${body}
default:
throw new Error("Bad entry point " + pc + " into generated code");
}
}`
    : body.replace(/^case 0:$/m, "");
  // A trap thrown in the body (or by a helper it calls) leaves the count written back; a call
  // out has written it already (`fuelLive` is false then).
  const inner = caught
    ? `try {\n${FUEL_STOP_LABEL}: {\n${unstopped}\n}\n${stop}\n} catch (e) {\nif (fuelLive) store.fuel = fuel;\nthrow e;\n}`
    : metered
    ? `${FUEL_STOP_LABEL}: {\n${unstopped}\n}\n${stop}`
    : unstopped;
  const fueled = (tries === null ? "" : "let $pad = 0;\n") +
    (metered
      ? `let fuel = store.fuel | 0, fuelLive = true, fuelExit = 0${
        folds.limits.map((n) => `, ${n} = 0`).join("")
      }${coldFuel ? `, ${FUEL_COLD} = ${FUEL_FIRST}` : ""};\n${inner}`
      : inner);
  const top = `"use strict";
const { ${imports.join(", ")} } = rt;
`;
  const head = `${coldFuel ? `let ${FUEL_FIRST} = ${COLD_FUEL};\n` : ""}${
    sites.map((pc) =>
      compact.has(pc)
        ? `let $n${pc} = 0, $d${pc} = null, $e${pc} = 0;\n`
        : `let $c${pc} = null, $k${pc} = null, $b${pc} = null, $i${pc} = null, $w${pc} = 0, $n${pc} = 0${
          directOpts === null ? "" : `, $d${pc} = null, $e${pc} = 0`
        };\n`
    ).join("")
  }${
    otherSites.map((pc) =>
      `let ${
        Array.from(
          { length: OTHER_TARGETS },
          (_, k) =>
            `$${handleSites.has(pc) ? "h" : "p"}${pc}_${k} = ${
              handleSites.has(pc) ? -1 : null
            }, $q${pc}_${k} = null`,
        )
          .join(", ")
      };\n`
    ).join("")
  }${
    [...new Set(handleSites.values())].map((t) => `const $tab${t} = $inst.tables[${t}];\n`)
      .join("")
  }${split2?.declarations ?? ""}`;
  if (directSelf !== null) {
    return {
      // The runtime's names again in the instance's closure, which the entry reads them from:
      // one context away, as in a body without one.
      source: hoistGcTypes(
        top +
          directSource(
            directSelf,
            `const { ${imports.join(", ")} } = rt;\n${head}`,
            promoted,
            prologue,
            zero,
            split.locals,
            fueled,
            cold,
            !lean,
            gcObjects ? { objects, numeric: directOpts?.numeric } : null,
          ),
      ),
      escapes: [...escapes.values()],
      structured,
    };
  }
  const source = `${top}${head}return function wasm(${BODY_PARAMS.join(", ")}) {
${prologue}
${
    osrEntry >= 0
      ? `let $osr = pc === ${osrEntry};
if (pc !== 0 && !$osr) return resumeBody(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, -1);
${zero === "" ? "" : `if (!$osr) {\n${zero}}\n`}`
      : structured
      ? `if (pc !== 0) return resumeBody(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, -1);\n${zero}`
      : zero === ""
      ? ""
      : `if (pc === 0) {\n${zero}}\n`
  }${declare}${fueled}
};`;
  return { source: hoistGcTypes(source), escapes: [...escapes.values()], structured };
}

/**
 * \`source\` with each \`gcType(<id>)\` of a literal id (struct.new's type) read once, when the
 * body is made, into a constant of its own (\`$T<id>\`). binary-trees put 3-4% of its CPU
 * profile in \`gcType\` (its table lookup on every allocation).
 */
function hoistGcTypes(source: string): string {
  const ids = new Set<string>();
  for (const m of source.matchAll(/\bgcType\((\d+)\)/g)) ids.add(m[1]!);
  if (ids.size === 0) return source;
  // After the innermost reading of the runtime's names (a direct entry's instance closure).
  const end = source.lastIndexOf("} = rt;\n") + "} = rt;\n".length;
  return source.slice(0, end) +
    [...ids].map((id) => `const $T${id} = gcType(${id});\n`).join("") +
    source.slice(end).replace(/\bgcType\((\d+)\)/g, "$$T$1");
}

/**
 * The end of the source of a body with a direct entry (see "Direct calls"): the direct entry
 * (`direct`), running `fueled` (the body, its stops spelled by `directWrite`) after `prologue`
 * (without its first three lines: here the frame base is a parameter and the pc 0), `zero`
 * and its parameters taken from its arguments into the `promoted` slots' locals (or the value
 * stack); and the ordinary entry (`wasm`), which continues a frame not at its start in
 * `resumeBody`, and otherwise calls the direct entry with the arguments in the frame's slots,
 * writes its result there and turns `STOP` back into its status.
 */
function directSource(
  self: NonNullable<DirectOptions["self"]>,
  head: string,
  promoted: readonly Cached[],
  prologue: string,
  zero: string,
  splitLocals: readonly string[],
  fueled: string,
  cold: boolean,
  lazy: boolean,
  gc: { objects: boolean; numeric: ReadonlySet<number> | undefined } | null = null,
): string {
  const { params, results } = self.shape;
  // An argument that may be a reference held as an object (see "References as objects"): the
  // word for it where it goes into the value stack or into a body that does not hold objects.
  const arg = (i: number, a: string, local: boolean) =>
    gc === null || params[i] !== 1 || gc.numeric?.has(entities.SLOT_WORDS * i) === true ||
      (local && gc.objects)
      ? a
      : `refWord(store.gc, ${a})`;
  const windowed = (self.cost ?? 1) === 1;
  const args: string[] = [];
  const init: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const k = entities.SLOT_WORDS * i;
    const words = Array.from({ length: params[i]! }, (_, j) => `$a${i}_${j}`);
    args.push(...words);
    const c = promoted.find((c) => c.k === k);
    if (c !== undefined && c.kind === "i64") {
      init.push(`r${k} = ${arg(i, words[0]!, true)}; h${k} = ${words[1] ?? 0};`);
    } else if (c !== undefined && c.kind === "s32") {
      init.push(
        `r${k} = ${arg(i, words[0]!, true)};${
          words[1] === undefined ? "" : ` s32[fp + ${k + 1}] = ${words[1]};`
        }`,
      );
    } else {
      init.push(
        words.map((a, j) => `s32[fp + ${k + j}] = ${j === 0 ? arg(i, a, false) : a};`).join(" "),
      );
      if (c !== undefined) {
        init.push(
          lanesBack(promote(`/*reload>=${k}:${wordsOf(c).join(",")}*/`, [c])).replace(FUEL_IN, ""),
        );
      }
    }
  }
  const declare = (cold ? "let $warm = 0;\n" : "") +
    (splitLocals.length === 0 ? "" : `let ${splitLocals.map((l) => `${l} = 0`).join(", ")};\n`) +
    (promoted.length === 0
      ? ""
      : `let ${promoted.flatMap(locals).map((l) => `${l} = 0`).join(", ")};\n`) +
    lanesBack(init.join("\n"));
  const pass = params.flatMap((n, i) =>
    Array.from({ length: n }, (_, j) => `, s32[fp + ${entities.SLOT_WORDS * i + j}]`)
  ).join("");
  const store = results.length === 0
    ? ""
    : `st.s32[fp] = ${gc !== null && results[0] === 1 ? "refWord(store.gc, $res)" : "$res"};\n${
      results[0] === 2 ? "st.s32[fp + 1] = HIGH[0];\n" : ""
    }`;
  const rest = prologue.split("\n").slice(3);
  let code = `${zero}${declare}\nlet $res = 0;\n${fueled}`;
  const stacks = lazy ? lazyStacks(code) : null;
  if (stacks !== null) code = stacks;
  const call = `st, depth, ${windowed ? "" : "nesting, "}fp${args.map((a) => `, ${a}`).join("")}`;
  let entry = `function direct(${call}) {
const store = $store, inst = $inst;
${
    windowed
      ? `const nesting = ${windowNesting("depth")};
`
      : ""
  }${(stacks === null ? rest : rest.slice(1)).join("\n")}
${stacks === null ? "let frames = st.frames;\n" : ""}let pc = 0;
${code}
}`;
  const fast = meteredLeaf(entry, call);
  const outlined = outlineStops(entry);
  entry = outlined.entry;
  return `const make = function make($store, $inst) {
${head}${outlined.helpers}${
    fast === null ? `const direct = ${entry};` : `const $slow = ${entry};\nconst direct = ${fast};`
  }
direct.cost = ${self.cost ?? 1};
return direct;
};
const wasm = function wasm(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, entered) {
let fp = entered;
if (entered < 0) {
  if (st.frames[2 * depth + 1] !== 0) return resumeBody(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, -1);
  fp = st.frames[2 * depth];
}
const s32 = st.s32;
${
    windowed
      ? `if (nesting > ${
        windowNesting("depth")
      }) return resumeBody(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, entered);
`
      : ""
  }const $self = inst.funcs[${self.funcIndex}];
const $res = ($self.direct ?? ($self.direct = make(store, inst)))(st, depth, ${
    windowed ? "" : "nesting, "
  }fp${pass});
if (${
    gc !== null && results[0] === 1 ? "$res === STOP" : 'typeof $res !== "number"'
  }) return STATUS[0];
${store}return RETURN;
};
wasm.directFor = make;
return wasm;`;
}

/**
 * A direct entry's stop after a call (see `directWrite`: its frame's cached words, pc and
 * entries written where the frame is still there, then `STOP`) whose words are all plain
 * locals: group 1 the writes, 2 the pc, 3 the function's index.
 */
const UP_STOP =
  /\{\s*(?:s32 = st\.s32;\s*)?(?:f32 = st\.f32;\s*)?(?:f64 = st\.f64;\s*)?if \(st\.depth > depth\) \{\s*(?:frames = st\.frames;\s*)?((?:(?:st\.)?s32\[fp \+ \d+\] = [rh]\d+;\s*)*)(?:st\.)?frames\[2 \* depth \+ 1\] = (\d+);\s*\}\s*\{\nst\.funcs\[depth\] = inst\.funcs\[(\d+)\];\nst\.frames\[2 \* depth\] = fp;\nreturn stopWith\(\/\*up\*\/status\);\n\}\n\}/g;
/** One write of `UP_STOP`'s group 1: the word's offset, the local. */
const UP_WRITE = /s32\[fp \+ (\d+)\] = ([rh]\d+);/g;
/**
 * A compact call site's call through `callOut` (see `I.Call`) with its arguments' words all
 * plain locals: group 1 the writes, 2 the callee's index, 3 and 4 `callOut`'s last two
 * arguments, 5 the fill of a defined callee's cache after it (or nothing).
 */
const CALL_OUT =
  /\{\n\s*((?:(?:st\.)?s32\[fp \+ \d+\] = [rh]\d+;\s*)*)\$r = callOut\(inst\.funcs\[(\d+)\], st, depth, base, store, nesting, (true|false), (\d)\);((?:\n\s*if \(\$e\d+ === 0 && \(\$d\d+ = directOf\(inst\.funcs\[\d+\]\)\) !== null\) \{\n\s*\$n\d+ = MAX_NESTING \+ 1 - \$d\d+\.cost;\n\s*\$e\d+ = \$d\d+\.cost === 1 \? \$n\d+ : -1;\n\s*\})?)/g;
/** A direct call's `catch` (see `directRun` in `I.Call`), the callee's entity in group 1. */
const CALL_CATCH =
  /catch \(e\) \{\n[ \t]*if \(st\.depth <= depth\) st\.depth = depth \+ 1;\n[ \t]*st\.funcs\[depth \+ 1\] = ([^;\n]+);\n[ \t]*throw e;\n[ \t]*\}/g;

/**
 * A direct entry's text `entry` with its stops after calls (`UP_STOP`), its calls through
 * `callOut` (`CALL_OUT`) and its calls' `catch` blocks each a call of a function declared in
 * the factory's scope (`helpers`, one per layout of written words): the same writes, out of
 * the body, which keeps only what runs on every call. V8 inlines a function of at most 460
 * bytes of bytecode into its callers: `bench/calls.wat`'s `$nested` (two compact sites) was
 * 529 and is 386, inlined into `run`'s indirect call; fib's body (two recursive sites, each
 * with a stop for its direct call and one after `callOut`) was 976 and is 425 (V8 inlines no
 * recursive call, but the smaller body ran faster). In-process A/B against the tree before,
 * CPU time best of 11 alternated: fib(30) 0.94x, calls (10^6) 0.95x; see the commit for the
 * final figures.
 */
function outlineStops(entry: string): { entry: string; helpers: string } {
  const helperText: string[] = [];
  /** The helper for `key` in `table`, declared (`text(name)`) on its first use. */
  const helperFor = (
    table: Map<string, string>,
    prefix: string,
    key: string,
    text: (name: string) => string,
  ) => {
    let name = table.get(key);
    if (name === undefined) {
      name = `${prefix}${table.size}`;
      table.set(key, name);
      helperText.push(text(name));
    }
    return name;
  };
  /** The words a stop writes, and the helper's parameters and stores for them. */
  const wordsOf = (writes: string) => {
    const words = [...writes.matchAll(UP_WRITE)].map((m) => ({ at: m[1]!, local: m[2]! }));
    return {
      at: words.map((w) => w.at).join(","),
      params: words.map((_, i) => `, $w${i}`).join(""),
      stores: words.map((w, i) => `s32[fp + ${w.at}] = $w${i};\n`).join(""),
      args: words.map((w) => `, ${w.local}`).join(""),
    };
  };
  const ups = new Map<string, string>();
  let out = entry.replace(UP_STOP, (_, writes: string, pc: string, func: string) => {
    const words = wordsOf(writes);
    const name = helperFor(
      ups,
      "$up",
      `${words.at}:${func}`,
      (name) =>
        `const ${name} = function (st, depth, fp, status, pc${words.params}) {
if (st.depth > depth) {
const s32 = st.s32;
${words.stores}st.frames[2 * depth + 1] = pc;
}
st.funcs[depth] = $inst.funcs[${func}];
st.frames[2 * depth] = fp;
return stopWith(status);
};
`,
    );
    return `return ${name}(st, depth, fp, status, ${pc}${words.args});`;
  });
  out = out.replace(
    /const status = STATUS\[0\];\s*return (\$up\d+)\(st, depth, fp, status, /g,
    "return $1(st, depth, fp, STATUS[0], ",
  );
  const outs = new Map<string, string>();
  out = out.replace(
    CALL_OUT,
    (_, writes: string, func: string, stale: string, results: string, fill: string) => {
      const words = wordsOf(writes);
      const name = helperFor(
        outs,
        "$out",
        `${words.at}:${func}:${stale}:${results}:${fill}`,
        (name) =>
          `const ${name} = function (st, depth, fp, base, nesting${words.params}) {
const s32 = st.s32;
${words.stores}${
            fill === "" ? "return" : "const $r ="
          } callOut($inst.funcs[${func}], st, depth, base, $store, nesting, ${stale}, ${results});${
            fill === "" ? "" : `${fill.replaceAll("inst.funcs[", "$inst.funcs[")}\nreturn $r;`
          }
};
`,
      );
      return `{\n  $r = ${name}(st, depth, fp, base, nesting${words.args});`;
    },
  );
  let caught = false;
  out = out.replace(CALL_CATCH, (_, entity: string) => {
    caught = true;
    return `catch (e) {\n    throw $caught(st, depth, ${entity}, e);\n  }`;
  });
  if (caught) {
    helperText.push(`const $caught = function (st, depth, callee, e) {
if (st.depth <= depth) st.depth = depth + 1;
st.funcs[depth + 1] = callee;
return e;
};
`);
  }
  return { entry: out, helpers: helperText.join("") };
}

/** A metered direct entry's charge on entry (see `structuredCharge`), its need in group 1. */
const ENTRY_CHARGE =
  /\nFuelStop: \{\nif \(fuel < (\d+)\) \{\n {2}const \$total = fuel \+ store\.fuelReserve;\n[^]*?\n {4}break FuelStop;\n {2}\}\n\}\n/;
/** The end of a structured body's fuel-stop block (see `generateSource`). */
const BODY_END = '\nthrow new Error("Control left generated code");\n}\n';

/**
 * A metered direct entry `entry` (parameters `call`) without its fuel stop, or null: a body
 * whose one stop is its charge on entry (no loop, call or other charge; nothing before that
 * charge but reads and idempotent writes of its own frame) runs without the stop's text when
 * the count covers that charge, and otherwise runs as `$slow` (`entry` itself) from its start,
 * which refills or stops exactly as before. The refill and the stop (the frame's write-back)
 * made a one-instruction leaf ~335 bytes of bytecode, so that V8 inlined only two of
 * `bench/calls.wat`'s eight `call_indirect` targets into its loop (920 bytes' budget) where
 * fuel off it inlines all eight (`--trace-turbo-inlining`); without them ~90 bytes, seven of
 * eight inlined. `bench:fuel --tier codegen --filter calls`, 5 runs alternating with the old
 * tree on a loaded machine, least: fuel on 68.5 -> 62.8 ms, on/off CPU 1.37x -> 1.24x.
 */
function meteredLeaf(entry: string, call: string): string | null {
  const m = ENTRY_CHARGE.exec(entry);
  const end = entry.lastIndexOf(BODY_END);
  if (
    m === null || end < 0 || entry.split("break FuelStop").length !== 2 ||
    /\bfuelLive = true;|\bfor \(|\bwhile \(|\bswitch \(|\btry \{|\$fuelFirst|\$warm|\brefWord\(/
      .test(entry)
  ) return null;
  const fast = entry.slice(0, m.index) +
    `\n{\nif (fuel < ${m[1]}) return $slow(${call});\n` +
    entry.slice(m.index + m[0].length, end) + `${BODY_END}}`;
  // Its locals that only the stop read (bytecode V8 counts against its inlining budget).
  return ([
    ["nesting", /\nconst nesting = [^\n]*;/, ""],
    ["pc", /\nlet pc = 0;/, ""],
    ["inst", /^const store = \$store, inst = \$inst;$/m, "const store = $store;"],
    ["fuelExit", /, fuelExit = 0/, ""],
  ] as const).reduce(
    (text, [name, dead, live]) => {
      const d = dead.exec(text);
      return d === null || new RegExp(`\\b${name}\\b`).test(text.replace(d[0], live))
        ? text
        : text.replace(d[0], live);
    },
    fast,
  );
}

/** The stacks' views a body caches in locals (`st.s32`, ...), reloaded after calls. */
const STACK_VIEWS = ["s32", "f32", "f64", "frames"];

/**
 * `code` (a direct entry's body after its prologue) reading the stacks' views from the stack
 * where it uses them (`st.s32[...]`) rather than from locals read at entry and after every
 * call, or null where that may cost: in a body with a loop (an access in it would read
 * `st.s32` again per iteration; a loop is also where `codegen_split.ts` passes them on) or
 * where a view local is assigned anything but its reload. In a body without loops each access
 * runs at most once per call, and a call's hot path mostly touches none: fib's touch them only
 * where a call stops or goes out past the nesting limit, but the locals, live across both
 * calls, cost their loads and V8 a spill. Measured on a model of fib's direct entry (CPU time of
 * fib(30), best of 15, three rounds in one process against native V8): 11.4 -> 10.3 ms (4.90x
 * -> 4.43x native); in the engine (fib(30), best of 15 in a process, three processes per tree
 * alternated with the tree before) 11.4 -> 10.6 ms, `bench/calls.wat` and binary-trees alike.
 */
function lazyStacks(code: string): string | null {
  if (/\bfor \(|\bwhile \(|\bdo \{/.test(code)) return null;
  let out = code;
  for (const v of STACK_VIEWS) {
    out = out.replace(new RegExp(`(?<![\\w$.])${v} = st\\.${v};`, "g"), "");
    if (new RegExp(`(?<![\\w$.])${v}\\s*=(?!=)`).test(out)) return null;
    out = out.replace(new RegExp(`(?<![\\w$.])${v}\\b`, "g"), `st.${v}`);
  }
  return out;
}

/**
 * How the body of `cf` (translated from `module`) takes part in direct calls (where frames
 * write their own entries, or, in `collectable` code, their callers write them): its calls use
 * direct entries, and it has one where its type allows (`directType`).
 */
export function directOptionsOf(cf: CompiledFunc, module: ModuleDecl | undefined): DirectOptions {
  const type = module?.types[module.funcTypeIndices[cf.funcIndex]!];
  const self = type !== undefined && directType(type.params, type.results)
    ? {
      shape: { params: type.params.map(wordsOfType), results: type.results.map(wordsOfType) },
      floatResult: type.results[0] === "f32" || type.results[0] === "f64",
      cost: nestingCost(cf),
      funcIndex: cf.funcIndex,
    }
    : null;
  if (module === undefined) return { self };
  const numeric = new Set<number>();
  if (type !== undefined && cf.funcIndex >= module.importedFuncs) {
    const locals = [...type.params, ...module.bodies.locals(cf.funcIndex - module.importedFuncs)];
    locals.forEach((t, i) => {
      if (!isRefType(t)) numeric.add(entities.SLOT_WORDS * i);
    });
  }
  return { self, imported: module.importedFuncs, numeric };
}

/**
 * The generated body of `cf`, or why it has none. `new Function` is only called here (a realm
 * that forbids it makes it throw, which is reported as the reason). With `selfFrames` (and not
 * `collectable`), its frame writes its own call-stack entries where it stops, and its calls
 * push only the depth (see `selfWrite`); with `module` (the one `cf` was translated from), its
 * calls copy only the words their arguments and results take (see `CallShape`);
 * `freeElements` as in `GenerateOptions`.
 */
export function generateBody(
  cf: CompiledFunc,
  escape?: ReadonlySet<number>,
  collectable = false,
  entry = 0,
  selfFrames = false,
  module?: ModuleDecl,
  lean = false,
  exceptions = collectable,
  freeElements = 0,
  gcObjects = false,
): { body: GeneratedBody; escapes: string[] } | string {
  const shapeOf = module === undefined ? null : callShapesOf(module);
  const directOpts = selfFrames || collectable ? directOptionsOf(cf, module) : null;
  const source = (osrEntry: number) =>
    generateSource(cf.code, {
      numResults: cf.numResults,
      escape,
      structured: true,
      paramWords: cf.paramWords,
      collectable,
      localWords: cf.localWords,
      osrEntry,
      self: selfFrames || collectable ? cf.funcIndex : -1,
      shapeOf,
      directOpts,
      splitLong: true,
      lean,
      handlers: cf.handlers,
      exceptions,
      freeElements,
      gcObjects,
    });
  // A frame made hot at a loop header continues there in this same body (see `resumeBodyOf`).
  let result = entry > 0 && cf.code[entry] === I.TierUp ? source(entry) : null;
  if (result === null || "reason" in result) result = source(-1);
  if ("reason" in result) return result.reason;
  try {
    const source = lean ? leanSource(result.source) : jitBounds(result.source);
    const factory = new Function("rt", "resumeBody", source) as (
      rt: unknown,
      resumeBody: GeneratedBody,
    ) => GeneratedBody;
    const body = factory(
      RUNTIME,
      resumeBodyOf(
        cf,
        escape,
        collectable,
        selfFrames,
        shapeOf,
        lean,
        directOpts === null ? null : { self: null, imported: directOpts.imported },
        exceptions,
        freeElements,
        gcObjects,
      ),
    );
    return { body, escapes: result.escapes };
  } catch (e) {
    return `code generation failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * What continues a frame of `cf` that structured code cannot enter (its pc is not 0: after a
 * call that went back to the driver, or a stop): the body with a dispatch switch over every
 * place control can enter, generated the first time it is needed (most functions never are).
 * Were it to fail, the interpreter continues the frame.
 *
 * A frame the `auto` tier hands over at a loop header (its pc at a `TierUp`, see `runTiered`)
 * runs an OSR body instead: the structured code also entered at that instruction (`osrEntry` in
 * `generateSource`). The switch body's dispatch on every back edge ran the rest of that call
 * several times slower than the structured body runs it (`deno task bench:warmup --tier auto`,
 * first call / warm call: see the commit that added it), and under `auto` that call is the first
 * call of a hot loop, often the only long one. Usually the function's body itself is generated
 * with that entry (`generateBody`'s `entry`), so that later calls run the JS function V8 has
 * already profiled and compiled (its OSR code for that loop included); here is the fallback, for
 * a frame at another `TierUp`, with an OSR body generated once per such pc.
 */
function resumeBodyOf(
  cf: CompiledFunc,
  escape: ReadonlySet<number> | undefined,
  collectable: boolean,
  selfFrames: boolean,
  shapeOf: ((code: Int32Array, pc: number) => CallShape | null) | null,
  lean: boolean,
  directOpts: DirectOptions | null,
  exceptions: boolean,
  freeElements: number,
  gcObjects: boolean,
): GeneratedBody {
  let resume: GeneratedBody | null = null;
  /** The OSR bodies, by entry pc (null: that pc has none, the switch body continues there). */
  const osr = new Map<number, GeneratedBody | null>();
  const generate = (structured: boolean, entry: number): GeneratedBody | null => {
    const result = generateSource(cf.code, {
      numResults: cf.numResults,
      escape,
      structured,
      paramWords: structured ? cf.paramWords : Infinity,
      collectable,
      localWords: structured ? cf.localWords : Infinity,
      osrEntry: entry,
      self: selfFrames || collectable ? cf.funcIndex : -1,
      shapeOf,
      directOpts,
      splitLong: structured,
      lean,
      handlers: cf.handlers,
      exceptions,
      freeElements,
      gcObjects,
    });
    if ("reason" in result) return null;
    try {
      const source = lean ? leanSource(result.source) : jitBounds(result.source);
      return (new Function("rt", "resumeBody", source) as (
        rt: unknown,
        resumeBody: GeneratedBody | null,
      ) => GeneratedBody)(RUNTIME, structured ? self : null);
    } catch {
      return null; // the switch body, or the interpreter, continues the frame
    }
  };
  const self: GeneratedBody = (
    store,
    st,
    depth,
    bulkFuel,
    compiler,
    nesting,
    baseDepth,
    inst,
    entered,
  ) => {
    const pc = entered >= 0 ? 0 : st.frames[2 * depth + 1]!;
    if (cf.code[pc] === I.TierUp) {
      let body = osr.get(pc);
      if (body === undefined) osr.set(pc, body = generate(true, pc));
      if (body !== null) {
        return body(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, entered);
      }
    }
    if (resume === null) resume = generate(false, -1) ?? (() => INTERPRET);
    return resume(store, st, depth, bulkFuel, compiler, nesting, baseDepth, inst, entered);
  };
  return self;
}

let canGenerate: boolean | null = null;

/**
 * Whether this realm lets code be generated from strings (`new Function`): false under a CSP
 * without `unsafe-eval`, `--disallow-code-generation-from-strings`, and similar. Probed once.
 */
export function codeGenerationAllowed(): boolean {
  if (canGenerate === null) {
    try {
      canGenerate = new Function("return 2 + 3")() === 5;
    } catch {
      canGenerate = false;
    }
  }
  return canGenerate;
}
