/**
 * Fuzz target: the Python-literal parser of .npy headers (src/io/pyLiteral.ts) on any text.
 * parsePyDict never throws: a syntax problem is a result, counted here as FORMAT. A problem must
 * point inside the text, and every parsed value must print (describeLiteral).
 */
import { fail } from '../../src/errors.js';
import { describeLiteral, parsePyDict } from '../../src/io/pyLiteral.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

export const target: Target = {
  name: 'pyLiteral',
  parse(data) {
    // latin1: every byte is one character, as a 1.0/2.0 header's text is read.
    const text = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
    const result = parsePyDict(text);
    if (!result.ok) {
      if (!(result.at >= 0 && result.at <= text.length) || result.problem === '') {
        throw new Finding(`pyLiteral: a syntax problem at ${result.at} of ${text.length} characters: '${result.problem}'`);
      }
      fail({ code: 'FORMAT', kernel: 'pyLiteral', problem: result.problem, received: `character ${result.at}` });
    }
    for (const [key, value] of result.entries) {
      if (typeof key !== 'string' || typeof describeLiteral(value) !== 'string') {
        throw new Finding(`pyLiteral: entry ${String(key)} does not describe`);
      }
    }
  },
  bound: (length) => 64 * length,
};

export const fuzz = fuzzer(target);
