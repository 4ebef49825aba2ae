/**
 * runtime.scope() with overlapping async bodies (issue 8): each scope owns exactly the tensors
 * created in its own async context, whatever the interleaving of their awaits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRuntime, type Tensor } from '../../src/index.js';
import { codeOf, values } from '../helpers.js';

test('two overlapping async scopes keep their own results and release only their own temporaries', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const temporaries: Tensor[] = [];
  // a opens first and closes last; b opens inside a's lifetime and closes first.
  const a = hp.scope(async () => {
    const t = hp.tensor([1, 2]);
    temporaries.push(t);
    await sleep(30);
    return hp.add(t, t);
  });
  const b = hp.scope(async () => {
    const t = hp.tensor([10, 20]);
    temporaries.push(t);
    await sleep(5);
    return hp.add(t, t);
  });
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual(values(ra), [2, 4]);
  assert.deepEqual(values(rb), [20, 40]);
  assert.ok(temporaries.every((t) => t.released), 'each scope released its own temporary');
  ra.release();
  rb.release();
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
  await hp.close();
});

test('a tensor made in one scope after another scope opened is not released by the other', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  let early: Tensor | undefined;
  const outer = hp.scope(async () => {
    await sleep(10);
    // Created while `inner` below is open (in another async context) and kept by this scope.
    early = hp.tensor([7]);
    await sleep(20);
    return early;
  });
  const inner = hp.scope(async () => {
    await sleep(15);
    return 1;
  });
  await inner;
  const kept = await outer;
  assert.equal(kept, early);
  assert.deepEqual(values(kept), [7]);
  kept.release();
  assert.equal(hp.memory().tensors, 0);
  await hp.close();
});

test('many interleaved async scopes: every result is live and memory returns to the baseline', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      hp.scope(async () => {
        const x = hp.tensor([i, i + 1]);
        await sleep((i * 7) % 11);
        const y = hp.mul(x, x);
        await sleep((i * 3) % 5);
        return hp.add(y, x);
      }),
    ),
  );
  results.forEach((r, i) => assert.deepEqual(values(r), [i * i + i, (i + 1) * (i + 1) + i + 1]));
  assert.equal(hp.memory().tensors, 20);
  results.forEach((r) => r.release());
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
  await hp.close();
});

test('a sync scope nested in an async scope returns its result to the async scope', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  let inner: Tensor | undefined;
  const other = hp.scope(async () => {
    await sleep(5);
    return 0;
  });
  const r = await hp.scope(async () => {
    await sleep(1);
    inner = hp.scope(() => hp.add(hp.tensor([1]), hp.tensor([2])));
    await sleep(10);
    return 'done';
  });
  await other;
  assert.equal(r, 'done');
  assert.ok(inner!.released, 'the enclosing async scope released what the sync scope returned to it');
  assert.equal(hp.memory().tensors, 0);
  await hp.close();
});

test('scope() with something other than a function is ARGUMENT', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  assert.equal(codeOf(() => hp.scope(null as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.scope(5 as never)), 'ARGUMENT');
  await hp.close();
});

test("k-means onIteration's inertia() is right inside the callback and LIFETIME once its labels are gone", async () => {
  for (const backends of [['ref'], ['wasm', 'ref']] as const) {
    const hp = await createRuntime({ backends: [...backends] });
    // Two well separated groups on a line; init 'first' takes rows 0 and 1 as the centroids.
    const points = [0, 10, 1, 11, 2, 12, 0.5, 10.5];
    const x = hp.tensor(Float32Array.from(points), [points.length, 1]);
    const kept: (() => number)[] = [];
    const inside: number[] = [];
    const stale: string[] = [];
    const fit = hp.kmeans(x, { k: 2, init: 'first', tol: 0, onIteration: (info) => {
      if (kept.length > 0) {
        // The previous iteration's labels were released by this iteration's step.
        stale.push(codeOf(() => kept[kept.length - 1]!()));
      }
      inside.push(info.inertia());
      kept.push(info.inertia);
    } });
    // The fit itself: squared distances to the two group means, computed here in float64.
    const low = [0, 1, 2, 0.5];
    const high = [10, 11, 12, 10.5];
    const sq = (g: number[]): number => {
      const m = g.reduce((p, v) => p + v, 0) / g.length;
      return g.reduce((p, v) => p + (v - m) ** 2, 0);
    };
    assert.ok(Math.abs(fit.inertia - (sq(low) + sq(high))) < 1e-5, `${fit.inertia}`);
    assert.ok(inside.every(Number.isFinite), `${inside}`);
    assert.deepEqual(stale, new Array(kept.length - 1).fill('LIFETIME'));
    // Fill the heap where the labels and the centred data were.
    const filler = hp.tensor(new Float32Array(1024).fill(Number.NaN));
    for (const late of kept) {
      assert.equal(codeOf(late), 'LIFETIME');
    }
    filler.release();
    await hp.close();
  }
});
