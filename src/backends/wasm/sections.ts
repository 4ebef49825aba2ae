/**
 * Reads what the pool checks in a WebAssembly binary, without compiling it: the type of every
 * exported function, the imports (memory limits and the shared flag, global types) and the data
 * segments (where they write and how much). Only the type (1), import (2), function (3), memory
 * (5), export (7), data count (12) and data (11) sections are decoded; the others are skipped by
 * their size. Spec: WebAssembly Core 2.0 section 5.5 (modules), with the threads proposal's
 * shared-memory limits.
 */
import { Cursor } from './cursor.js';

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FunctionType {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export interface ExportedFunction extends FunctionType {
  readonly name: string;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** Memory or table limits, in pages (64 KiB) for a memory. */
export interface Limits {
  readonly min: number;
  readonly max: number | null;
  readonly shared: boolean;
}

export interface WasmImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternKind;
  /** For a function import: its type. */
  readonly type?: FunctionType;
  /** For a memory import: its limits. */
  readonly memory?: Limits;
  /** For a global import: its value type and whether it is mutable. */
  readonly global?: { readonly type: ValueType; readonly mutable: boolean };
}

export interface DataSegment {
  /** Active segments are written into memory at instantiation; passive ones only by memory.init. */
  readonly mode: 'active' | 'passive';
  /** Byte offset in memory when the offset expression is a plain i32.const, else null. */
  readonly offset: number | null;
  /** Bytes the segment holds. */
  readonly bytes: number;
}

export interface ModuleInfo {
  /** Every exported function with its type, in export order. */
  readonly functions: readonly ExportedFunction[];
  readonly exports: readonly { readonly name: string; readonly kind: ExternKind }[];
  readonly imports: readonly WasmImport[];
  /** Memories the module defines itself (its memory section), besides imported ones. */
  readonly memories: number;
  readonly data: readonly DataSegment[];
}

const VALUE_TYPES: Readonly<Record<number, ValueType>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];
/** Each section id's place in the order the spec requires (custom sections, id 0, go anywhere). */
const ORDER: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

/** The sections' contents while reading; functionTypes indexes the whole function index space. */
interface State {
  types: FunctionType[];
  functionTypes: FunctionType[];
  imports: WasmImport[];
  exports: { name: string; kind: ExternKind }[];
  functions: ExportedFunction[];
  memories: number;
  data: DataSegment[];
  dataCount: number | null;
}

/**
 * Reads a module's exported function types, imports and data segments.
 * @example readModule(readFileSync('wasm/hotpath-simd.wasm')).functions.find((f) => f.name === 'add')?.params
 * @throws FORMAT for bytes that are not a well-formed module (truncated, a bad LEB128 or name, a
 *   section longer than the file or out of order, an unknown type or kind), naming the byte offset
 */
export function readModule(bytes: Uint8Array, source = 'wasm module'): ModuleInfo {
  const c = new Cursor(bytes, source);
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < header.length || header.some((b, i) => bytes[i] !== b)) {
    c.fail('no WebAssembly header', '\\0asm version 1', bytes.length < header.length ? `${bytes.length} bytes` : 'other bytes', 0);
  }
  c.pos = header.length;
  const s: State = { types: [], functionTypes: [], imports: [], exports: [], functions: [], memories: 0, data: [], dataCount: null };
  let last = 0;
  while (c.pos < bytes.length) {
    const at = c.pos;
    const id = c.byte();
    const size = c.u32();
    if (size > c.left) {
      c.fail(`section ${id} is longer than the file`, `at most ${c.left} bytes`, `${size}`, at);
    }
    c.end = c.pos + size;
    if (id !== 0) {
      const rank = ORDER[id] ?? c.fail(`unknown section id ${id}`, 'a section id 0-13', String(id), at);
      if (rank <= last) {
        c.fail(`section ${id} is repeated or out of order`, undefined, undefined, at);
      }
      last = rank;
    }
    readSection(c, id, s);
    if (id !== 0 && c.pos !== c.end) {
      c.fail(`section ${id} has ${c.end - c.pos} bytes after its contents`);
    }
    c.pos = c.end;
    c.end = bytes.length;
  }
  if (s.dataCount !== null && s.dataCount !== s.data.length) {
    c.fail('a data count that differs from the data segments', String(s.dataCount), String(s.data.length));
  }
  return { functions: s.functions, exports: s.exports, imports: s.imports, memories: s.memories, data: s.data };
}

function readSection(c: Cursor, id: number, s: State): void {
  switch (id) {
    case 1:
      for (let n = c.count('types', 3); n > 0; n--) {
        s.types.push(functionType(c));
      }
      break;
    case 2:
      for (let n = c.count('imports', 4); n > 0; n--) {
        s.imports.push(importEntry(c, s));
      }
      break;
    case 3:
      for (let n = c.count('functions'); n > 0; n--) {
        s.functionTypes.push(typeAt(c, s));
      }
      break;
    case 5:
      s.memories = c.count('memories', 2);
      for (let n = s.memories; n > 0; n--) {
        limits(c);
      }
      break;
    case 7:
      for (let n = c.count('exports', 3); n > 0; n--) {
        exportEntry(c, s);
      }
      break;
    case 11:
      for (let n = c.count('data segments', 2); n > 0; n--) {
        s.data.push(dataSegment(c));
      }
      break;
    case 12:
      s.dataCount = c.u32();
      break;
    default:
      // Custom, table, tag, global, start, element and code sections: skipped by their size.
      c.pos = c.end;
  }
}

