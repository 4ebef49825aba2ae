/**
 * The out-of-core fit's errors: each bad file or option is a HotpathError with a stable code
 * and a message naming the file (and the row, for NaN), and no output file is left behind; an
 * error from onIteration comes out as it is, and the runtime fits again afterwards.
 */
import assert from 'node:assert/strict';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { assertRejectsCode, buildNpy, dict, tempDir } from '../npyHelpers.js';

const dir = tempDir();
after(() => dir.remove());

async function withHp(fn: (hp: Runtime) => Promise<void>): Promise<void> {
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    await fn(hp);
  } finally {
    await hp.close();
  }
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

test('bad files: IO, FORMAT (hostile, truncated), SHAPE (rank), DTYPE, LAYOUT', async () => {
  await withHp(async (hp) => {
    await assertRejectsCode(() => hp.kmeans(dir.path('missing.npy'), { k: 1 }), 'IO', ['missing.npy']);
    const hostile = dir.write('hostile.npy', buildNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, __import__('os')), }"));
    await assertRejectsCode(() => hp.kmeans(hostile, { k: 1 }), 'FORMAT', ['hostile.npy']);
    const truncated = dir.write('truncated.npy', buildNpy(dict('<f4', '(4, 2)'), f32([1, 2, 3, 4, 5])));
    await assertRejectsCode(() => hp.kmeans(truncated, { k: 1 }), 'FORMAT', ['truncated.npy']);
    const rank1 = dir.write('rank1.npy', buildNpy(dict('<f4', '(4,)'), f32([1, 2, 3, 4])));
    await assertRejectsCode(() => hp.kmeans(rank1, { k: 1 }), 'SHAPE', ['rank1.npy', 'rank 2']);
    const ints = dir.write('ints.npy', buildNpy(dict('<i4', '(2, 2)'), new Uint8Array(16)));
    await assertRejectsCode(() => hp.kmeans(ints, { k: 1 }), 'DTYPE', ['ints.npy', 'float32 | float64']);
    const fortran = dir.write('fortran.npy', buildNpy(dict('<f4', '(2, 2)', 'True'), f32([1, 2, 3, 4])));
    await assertRejectsCode(() => hp.kmeans(fortran, { k: 1 }), 'LAYOUT', ['fortran.npy']);
  });
});

test('bad data and options: k > n, NaN (which row), sampleWeight, blockBytes; no output left behind', async () => {
  await withHp(async (hp) => {
    const good = dir.write('good.npy', buildNpy(dict('<f4', '(3, 2)'), f32([1, 2, 3, 4, 5, 6])));
    await assertRejectsCode(() => hp.kmeans(good, { k: 4 }), 'ARGUMENT', ['k <= 3']);
    await assertRejectsCode(() => hp.kmeans(good, { k: 1, blockBytes: 0 }), 'ARGUMENT', ['blockBytes']);
    await assertRejectsCode(() => hp.kmeans(good, { k: 2, sampleRows: 1 }), 'ARGUMENT', ['sampleRows']);
    for (const hintBytes of [-1, 1.5, Number.NaN, '64']) {
      await assertRejectsCode(() => hp.kmeans(good, { k: 1, hintBytes } as never), 'ARGUMENT', ['invalid hintBytes', 'integer number of bytes >= 0', String(hintBytes)]);
    }
    await assertRejectsCode(() => hp.kmeans(good, { k: 1, sampleWeight: hp.tensor([1, 1, 1]) } as never), 'ARGUMENT', ['sampleWeight']);
    await assertRejectsCode(() => hp.kmeans(good, { k: 1, miniBatch: { batchSize: 0 } }), 'ARGUMENT', ['miniBatch.batchSize']);
    await assertRejectsCode(() => hp.kmeans(good, { k: 1, miniBatch: { maxNoImprovement: -1 } }), 'ARGUMENT', ['miniBatch.maxNoImprovement']);
    const nan = dir.write('nan.npy', buildNpy(dict('<f4', '(4, 2)'), f32([1, 2, 3, 4, 5, Number.NaN, 7, 8])));
    const labelsOut = dir.path('nan-labels.npy');
    await assertRejectsCode(() => hp.kmeans(nan, { k: 1, labelsOut }), 'ARGUMENT', ['nan.npy', 'row 2, column 1']);
    assert.equal(existsSync(labelsOut), false);
    // Finite values whose centring overflows float32: -3.4e38 - mean (1.13e38) is -Infinity.
    const huge = dir.write('huge.npy', buildNpy(dict('<f4', '(3, 1)'), f32([3.4e38, -3.4e38, 3.4e38])));
    await assertRejectsCode(() => hp.kmeans(huge, { k: 1 }), 'ARGUMENT', ['huge.npy', 'overflow when centred', 'row 1, column 0']);
  });
});

test('a file changed during the fit is FORMAT', async () => {
  await withHp(async (hp) => {
    const path = dir.write('changing.npy', buildNpy(dict('<f4', '(4, 2)'), f32([1, 2, 3, 4, 5, 6, 7, 8])));
    await assertRejectsCode(
      () =>
        hp.kmeans(path, {
          k: 2,
          init: 'first',
          tol: 0,
          onIteration: () => {
            // Same size, new contents: the modification time tells.
            writeFileSync(path, buildNpy(dict('<f4', '(4, 2)'), f32([8, 7, 6, 5, 4, 3, 2, 1])));
          },
        }),
      'FORMAT',
      ['changing.npy', 'changed during the fit'],
    );
    truncateSync(path, 20);
    await assertRejectsCode(() => hp.kmeans(path, { k: 1 }), 'FORMAT', ['changing.npy']);
  });
});

test("an error thrown by onIteration rejects the fit with it (the read ahead of the next pass's first block settled); the runtime fits again", async () => {
  await withHp(async (hp) => {
    const values = Array.from({ length: 3000 * 2 }, (_, e) => Math.sin(e) * 100);
    const path = dir.write('thrown.npy', buildNpy(dict('<f4', '(3000, 2)'), f32(values)));
    const stop = new Error('stop at iteration 2');
    const options = { k: 3, init: 'first', tol: 0, maxIter: 5 } as const;
    const onIteration = (info: { iteration: number }): void => {
      if (info.iteration === 2) {
        throw stop;
      }
    };
    await assert.rejects(() => hp.kmeans(path, { ...options, blockBytes: 1, onIteration }), (e) => e === stop);
    const x = hp.tensor(Float32Array.from(values), [3000, 2]);
    const memory = hp.kmeans(x, options);
    const again = await hp.kmeans(path, { ...options, blockBytes: 1 });
    assert.equal(again.inertia, memory.inertia);
    assert.deepEqual(again.centroids.toArray(), memory.centroids.toArray());
  });
});
