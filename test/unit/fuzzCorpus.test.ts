/**
 * The fuzz regression corpus in npm test: every seed (fuzz/corpus/<target>/) and every saved
 * finding (fuzz/regressions/<target>/) goes through its target's oracle (fuzz/oracle.ts): the
 * parser returns a valid result or throws a coded HotpathError, and allocates no more than the
 * input justifies. Then a short, deterministic budget of mutants of the seeds (bytes flipped,
 * inserted, deleted, truncated, spliced) through the same oracle. The coverage-guided runs are
 * `npm run fuzz`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { judge, type Target } from '../../fuzz/oracle.js';
import { target as npy } from '../../fuzz/targets/npy.js';
import { target as npyHeader } from '../../fuzz/targets/npyHeader.js';
import { target as npz } from '../../fuzz/targets/npz.js';
import { target as onnxModel } from '../../fuzz/targets/onnxModel.js';
import { target as onnxTensor } from '../../fuzz/targets/onnxTensor.js';
import { target as pyLiteral } from '../../fuzz/targets/pyLiteral.js';
import { target as wasmSections } from '../../fuzz/targets/wasmSections.js';

const FUZZ = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fuzz');
const TARGETS: readonly Target[] = [pyLiteral, npyHeader, npy, npz, onnxTensor, onnxModel, wasmSections];
const MUTANTS_PER_TARGET = 400;

function files(dir: string): { name: string; bytes: Uint8Array }[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
}

/** Runs one input through the oracle; a finding fails the test with the input's name. */
function replay(target: Target, name: string, bytes: Uint8Array): string {
  const heapBefore = target.heapBytes?.() ?? 0;
  try {
    return judge(target, bytes, heapBefore, true) ?? 'accepted';
  } catch (error) {
    assert.fail(`${target.name} ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** xorshift32: a fixed seed gives the same mutants on every run. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x28, 0x29, 0x2c, 0x27, 0x7b, 0x7d];

function mutate(seed: Uint8Array, pick: (n: number) => number, donor: Uint8Array): Uint8Array {
  const bytes = [...seed];
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(bytes.length + 1);
    switch (pick(6)) {
      case 0:
        if (bytes.length > 0) bytes[at % bytes.length] = pick(256);
        break;
      case 1:
        if (bytes.length > 0) bytes[at % bytes.length] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2:
        bytes.splice(at, 0, ...Array.from({ length: 1 + pick(8) }, () => pick(256)));
        break;
      case 3:
        bytes.splice(at, 1 + pick(16));
        break;
      case 4:
        bytes.length = Math.min(bytes.length, at);
        break;
      default: {
        const from = pick(donor.length + 1);
        bytes.splice(at, pick(8), ...donor.subarray(from, from + 1 + pick(32)));
      }
    }
  }
  return Uint8Array.from(bytes);
}

for (const target of TARGETS) {
  test(`fuzz corpus: every seed and saved finding of ${target.name} passes the oracle`, () => {
    const seeds = files(path.join(FUZZ, 'corpus', target.name));
    assert.ok(seeds.length > 0, `fuzz/corpus/${target.name} is empty`);
    const outcomes = new Map<string, number>();
    for (const { name, bytes } of [...seeds, ...files(path.join(FUZZ, 'regressions', target.name))]) {
      const outcome = replay(target, name, bytes);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The seeds are real files: most of them must be accepted, or the target tests nothing.
    assert.ok((outcomes.get('accepted') ?? 0) > 0, `no seed of ${target.name} is accepted: ${JSON.stringify([...outcomes])}`);
  });

  test(`fuzz budget: ${MUTANTS_PER_TARGET} seeded mutants of ${target.name} pass the oracle`, () => {
    const seeds = files(path.join(FUZZ, 'corpus', target.name));
    const pick = random(0x9e3779b9 ^ target.name.length);
    for (let i = 0; i < MUTANTS_PER_TARGET; i++) {
      const seed = seeds[pick(seeds.length)]!;
      const donor = seeds[pick(seeds.length)]!;
      replay(target, `mutant ${i} of ${seed.name}`, mutate(seed.bytes, pick, donor.bytes));
    }
  });
}
