const { initBackend, tensor3d, grad, sum } = require('@rnnkit/tensor');
const cells = require('@rnnkit/cells');
(async () => {
  const info = await initBackend();
  const config = cells.lstmCell({ inputSize: 2, units: 3 });
  const params = cells.initCellParams(config, 1);
  const xs = tensor3d([[[1, 2], [3, 4]]]);
  const run = cells.scan ?? cells.scanReference;
  const { outputs } = run(config, params, xs, {});
  const dx = grad((x) => sum(run(config, params, x, {}).outputs))(xs);
  console.log(`tensor+cells (cjs): ${info.backend} simd=${info.simd}, lstm output ${outputs.shape}, grad ${dx.shape}`);
})().catch((e) => { console.error(e); process.exit(1); });
