/**
 * How an ONNX node maps onto a hotpath kernel call: which kernel, which node inputs become
 * kernel inputs, and which attributes (from ONNX attributes or from scalar / 1-D input tensors)
 * the kernel takes. ONNX defaults are applied here, so kernel defaults never decide a case.
 */
import { fail } from '../errors.js';
import type { OnnxAttribute, OnnxCase } from './onnx.js';
import { dtypeOfOnnxCode, type OnnxTensor } from './onnxTensor.js';

/** A kernel call built from an ONNX case. Kernel inputs keep their declared positions. */
export interface KernelCall {
  readonly kernel: string;
  readonly inputs: readonly (OnnxTensor | undefined)[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /**
   * Further operands of a variadic ONNX op (Max, Min), folded in left to right:
   * result = kernel(result, next). Absent for every other op.
   */
  readonly fold?: readonly OnnxTensor[];
}

/** A call, or the reason this case is not one hotpath runs. */
export type Mapping = { readonly call: KernelCall } | { readonly kernel: string; readonly declined: string };

type Mapper = (c: OnnxCase) => Mapping;

const MAPPERS: Readonly<Record<string, Mapper>> = {
  Add: (c) => call('add', [input(c, 0), input(c, 1)], {}),
  Mul: (c) => call('mul', [input(c, 0), input(c, 1)], {}),
  Sub: (c) => call('sub', [input(c, 0), input(c, 1)], {}),
  Div: (c) => call('div', [input(c, 0), input(c, 1)], {}),
  Pow: (c) => call('pow', [input(c, 0), input(c, 1)], {}),
  Max: (c) => variadic(c, 'max'),
  Min: (c) => variadic(c, 'min'),
  Equal: (c) => call('equal', [input(c, 0), input(c, 1)], {}),
  Less: (c) => call('less', [input(c, 0), input(c, 1)], {}),
  Greater: (c) => call('greater', [input(c, 0), input(c, 1)], {}),
  And: (c) => call('and', [input(c, 0), input(c, 1)], {}),
  Or: (c) => call('or', [input(c, 0), input(c, 1)], {}),
  Not: (c) => call('not', [input(c, 0)], {}),
  Where: (c) => call('where', [input(c, 0), input(c, 1), input(c, 2)], {}),
  Neg: (c) => call('neg', [input(c, 0)], {}),
  Abs: (c) => call('abs', [input(c, 0)], {}),
  Sign: (c) => call('sign', [input(c, 0)], {}),
  Exp: (c) => call('exp', [input(c, 0)], {}),
  Log: (c) => call('log', [input(c, 0)], {}),
  Sqrt: (c) => call('sqrt', [input(c, 0)], {}),
  Reciprocal: (c) => call('reciprocal', [input(c, 0)], {}),
  Tanh: (c) => call('tanh', [input(c, 0)], {}),
  Sigmoid: (c) => call('sigmoid', [input(c, 0)], {}),
  Erf: (c) => call('erf', [input(c, 0)], {}),
  Sin: (c) => call('sin', [input(c, 0)], {}),
  Cos: (c) => call('cos', [input(c, 0)], {}),
  Floor: (c) => call('floor', [input(c, 0)], {}),
  Ceil: (c) => call('ceil', [input(c, 0)], {}),
  Round: (c) => call('round', [input(c, 0)], {}),
  Softplus: (c) => call('softplus', [input(c, 0)], {}),
  LeakyRelu: (c) => call('leakyRelu', [input(c, 0)], { alpha: num(c, 'alpha', 0.01) }),
  Elu: (c) => call('elu', [input(c, 0)], { alpha: num(c, 'alpha', 1) }),
  // ONNX's defaults are these float32 constants.
  Selu: (c) => call('selu', [input(c, 0)], { alpha: num(c, 'alpha', 1.67326319217681884765625), gamma: num(c, 'gamma', 1.05070102214813232421875) }),
  HardSigmoid: (c) => call('hardSigmoid', [input(c, 0)], { alpha: num(c, 'alpha', 0.2), beta: num(c, 'beta', 0.5) }),
  Clip: (c) => clipOp(c),
  Cast: (c) => call('cast', [input(c, 0)], { to: dtypeOfOnnxCode(num(c, 'to', 0), c.name) }),
  Relu: (c) => call('relu', [input(c, 0)], {}),
  Gelu: (c) => call('gelu', [input(c, 0)], { approximate: str(c, 'approximate', 'none') }),
  MatMul: (c) => call('matmul', [input(c, 0), input(c, 1)], {}),
  Gemm: (c) =>
    call('gemm', [input(c, 0), input(c, 1), input(c, 2)], {
      alpha: num(c, 'alpha', 1),
      beta: num(c, 'beta', 1),
      transA: num(c, 'transA', 0) !== 0,
      transB: num(c, 'transB', 0) !== 0,
    }),
  Softmax: (c) => axisOp(c, 'softmax'),
  LogSoftmax: (c) => axisOp(c, 'logSoftmax'),
  LayerNormalization: (c) =>
    call('layerNorm', [input(c, 0), input(c, 1), input(c, 2)], { axis: num(c, 'axis', -1), epsilon: num(c, 'epsilon', 1e-5) }),
  ReduceSum: (c) => reduceOp(c, 'reduceSum'),
  ReduceMean: (c) => reduceOp(c, 'reduceMean'),
  ReduceMax: (c) => reduceOp(c, 'reduceMax'),
  ReduceMin: (c) => reduceOp(c, 'reduceMin'),
  ArgMax: (c) => argOp(c, 'argMax'),
  ArgMin: (c) => argOp(c, 'argMin'),
  CumSum: (c) => call('cumSum', [input(c, 0)], { axis: scalar(c, 1, 'axis'), exclusive: num(c, 'exclusive', 0) !== 0, reverse: num(c, 'reverse', 0) !== 0 }),
  TopK: (c) =>
    call('topK', [input(c, 0)], { k: c.opset >= 10 ? scalar(c, 1, 'K') : num(c, 'k', 0), axis: num(c, 'axis', -1), largest: num(c, 'largest', 1) !== 0, sorted: num(c, 'sorted', 1) !== 0 }),
  Concat: (c) => call('concat', c.nodeInputs.map((_, i) => input(c, i)), { axis: num(c, 'axis', 0) }),
  Gather: (c) => call('gather', [input(c, 0), input(c, 1)], { axis: num(c, 'axis', 0) }),
  Range: (c) => call('range', [], { start: scalar(c, 0, 'start'), limit: scalar(c, 1, 'limit'), delta: scalar(c, 2, 'delta'), dtype: required(c, 0, 'start').dtype }),
  Expand: (c) => call('expand', [input(c, 0)], { shape: toNumbers(required(c, 1, 'shape')) }),
  Tile: (c) => call('tile', [input(c, 0)], { repeats: toNumbers(required(c, 1, 'repeats')) }),
  Slice: (c) => sliceOp(c),
  Squeeze: (c) => call('squeeze', [input(c, 0)], optional({}, 'axes', axesInput(c, 1))),
  Unsqueeze: (c) => call('unsqueeze', [input(c, 0)], { axes: axesInput(c, 1) }),
  Reshape: (c) => call('reshape', [input(c, 0)], { shape: toNumbers(required(c, 1, 'shape')), allowzero: num(c, 'allowzero', 0) !== 0 }),
  Flatten: (c) => call('flatten', [input(c, 0)], { axis: num(c, 'axis', 1) }),
  Transpose: (c) => call('transpose', [input(c, 0)], optional({}, 'perm', ints(c, 'perm'))),
  HannWindow: (c) =>
    call('hannWindow', [], { size: scalar(c, 0, 'size'), periodic: num(c, 'periodic', 1) !== 0, dtype: dtypeOfOnnxCode(num(c, 'output_datatype', 1), c.name) }),
  DFT: (c) => dftOp(c),
  STFT: (c) =>
    call(
      'stft',
      [input(c, 0), input(c, 2)],
      optional({ frameStep: scalar(c, 1, 'frame_step'), onesided: num(c, 'onesided', 1) !== 0 }, 'frameLength', optionalScalar(c, 3)),
    ),
  MelWeightMatrix: (c) =>
    call('melWeightMatrix', [], {
      numMelBins: scalar(c, 0, 'num_mel_bins'),
      dftLength: scalar(c, 1, 'dft_length'),
      sampleRate: scalar(c, 2, 'sample_rate'),
      lowerEdgeHertz: scalar(c, 3, 'lower_edge_hertz'),
      upperEdgeHertz: scalar(c, 4, 'upper_edge_hertz'),
      dtype: dtypeOfOnnxCode(num(c, 'output_datatype', 1), c.name),
    }),
};

/**
 * The kernel call for an ONNX node test, or why hotpath does not run it.
 * @example mapCase(readOnnxCase('onnx-node/test_gemm_alpha')) // { call: { kernel: 'gemm', ... } }
 * @throws FORMAT when the case lacks a required input or has an attribute of the wrong type
 */
export function mapCase(c: OnnxCase): Mapping {
  const mapper = Object.prototype.hasOwnProperty.call(MAPPERS, c.op) ? MAPPERS[c.op] : undefined;
  if (mapper === undefined) {
    return { kernel: '-', declined: `op ${c.op} has no hotpath kernel` };
  }
  return mapper(c);
}

/**
 * Max/Min take any number of inputs: the first two make the call, the rest are folded in.
 * One input is its own max: max(x, x) = x exactly, NaN included.
 */
function variadic(c: OnnxCase, kernel: string): Mapping {
  const all = [...c.inputs.keys()].sort((x, y) => x - y).map((k) => c.inputs.get(k)!);
  if (all.length === 0) {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `${c.op} has no inputs`, expected: 'at least one input tensor', received: 'none' });
  }
  const [first, second, ...rest] = all;
  const mapping = call(kernel, [first, second ?? first], {});
  return 'call' in mapping && rest.length > 0 ? { call: { ...mapping.call, fold: rest } } : mapping;
}

