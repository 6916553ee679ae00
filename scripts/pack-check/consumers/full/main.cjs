const tensor = require('@rnnkit/tensor');
const cells = require('@rnnkit/cells');
const models = require('@rnnkit/models');
const training = require('@rnnkit/training');
const datasets = require('@rnnkit/datasets');
const onnx = require('@rnnkit/onnx');
(async () => {
  await tensor.initBackend();
  const ids = datasets.padSequences([[1, 2, 3], [4, 5]], { maxlen: 3 });
  const model = models.sequential([models.embedding({ inputDim: 10, outputDim: 4 }), models.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  const x = tensor.tensor(ids.data, ids.shape, 'int32');
  const y = model.apply(x, { training: false });
  const counts = [tensor, cells, models, training, datasets].map((m) => Object.keys(m).length).join('/');
  console.log(`full (cjs): output ${y.shape}, ${model.countParams()} params, exports ${counts}, onnx ${onnx.toOnnx(model).length} bytes`);
})().catch((e) => { console.error(e); process.exit(1); });
