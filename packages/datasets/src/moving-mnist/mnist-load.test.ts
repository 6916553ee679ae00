import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeWithSharedData } from '../test-fixtures';
import { loadMnistTest, MNIST_TEST_FILES } from './mnist-load';

describeWithSharedData('mnist', 'loadMnistTest refuses a copy that is not exactly MNIST’s test set', (dir) => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'rnnkit-mnist-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const images = (): Buffer => gunzipSync(readFileSync(join(dir, MNIST_TEST_FILES.images)));
  const labels = (): Buffer => readFileSync(join(dir, MNIST_TEST_FILES.labels));

  test('9,000 images (a valid idx file, consistent labels) fail naming the file and the shape found', () => {
    const cut = images().subarray(0, 16 + 9000 * 784);
    cut.writeUInt32BE(9000, 4);
    const labelsCut = gunzipSync(labels()).subarray(0, 8 + 9000);
    labelsCut.writeUInt32BE(9000, 4);
    writeFileSync(join(out, MNIST_TEST_FILES.images), gzipSync(cut));
    writeFileSync(join(out, MNIST_TEST_FILES.labels), gzipSync(labelsCut));
    expect(() => loadMnistTest({ dataDir: out })).toThrow(
      `${join(out, MNIST_TEST_FILES.images)}: holds images of shape [9000, 28, 28], MNIST's test set has [10000, 28, 28] (a truncated or different copy?)`,
    );
  });

  test('one changed pixel (re-gzipped, so the gzip is valid) fails on the SHA-256', () => {
    const raw = images();
    raw[16 + 400] = raw[16 + 400]! ^ 0x10;
    writeFileSync(join(out, MNIST_TEST_FILES.images), gzipSync(raw));
    writeFileSync(join(out, MNIST_TEST_FILES.labels), labels());
    expect(() => loadMnistTest({ dataDir: out })).toThrow(/t10k-images-idx3-ubyte\.gz: unpacks to SHA-256 [0-9a-f]{64}, MNIST's test images have 0fa7898d/);
  });
});
