import { initBackend } from '@rnnkit/tensor';
import type { BackendInfo, Tensor } from '@rnnkit/tensor';
import { initCellParams, lstmCell } from '@rnnkit/cells';
import type { CellParams } from '@rnnkit/cells';

const info: BackendInfo = await initBackend({ backend: 'cpu' });
const params: CellParams = initCellParams(lstmCell({ inputSize: 2, units: 3 }), 1);
const w: Tensor = params.wxh;
console.log(info.backend, w.shape);
