/** Hand-built WAV files for the readAudio tests: every header field set explicitly, no library. */

export interface WavSpec {
  /** Format tag: 1 PCM, 3 IEEE float, 0xFFFE extensible, others for codecs. */
  tag?: number;
  /** With tag 0xFFFE: the subformat's tag (1 or 3). */
  subTag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  /** Default channels * bits / 8. */
  blockAlign?: number;
  /** The sample bytes. */
  data: Uint8Array;
  /** Default data.length. */
  dataSize?: number;
  /** Chunks to put before fmt (id, body). */
  before?: [string, Uint8Array][];
  /** Put the data chunk before the fmt chunk. */
  dataFirst?: boolean;
}

function chunk(id: string, body: Uint8Array, declared = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  out.set([...id].map((c) => c.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, declared, true);
  out.set(body, 8);
  return out;
}

export function makeWav(spec: WavSpec): Uint8Array {
  const tag = spec.tag ?? 1;
  const channels = spec.channels ?? 1;
  const bits = spec.bits ?? 16;
  const rate = spec.rate ?? 16000;
  const fmt = new Uint8Array(tag === 0xfffe ? 40 : 16);
  const v = new DataView(fmt.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, spec.blockAlign ?? (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  if (tag === 0xfffe) {
    v.setUint16(16, 22, true); // cbSize
    v.setUint16(18, bits, true); // valid bits
    v.setUint32(20, channels === 2 ? 3 : 4, true); // channel mask
    // KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT}: {0000000X-0000-0010-8000-00AA00389B71}
    fmt.set([spec.subTag ?? 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 24);
  }
  const fmtChunk = chunk('fmt ', fmt);
  const dataChunk = chunk('data', spec.data, spec.dataSize ?? spec.data.length);
  const parts = [...(spec.before ?? []).map(([id, body]) => chunk(id, body)), ...(spec.dataFirst === true ? [dataChunk, fmtChunk] : [fmtChunk, dataChunk])];
  const bodyLength = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + bodyLength);
  out.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, bodyLength, true);
  out.set([...'WAVE'].map((c) => c.charCodeAt(0)), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Little-endian bytes of a typed array's elements. */
export function bytesOf(values: Int16Array | Int32Array | Float32Array | Float64Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** 24-bit little-endian two's complement. */
export function int24(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  values.forEach((x, i) => {
    const u = x < 0 ? x + 0x1000000 : x;
    out[3 * i] = u & 0xff;
    out[3 * i + 1] = (u >> 8) & 0xff;
    out[3 * i + 2] = (u >> 16) & 0xff;
  });
  return out;
}
