/**
 * The row kernel on tfjs-backend-wasm's heap: it loads under Node, writes nothing when it loads, and
 * its gather and scatter-add equal the JS loops bit for bit (every row width, repeated and dropped
 * ids, outer blocks), with out-of-range gather ids rejected by name.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backend, engine, unsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, gather, tensor, tidy } from '../index';
import { gatherRows } from './cpu-gather-slice';
import { scatterAdd } from './unsorted-segment-sum';
import { ROWS_WASM_BASE64 } from './rows-wasm.generated';
import { rowsKernel } from './wasm-rows';

const packageDir = join(__dirname, '..', '..');

function randomFloats(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

/** The module's section ids (1 type, 2 import, 3 function, 7 export, 10 code, 11 data, …). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      size |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
    }
    at += size;
  }
  return ids;
}

test('the generated row module is up to date with assembly/ (node scripts/build-rows-kernel.mjs --check)', () => {
  expect(() => execFileSync(process.execPath, [join(packageDir, 'scripts', 'build-rows-kernel.mjs'), '--check'], { cwd: packageDir, stdio: 'pipe' })).not.toThrow();
});

test('the row module has no data segment and no memory of its own (loading it writes nothing into the heap)', () => {
  const bytes = Uint8Array.from(atob(ROWS_WASM_BASE64), (c) => c.charCodeAt(0));
  const module = new WebAssembly.Module(bytes);
  expect(sectionIds(bytes)).not.toContain(11);
  expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
});

describeEachBackend(['wasm'], 'row kernel', () => {
  test('loads over the backend heap under Node', () => {
    expect(rowsKernel(backend() as BackendWasm)).not.toBeNull();
  });

  test.each([32, 4, 3, 5, 1])('gather rows of %i floats (and int32) equals the JS row copy, outer blocks included', (inner) => {
    tidy(() => {
      const ids = [3, 0, 3, 7, 1, 7, 7, 2];
      const flat = randomFloats(2 * 8 * inner, inner);
      for (const [shape, axis] of [[[8, inner], 0], [[2, 8, inner], 1]] as const) {
        const size = shape.reduce((a, b) => a * b, 1);
        const outer = shape.length === 3 ? shape[0] : 1;
        const expected = new Float32Array(outer * ids.length * inner);
        gatherRows(flat.subarray(0, size), outer, 8, inner, ids, expected);
        const got = gather(tensor(flat.subarray(0, size), [...shape]), tensor(ids, [ids.length], 'int32'), axis).dataSync();
        expect(Array.from(got)).toEqual(Array.from(expected));
        const asInt = gather(tensor(Int32Array.from(flat.subarray(0, size), (v) => Math.round(v * 1000)), [...shape], 'int32'), tensor(ids, [ids.length], 'int32'), axis);
        expect(Array.from(asInt.dataSync())).toEqual(Array.from(expected, (v) => Math.round(v * 1000)));
      }
    });
  });

  test('gather rejects an id outside the table, naming it', () => {
    tidy(() => {
      const table = tensor(randomFloats(12, 1), [4, 3]);
      expect(() => gather(table, tensor([1, 4], [2], 'int32'))).toThrow('GatherV2: the index value 4 is not in [0, 3]');
      expect(() => gather(table, tensor([-1], [1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 3]');
    });
  });

  test.each([32, 3, 5])('scatter-add of rows of %i floats equals the JS loop bit for bit, dropping ids outside the segments', (inner) => {
    tidy(() => {
      const ids = Int32Array.from([2, 0, 2, -1, 5, 2, 0, 4, 9]);
      const values = randomFloats(ids.length * inner, 10 + inner);
      const expected = scatterAdd(values, ids, 6, 'float32');
      const got = engine().runKernel('UnsortedSegmentSum', { x: tensor(values, [ids.length, inner]), segmentIds: tensor(ids, [ids.length], 'int32') }, { numSegments: 6 });
      expect(Array.from((got as ReturnType<typeof tensor>).dataSync())).toEqual(Array.from(expected));
      // and through tfjs' op, as the embedding gradient calls it
      expect(Array.from(unsortedSegmentSum(tensor(values, [ids.length, inner]), tensor(ids, [ids.length], 'int32'), 6).dataSync())).toEqual(Array.from(expected));
    });
  });
});
