/**
 * Checks for the arguments of public API calls, so that null, a number where an object belongs
 * or a missing function gives a coded ARGUMENT error naming the call instead of a TypeError
 * from deep inside it.
 */
import { fail } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** A short, safe description of any value for error messages: `null`, `number 5`, `array(3)`. */
export function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `array(${value.length})`;
  }
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default: {
      const name = (value as object).constructor?.name;
      return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
    }
  }
}

/**
 * `value` when it is a plain options object, `{}` when undefined; ARGUMENT otherwise.
 * @example const o = optionsOf(options, 'runtime.tensor', 'options')
 */
export function optionsOf<T extends object>(value: T | undefined, where: string, name = 'options'): T {
  if (value === undefined) {
    return {} as T;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: `invalid ${name}`, expected: 'an options object or nothing', received: describeValue(value) });
  }
  return value;
}

/** `value` when it is a Tensor; ARGUMENT otherwise (instead of a TypeError at its first use). */
export function tensorOf(value: unknown, where: string, name: string): Tensor {
  if (!(value instanceof Tensor)) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: `${name} is not a tensor`, expected: 'a Tensor made by a runtime', received: describeValue(value) });
  }
  return value;
}

/** `value` when it is a non-empty string; ARGUMENT otherwise. */
export function stringOf(value: unknown, where: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: `invalid ${name}`, expected: 'a non-empty string', received: describeValue(value) });
  }
  return value;
}