/** Clip >= 11 takes min and max as optional scalar inputs 1 and 2; older opsets as attributes. */
function clipOp(c: OnnxCase): Mapping {
  const min = c.opset >= 11 ? optionalScalar(c, 1) : attr(c, 'min') === undefined ? undefined : num(c, 'min', -Infinity);
  const max = c.opset >= 11 ? optionalScalar(c, 2) : attr(c, 'max') === undefined ? undefined : num(c, 'max', Infinity);
  return call('clip', [input(c, 0)], optional(optional({}, 'min', min), 'max', max));
}

/** Softmax/LogSoftmax before opset 13 flattened to 2-D; hotpath implements the one-axis form. */
function axisOp(c: OnnxCase, kernel: string): Mapping {
  if (c.opset < 13) {
    return { kernel, declined: `${c.op} opset ${c.opset} flattens to 2-D; hotpath implements opset 13 (one axis)` };
  }
  return call(kernel, [input(c, 0)], { axis: num(c, 'axis', -1) });
}

/** ReduceSum >= 13 and ReduceMean >= 18 take `axes` as input 1; older opsets as an attribute. */
function reduceOp(c: OnnxCase, kernel: string): Mapping {
  const fromInput = c.inputs.get(1);
  const axes = fromInput === undefined ? ints(c, 'axes') : toNumbers(fromInput);
  const attrs = { keepdims: num(c, 'keepdims', 1) !== 0, noopWithEmptyAxes: num(c, 'noop_with_empty_axes', 0) !== 0 };
  // An absent or empty axes list both mean "no axes given".
  return call(kernel, [input(c, 0)], optional(attrs, 'axes', axes !== undefined && axes.length > 0 ? axes : undefined));
}

