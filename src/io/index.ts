/**
 * numpy file I/O: .npy (versions 1.0, 2.0, 3.0) and .npz archives, whole or a range of rows at a
 * time. Every function takes the runtime the tensors belong to as its first argument.
 */
export { loadNpy, npyInfo, saveNpy, type LoadNpyOptions, type NpyInfo, type NpyWriteInfo } from './npy.js';
export { parseNpyHeader, encodeNpyHeader, type HeaderOptions, type NpyHeader, type NpyVersion } from './npyHeader.js';
export { loadNpz, saveNpz, type SaveNpzOptions } from './npz.js';
export { iterateRows, readRows, type IterateRowsOptions, type RowsOptions } from './rows.js';
export { readAudio, type Audio, type ReadAudioOptions, type WavFormat } from './wav.js';
