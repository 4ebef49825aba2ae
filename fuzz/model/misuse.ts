/**
 * Calls with a wrong argument, on live and on released handles: a live tensor must refuse with
 * the argument's code; a released one with LIFETIME. Whether the lifetime is checked before the
 * argument is the `lifetimeFirst` option: by default either code is accepted for a released
 * tensor (today transpose, permute, moveAxis, get and item check their arguments first), with
 * `lifetimeFirst` only LIFETIME is, as every kernel, slice, reshape and broadcastTo already do.
 */
import type { ErrorCode } from '../../src/index.js';
import { attempt, intIn, oneOf, rng } from './expect.js';
import type { World } from './world.js';

export function misuse(w: World, pick: number, seed: number): void {
  const h = w.handle(pick);
  const r = rng(seed);
  const t = h.real;
  const shape = h.view.shape;
  const rank = shape.length;
  const size = shape.reduce((p, d) => p * d, 1);
  const options: [string, ErrorCode, () => unknown][] = [
    ['transpose(bad perm)', 'ARGUMENT', () => t.transpose([...shape.map(() => 0), 0])],
    ['permute(bad perm)', 'ARGUMENT', () => t.permute(rank === 0 ? [0] : shape.map((_, i) => i + 1))],
    ['moveAxis(bad axis)', 'ARGUMENT', () => t.moveAxis(rank + intIn(r, 0, 3), 0)],
    ['get(out of range)', 'ARGUMENT', () => t.get(...(rank === 0 ? [0] : shape.map((d) => d + intIn(r, 0, 2))))],
    ['get(wrong count)', 'ARGUMENT', () => t.get(...shape.map(() => 0), 0)],
    ['slice(bad step)', 'ARGUMENT', () => t.slice(...(rank === 0 ? [0] : [[0, 1, 0] as const]))],
    ['reshape(wrong size)', 'SHAPE', () => t.reshape([size + intIn(r, 1, 3)])],
    ['broadcastTo(incompatible)', 'SHAPE', () => t.broadcastTo(shape.some((d) => d !== 1) ? shape.map((d) => (d === 1 ? 1 : d + 1)) : [-1])],
  ];
  if (size !== 1) {
    options.push(['item(size != 1)', 'SHAPE', () => t.item()]);
  }
  const [operation, code, call] = oneOf(r, options);
  const live = w.alive(h);
  const codes: ErrorCode[] = live ? [code] : w.lifetimeFirst ? ['LIFETIME'] : ['LIFETIME', code];
  const made = attempt(w.tally, operation, { ok: false, codes }, call);
  void made;
}