function argOp(c: OnnxCase, kernel: string): Mapping {
  return call(kernel, [input(c, 0)], { axis: num(c, 'axis', 0), keepdims: num(c, 'keepdims', 1) !== 0, selectLastIndex: num(c, 'select_last_index', 0) !== 0 });
}

/** Slice-10+ takes starts, ends, axes, steps as inputs 1-4; Slice-1 as attributes (no steps). */
function sliceOp(c: OnnxCase): Mapping {
  const list = (position: number, name: string): number[] | undefined => {
    const t = input(c, position);
    return t === undefined ? ints(c, name) : toNumbers(t);
  };
  const attrs = { starts: list(1, 'starts'), ends: list(2, 'ends') };
  return call('slice', [input(c, 0)], optional(optional(attrs, 'axes', list(3, 'axes')), 'steps', list(4, 'steps')));
}

/** Squeeze-13 / Unsqueeze-13 take axes as an input; older opsets as an attribute. */
function axesInput(c: OnnxCase, position: number): number[] | undefined {
  const t = input(c, position);
  return t === undefined ? ints(c, 'axes') : toNumbers(t);
}

/**
 * DFT-20: dft_length is input 1, axis is input 2 (default -2). DFT-17/19: axis is an attribute
 * (default 1). Both count the axis over the full rank, trailing complex dim included.
 */