function valueType(c: Cursor): ValueType {
  const at = c.pos;
  const b = c.byte();
  return VALUE_TYPES[b] ?? c.fail('an unknown value type', 'i32, i64, f32, f64, v128, funcref or externref', `0x${b.toString(16)}`, at);
}

function valueTypes(c: Cursor): ValueType[] {
  const types: ValueType[] = [];
  for (let n = c.count('value types'); n > 0; n--) {
    types.push(valueType(c));
  }
  return types;
}

function functionType(c: Cursor): FunctionType {
  const at = c.pos;
  const form = c.byte();
  if (form !== 0x60) {
    c.fail('a type that is not a function type', '0x60', `0x${form.toString(16)}`, at);
  }
  return { params: valueTypes(c), results: valueTypes(c) };
}

function typeAt(c: Cursor, s: State): FunctionType {
  const at = c.pos;
  const index = c.u32();
  return s.types[index] ?? c.fail('a type index past the type section', `below ${s.types.length}`, String(index), at);
}

function limits(c: Cursor): Limits {
  const at = c.pos;
  const flags = c.byte();
  if (flags > 3) {
    c.fail('unsupported limits (64-bit or unknown flags)', '0x00-0x03', `0x${flags.toString(16)}`, at);
  }
  const min = c.u32();
  const max = (flags & 1) !== 0 ? c.u32() : null;
  return { min, max, shared: (flags & 2) !== 0 };
}

function importEntry(c: Cursor, s: State): WasmImport {
  const module = c.name();
  const name = c.name();
  const at = c.pos;
  const kind = KINDS[c.byte()] ?? c.fail(`an unknown kind of import ${module}.${name}`, '0-4', undefined, at);
  switch (kind) {
    case 'func': {
      const type = typeAt(c, s);
      s.functionTypes.push(type);
      return { module, name, kind, type };
    }
    case 'table':
      valueType(c);
      limits(c);
      return { module, name, kind };
    case 'memory':
      return { module, name, kind, memory: limits(c) };
    case 'global': {
      const type = valueType(c);
      const mutable = c.byte();
      if (mutable > 1) {
        c.fail(`a bad mutability of global import ${module}.${name}`, '0 or 1', String(mutable), c.pos - 1);
      }
      return { module, name, kind, global: { type, mutable: mutable === 1 } };
    }
    default:
      // A tag: an attribute byte (0 = exception) and its type.
      c.byte();
      typeAt(c, s);
      return { module, name, kind };
  }
}

function exportEntry(c: Cursor, s: State): void {
  const at = c.pos;
  const name = c.name();
  if (s.exports.some((e) => e.name === name)) {
    c.fail(`a repeated export name '${name}'`, undefined, undefined, at);
  }
  const kind = KINDS[c.byte()] ?? c.fail(`an unknown kind of export '${name}'`, '0-4', undefined, c.pos - 1);
  const indexAt = c.pos;
  const index = c.u32();
  s.exports.push({ name, kind });
  if (kind === 'func') {
    const type = s.functionTypes[index] ?? c.fail(`export '${name}' names a function that does not exist`, `an index below ${s.functionTypes.length}`, String(index), indexAt);
    s.functions.push({ name, params: type.params, results: type.results });
  }
}

function dataSegment(c: Cursor): DataSegment {
  const at = c.pos;
  const flags = c.u32();
  if (flags > 2) {
    c.fail('an unknown data segment kind', '0, 1 or 2', String(flags), at);
  }
  if (flags === 2) {
    c.u32(); // memory index
  }
  const offset = flags === 1 ? null : constantOffset(c);
  const bytes = c.u32();
  c.skip(bytes, 'data segment');
  return { mode: flags === 1 ? 'passive' : 'active', offset, bytes };
}

/**
 * Reads a constant expression up to its `end`; returns its value when it is exactly
 * `i32.const n`, else null (global.get, extended constant arithmetic).
 */
function constantOffset(c: Cursor): number | null {
  let value: number | null = null;
  for (let ops = 0; ; ops++) {
    const at = c.pos;
    const op = c.byte();
    if (op === 0x0b) {
      return ops === 1 ? value : null;
    }
    if (op === 0x41) {
      // Memory offsets are unsigned: i32.const -1 writes at 2^32 - 1.
      value = c.s32() >>> 0;
    } else if (op === 0x42) {
      c.skipS64();
    } else if (op === 0x23) {
      c.u32();
    } else if (!((op >= 0x6a && op <= 0x6c) || (op >= 0x7c && op <= 0x7e))) {
      c.fail('an unsupported instruction in a constant expression', 'i32.const, i64.const, global.get, add, sub, mul or end', `0x${op.toString(16)}`, at);
    }
  }
}
