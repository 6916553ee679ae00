import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeEachBackend } from '@rnnkit/testkit';
import { dispose, tensor } from '@rnnkit/tensor';
import { dense, embedding, loadModel, lstm, sequential } from '../index';

describeEachBackend(['cpu'], 'model.save(address) and loadModel(address)', () => {
  const build = () => sequential([embedding({ inputDim: 20, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
  const ids = () => tensor([1, 5, 7, 0, 2, 9], [2, 3], 'int32');

  it('round trips bit for bit through a path, a file:// URL and an http:// URL of model.json', async () => {
    const model = build();
    const x = ids();
    const expected = Array.from((model.predict(x) as { dataSync(): Float32Array }).dataSync());
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-url-'));
    const server = createServer((request, response) => {
      const file = join(dir, 'as-file-url', (request.url ?? '').replace(/^\/served\//, ''));
      readFile(file).then(
        (body) => response.end(body),
        () => {
          response.statusCode = 404;
          response.end();
        },
      );
    });
    try {
      await model.save(join(dir, 'as-path'));
      await model.save(pathToFileURL(join(dir, 'as-file-url')).href);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      for (const address of [join(dir, 'as-path'), `file://${join(dir, 'as-file-url')}`, `http://127.0.0.1:${port}/served/model.json`, `http://127.0.0.1:${port}/served`]) {
        const loaded = await loadModel(address);
        const y = loaded.predict(x) as { dataSync(): Float32Array; dispose(): void };
        expect({ address, values: Array.from(y.dataSync()) }).toEqual({ address, values: expected });
        y.dispose();
        loaded.dispose();
      }
      await expect(loadModel(`http://127.0.0.1:${port}/nowhere/model.json`)).rejects.toThrow(`loadModel: GET http://127.0.0.1:${port}/nowhere/model.json answered 404`);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
    dispose(x);
    model.dispose();
  });

  it('says what is wrong with an address', async () => {
    const model = build();
    await expect(model.save('model.keras')).rejects.toThrow("saveModel: model.keras is a Keras file: with the @rnnkit/keras package imported once in your app");
    await expect(loadModel('weights.h5')).rejects.toThrow('loadModel: weights.h5 is a Keras file');
    await expect(model.save('s3://bucket/model')).rejects.toThrow(`saveModel: "s3://bucket/model" has the scheme 's3://', which is not one of file://, indexeddb://, downloads://`);
    await expect(model.save('downloads://m')).rejects.toThrow('saveModel: downloads:// needs a browser page');
    await expect(loadModel('downloads://m')).rejects.toThrow('loadModel: downloads:// only saves');
    await expect(model.save('indexeddb://m')).rejects.toThrow('IndexedDB is not available in this environment');
    await expect(loadModel('')).rejects.toThrow('loadModel: expected a path or a URL');
    model.dispose();
  });
});