function dftOp(c: OnnxCase): Mapping {
  const axis = c.opset >= 20 ? optionalScalar(c, 2) ?? -2 : num(c, 'axis', 1);
  const attrs = { axis, inverse: num(c, 'inverse', 0) !== 0, onesided: num(c, 'onesided', 0) !== 0 };
  return call('dft', [input(c, 0)], optional(attrs, 'length', optionalScalar(c, 1)));
}

function call(kernel: string, inputs: readonly (OnnxTensor | undefined)[], attrs: Record<string, unknown>): Mapping {
  const trimmed = [...inputs];
  // Trailing optional inputs the test leaves out are dropped, not passed as undefined.
  while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) {
    trimmed.pop();
  }
  return { call: { kernel, inputs: trimmed, attrs } };
}

/** Adds `key` only when the value is present: kernels reject unknown or misspelled keys. */
function optional(attrs: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return value === undefined ? attrs : { ...attrs, [key]: value };
}

function input(c: OnnxCase, position: number): OnnxTensor | undefined {
  return c.inputs.get(position);
}

function attr(c: OnnxCase, name: string): OnnxAttribute | undefined {
  return Object.prototype.hasOwnProperty.call(c.attributes, name) ? c.attributes[name] : undefined;
}

function num(c: OnnxCase, name: string, fallback: number): number {
  const v = attr(c, name);
  if (v === undefined) {
    return fallback;
  }
  if (typeof v !== 'number') {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `attribute '${name}' has the wrong type`, expected: 'an int or float', received: JSON.stringify(v) });
  }
  return v;
}

function str(c: OnnxCase, name: string, fallback: string): string {
  const v = attr(c, name);
  if (v === undefined) {
    return fallback;
  }
  if (typeof v !== 'string') {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `attribute '${name}' has the wrong type`, expected: 'a string', received: JSON.stringify(v) });
  }
  return v;
}

function ints(c: OnnxCase, name: string): number[] | undefined {
  const v = attr(c, name);
  if (v === undefined) {
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `attribute '${name}' has the wrong type`, expected: 'a list of ints', received: JSON.stringify(v) });
  }
  return v.slice() as number[];
}

/** Elements of an (int64) index tensor as numbers. */
function toNumbers(t: OnnxTensor): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.data.length; i++) {
    out.push(Number(t.data[i]!));
  }
  return out;
}

function required(c: OnnxCase, position: number, name: string): OnnxTensor {
  const t = input(c, position);
  if (t === undefined) {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `input ${position} ('${name}') is missing`, expected: `a tensor for ${c.op} input '${name}'`, received: 'no tensor' });
  }
  return t;
}

/** The single element of a scalar (or size-1) input, as a number. */
function scalar(c: OnnxCase, position: number, name: string): number {
  const v = optionalScalar(c, position);
  if (v === undefined) {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `input ${position} ('${name}') is missing`, expected: `a scalar tensor for ${c.op} input '${name}'`, received: 'no tensor' });
  }
  return v;
}

function optionalScalar(c: OnnxCase, position: number): number | undefined {
  const t = c.inputs.get(position);
  if (t === undefined) {
    return undefined;
  }
  if (t.data.length !== 1) {
    return fail({ code: 'FORMAT', kernel: c.name, problem: `input ${position} ('${t.name}') is not a scalar`, expected: '1 element', received: `dims [${t.dims.join(',')}]` });
  }
  return Number(t.data[0]!);
}
