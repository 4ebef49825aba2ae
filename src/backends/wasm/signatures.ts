/**
 * One declared signature for every export of the built-in wasm module that TypeScript calls
 * (Pool.parallel, Pool.call), with the parameter names of the AssemblyScript source
 * (src/backends/wasm/assembly/) and their wasm value types. Pointers (`usize`) are i32 in
 * wasm32. The module is checked against this table when it loads (module.ts: an export that is
 * missing or has other types makes the backend unavailable, naming it), and every call's
 * arguments are checked against it (pool.ts), so a wrong count or a fraction where an integer
 * belongs fails loudly instead of computing garbage. User kernels' modules declare their
 * exports in the same format (Pool.addModule).
 */
import { MAX_PARAMS } from './protocol.js';
import type { FunctionType, ValueType } from './sections.js';

/** The value types a signature may declare. */
export type WasmType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

export interface Param {
  readonly name: string;
  readonly type: WasmType;
}

export interface Signature {
  /** The export's name in its module. */
  readonly name: string;
  readonly params: readonly Param[];
  /** The result type; null or absent for none. */
  readonly result?: WasmType | null;
}

const TYPES: readonly string[] = ['i32', 'i64', 'f32', 'f64', 'v128'];

/**
 * A signature from a compact parameter list: names separated by spaces, each `name` (an i32)
 * or `name:type`.
 * @example signature('hannWindow', 'y size denominator') // three i32 parameters, no result
 * @example signature('scale', 'x y n factor:f64', 'f64')
 * @throws Error for a parameter that is not `name` or `name:type` with a wasm value type
 */
export function signature(name: string, params: string, result: WasmType | null = null): Signature {
  const list = params
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word): Param => {
      const [param, type = 'i32', ...rest] = word.split(':');
      if (param === undefined || !/^[A-Za-z_$][\w$]*$/.test(param) || !TYPES.includes(type) || rest.length > 0) {
        throw new Error(`internal: signature ${name}: parameter '${word}' is not name or name:type (${TYPES.join(', ')})`);
      }
      return { name: param, type: type as WasmType };
    });
  return { name, params: list, result };
}

/** `add(a: i32, b: f64) -> void`, for messages. */
export function describeSignature(s: Signature): string {
  return `${s.name}(${s.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${s.result ?? 'void'}`;
}

/** `(i32, f64) -> void`, for messages about a module's actual types. */
export function describeType(t: FunctionType): string {
  return `(${t.params.join(', ')}) -> ${t.results.length === 0 ? 'void' : t.results.join(', ')}`;
}

/** Whether a declared signature has exactly the types of an export. */
export function matches(s: Signature, t: FunctionType): boolean {
  const results: readonly ValueType[] = s.result === undefined || s.result === null ? [] : [s.result];
  return s.params.length === t.params.length && s.params.every((p, i) => p.type === t.params[i]) && results.length === t.results.length && results.every((r, i) => r === t.results[i]);
}

/**
 * Checks declared signatures against a module's exported functions.
 * @returns one line per export that is missing or has other types (empty when all match)
 * @example checkExports(readModule(bytes).functions, SIGNATURES) // []
 */
export function checkExports(actual: readonly ({ readonly name: string } & FunctionType)[], declared: readonly Signature[]): string[] {
  const problems: string[] = [];
  for (const s of declared) {
    const found = actual.find((f) => f.name === s.name);
    if (found === undefined) {
      problems.push(`export ${s.name} is missing (declared ${describeSignature(s)})`);
    } else if (!matches(s, found)) {
      problems.push(`export ${s.name} is declared ${describeSignature(s)} but the module has ${describeType(found)}`);
    }
  }
  return problems;
}

