/**
 * The bound on what h5wasm's own throws can lose. A few HDF5 errors still throw through h5wasm's C
 * frames (attribute reads, h5wasm wrappers that throw when HDF5 cannot open an object, and writes),
 * and each loses some of h5wasm's 2 MiB stack for good. Past STACK_LOSS_LIMIT every HDF5 read and
 * write is refused with an Error saying so, instead of the stack running into h5wasm's data (memory
 * corruption, then an abort). In a file of its own: the module it leaves refusing is this file's.
 */
import { STACK_LOSS_LIMIT, readHdf5, stackLost, writeHdf5 } from './hdf5';
import { h5wasmGrowth, h5wasmUse } from './test-h5wasm';

test('errors thrown through h5wasm lose at most STACK_LOSS_LIMIT of its stack; then HDF5 is refused with a clear Error', async () => {
  const good = await writeHdf5('good', (file) => file.float32('x', [2], Float32Array.from([1, 2])));
  const start = await h5wasmUse();
  // a group whose parent does not exist: HDF5 refuses it from inside a throwing call
  const failingWrite = (): Promise<Uint8Array> => writeHdf5('bad write', (file) => file.group('missing/child'));
  await expect(failingWrite()).rejects.toThrow(/^bad write: /);
  const oneError = await stackLost();
  expect(oneError).toBeGreaterThan(0);
  let refusedAt = -1;
  for (let i = 0; i < 10_000 && refusedAt < 0; i++) {
    const message = await failingWrite().then(
      () => 'written',
      (e: Error) => e.message,
    );
    if (message.includes('HDF5 is refused for the rest of this process')) refusedAt = i;
    else expect(message).toMatch(/^bad write: /);
  }
  expect(refusedAt).toBeGreaterThan(0);
  console.info(`one failed write lost ${oneError} B of h5wasm's stack; HDF5 refused after ${refusedAt + 1} more`);
  const lost = h5wasmGrowth(start, await h5wasmUse()).stack;
  expect(lost).toBe(await stackLost());
  expect(lost).toBeGreaterThan(STACK_LOSS_LIMIT);
  expect(lost).toBeLessThanOrEqual(STACK_LOSS_LIMIT + oneError);
  // reads are refused too, saying why, and h5wasm still answers (no abort)
  await expect(readHdf5(good, 'good file', (file) => file.keys(''))).rejects.toThrow(
    /^good file: HDF5 is refused for the rest of this process: HDF5 errors thrown through h5wasm's C code \(damaged files, failed writes\) have lost \d+ KB of its 2 MiB stack \(limit 512 KB\)/,
  );
  expect((await h5wasmUse()).stackPointer).toBe(start.stackPointer - lost);
}, 60_000);
