import * as tensor from '@rnnkit/tensor';
import * as cells from '@rnnkit/cells';
import * as models from '@rnnkit/models';
import * as training from '@rnnkit/training';
import * as datasets from '@rnnkit/datasets';
import * as onnx from '@rnnkit/onnx';
(async () => {
  await tensor.initBackend();
  const ids = datasets.padSequences([[1, 2, 3], [4, 5]], { maxlen: 3 });
  const model = models.sequential([models.embedding({ inputDim: 10, outputDim: 4 }), models.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  const x = tensor.tensor(ids.data, ids.shape, 'int32');
  const y = model.apply(x, { training: false });
  const counts = [tensor, cells, models, training, datasets].map((m) => Object.keys(m).length).join('/');
  console.log(`full (esm): output ${y.shape}, ${model.countParams()} params, exports ${counts}, onnx ${onnx.toOnnx(model).length} bytes`);
})().catch((e) => { console.error(e); process.exit(1); });