/** Every export of the built-in module that TypeScript calls. */
export const SIGNATURES: readonly Signature[] = [
  signature('add', 'a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('mul', 'a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('binaryInt', 'op type a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('relu', 'x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('gelu', 'approximate x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('softmaxLines', 'log x xs0 xs1 xs2 xa y ys0 ys1 ys2 ya o1 o2 n rowStart rowEnd'),
  signature('softmaxLinesF64', 'log x xs0 xs1 xs2 xa y ys0 ys1 ys2 ya o1 o2 n rowStart rowEnd'),
  signature('layerNormF64', 'x xs0 xs1 xs2 o1 o2 inner scale bias epsilon:f64 y mean invStd rowStart rowEnd'),
  signature('layerNorm', 'x xs0 xs1 xs2 o1 o2 inner scale bias epsilon:f64 y mean invStd rowStart rowEnd'),
  signature('reduceLines', 'mean x k1 ks0 ks1 r0 r1 rs0 rs1 y rowStart rowEnd'),
  signature('reduceLinesF64', 'mean x k1 ks0 ks1 r0 r1 rs0 rs1 y rowStart rowEnd'),
  signature('transpose', 'size x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('matmul', 'a ars acs b brs bcs c ldc m n k alpha:f64 src srs scs beta:f64 rowStart rowEnd scratch'),
  signature('matmulF64', 'a ars acs b brs bcs c ldc m n k alpha:f64 src srs scs beta:f64 rowStart rowEnd scratch'),
  signature('dftLines', 'x xs0 xs1 xs2 xa xc complexIn inPoints y ys0 ys1 ys2 ya yc outPoints n inverse half o1 o2 rowStart rowEnd scratch'),
  signature('stftFrames', 'signal sb st sc complexIn window ws frameStep frameLength bins frames y rowStart rowEnd scratch'),
  signature('fftScratchBytes', 'n', 'i32'),
  signature('fbankFrames', 'frames rowStride frameLength removeDc preemph:f32 window nFft radices stages twiddles post nMels table weights log y frameStride melStride frameStart frameEnd scratch'),
  signature('fbankScratchBytes', 'frameLength nFft nMels', 'i32'),
  signature('hannWindow', 'y size denominator'),
  signature('melWeightMatrix', 'y bins bands dftLength sampleRate lowerHz:f64 upperHz:f64'),
  signature('distancePack', 'src rs cs d mu dst ld norms side rowStart rowEnd'),
  signature('distanceFinish', 'out m mode nx ny x xrs xcs y yrs ycs d rowStart rowEnd'),
  signature('manhattanRows', 'x xrs xcs y yrs ycs out m d rowStart rowEnd'),
  signature('matmulDistance', 'a ars acs b brs bcs c ldc m n k rowStart rowEnd scratch epi'),
  signature('distanceFixList', 'out m mode list count x xrs xcs y yrs ycs d'),
  signature('distancePackF64', 'y yrs ycs d m yt mpad norms rowStart rowEnd'),
  signature('distanceRowsF64', 'metric x xrs xcs yt mpad ny m d out cols rowStart rowEnd'),
  signature('lloydPrepare', 'c crs k d ct kpad cn'),
  signature('lloydPrepareF64', 'c crs k d ct kpad cn'),
  signature('lloydAssign', 'x xrs d w ws ct kpad cn c crs k maxC2:f64 maxC:f64 labels slots next block sc rowStart rowEnd hints boundsIn boundsOut list drift topDrift maxDrift:f64 secondDrift:f64 offset rows'),
  signature('lloydAssignF64', 'x xrs d w ws ct kpad cn c crs k maxC2:f64 maxC:f64 labels slots next block sc rowStart rowEnd hints boundsIn boundsOut list drift topDrift maxDrift:f64 secondDrift:f64 offset rows'),
  signature('lloydCombine', 'slots slotCount k d sums counts'),
  signature('mapF32', 'op p0:f64 p1:f64 x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('mapF64', 'op p0:f64 p1:f64 x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('expF32', 'x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('tanhF32', 'x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('sigmoidF32', 'x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('binaryF32', 'op a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('binaryF64', 'op a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('compareF32', 'op a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('compareF64', 'op a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('where', 'bytes c c0 c1 c2 c3 x x0 x1 x2 x3 y y0 y1 y2 y3 z d1 d2 d3 rowStart rowEnd'),
  signature('logic', 'op a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('not', 'x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('castFloat', 'toF64 x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('geluF64', 'approximate x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('compareInt', 'op type a a0 a1 a2 a3 b b0 b1 b2 b3 c d1 d2 d3 rowStart rowEnd'),
  signature('clipInt', 'type lo:f64 hi:f64 x x0 x1 x2 x3 y d1 d2 d3 rowStart rowEnd'),
  signature('extremeLines', 'largest x k1 ks0 ks1 r0 r1 rs0 rs1 y rowStart rowEnd'),
  signature('extremeLinesF64', 'largest x k1 ks0 ks1 r0 r1 rs0 rs1 y rowStart rowEnd'),
  signature('argLines', 'largest last x k1 ks0 ks1 n as y rowStart rowEnd'),
  signature('argLinesF64', 'largest last x k1 ks0 ks1 n as y rowStart rowEnd'),
  signature('concat', 'size x x0 x1 x2 x3 y y0 y1 y2 y3 d1 d2 d3 rowStart rowEnd'),
  signature('gather', 'size x ps as qs d indices wide m q y rowStart rowEnd'),
  signature('cumSumLines', 'kind exclusive reverse x k1 xs0 xs1 xa y ys0 ys1 ya n rowStart rowEnd'),
  signature('range', 'kind first:f64 second:f64 d:f64 y start end'),
  signature('extremeLinesU8', 'largest identity x k1 ks0 ks1 r0 r1 rs0 rs1 y rowStart rowEnd'),
  signature('topKLines', 'kind largest k x k1 xs0 xs1 xa n values indices ys0 ys1 ya scratch rowStart rowEnd'),
];

/**
 * Why the pool cannot call an export of this signature, or null: JavaScript numbers carry
 * i32, f32 and f64 only (i64 needs BigInt, v128 cannot cross), and a worker's argument slots
 * hold MAX_PARAMS.
 */
export function uncallable(s: Signature): string | null {
  const numbers = (type: WasmType | null | undefined): boolean => type === undefined || type === null || type === 'i32' || type === 'f32' || type === 'f64';
  if (s.params.length > MAX_PARAMS || !s.params.every((p) => numbers(p.type)) || !numbers(s.result)) {
    return `the pool cannot call ${describeSignature(s)}: at most ${MAX_PARAMS} parameters, of types i32, f32 or f64`;
  }
  return null;
}

/**
 * Checks one call's arguments against its export's signature: their count, and an integer in
 * [-2^31, 2^32) for each i32 (wasm would truncate 1.5 to 1 and wrap 2^32 to 0 silently; 2^31
 * and above are pointers past 2 GiB, read as unsigned). Allocates nothing when they match.
 * @example checkArguments(signature('hannWindow', 'y size denominator'), [64, 8, 7]) // returns
 * @throws Error `internal: <export>(…) expects …, got …`: a programming error of hotpath's
 */
export function checkArguments(s: Signature, args: readonly number[]): void {
  const params = s.params;
  if (args.length !== params.length) {
    throw new Error(`internal: ${s.name}(${params.map((p) => p.name).join(', ')}) expects ${params.length} arguments, got ${args.length}`);
  }
  for (let i = 0; i < params.length; i++) {
    const value = args[i];
    const param = params[i]!;
    if (typeof value !== 'number' || (param.type === 'i32' && !(Number.isInteger(value) && value >= -0x8000_0000 && value <= 0xffff_ffff))) {
      const expected = param.type === 'i32' ? 'an integer in [-2^31, 2^32)' : 'a number';
      throw new Error(`internal: ${s.name}(…) expects ${expected} for ${param.name} (argument ${i + 1}, ${param.type}), got ${String(value)}`);
    }
  }
}
