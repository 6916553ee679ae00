/**
 * Gradient checks of the hand-written BPTT: the fused `scan` (float32) against the testkit's float64
 * reference (hand-written forward and backward), which is itself checked against central
 * differences here, with negative controls showing both checks reject a wrong gradient.
 */
import { grads, mul, sum, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectGradcheck, gradcheck, randomFloat64, referenceForward, referenceGradients, referenceLoss, toFloat64, toReferenceParams } from '@rnnkit/testkit';
import type { ReferenceOptions, ReferenceParams, ReferenceUpstream } from '@rnnkit/testkit';
import { scan } from './index';
import type { CellConfig, CellParams, CellState, ScanOptions } from './index';
import { allCellVariants, disposeParams, randomParams } from './test-utils';

const B = 2;
const T = 4;
const I = 3;
const H = 2;
const shape = [B, T, I] as const;
const float32Tol = { rtol: 1e-4, atol: 1e-5 };

interface Setting {
  readonly label: string;
  readonly mask: number[] | null;
  readonly goBackwards: boolean;
  readonly zeroOutputForMask: boolean;
  readonly initialState: boolean;
}

const settings: Setting[] = [
  { label: 'plain', mask: null, goBackwards: false, zeroOutputForMask: false, initialState: false },
  { label: 'mask, goBackwards, initial state', mask: [1, 1, 1, 0, 0, 1, 1, 1], goBackwards: true, zeroOutputForMask: false, initialState: true },
  { label: 'mask, zeroOutputForMask, initial state', mask: [1, 1, 0, 0, 1, 1, 1, 1], goBackwards: false, zeroOutputForMask: true, initialState: true },
];

function oursVsReference(config: CellConfig, params: CellParams, setting: Setting): { ours: Tensor[]; reference: Float64Array[]; names: string[] } {
  const xs = randomFloat64(B * T * I, 1);
  const upstream: ReferenceUpstream = {
    outputs: randomFloat64(B * T * H, 2),
    h: randomFloat64(B * H, 3),
    ...(config.kind === 'lstm' ? { c: randomFloat64(B * H, 4) } : {}),
  };
  const h0 = randomFloat64(B * H, 5, 0.5);
  const c0 = randomFloat64(B * H, 6, 0.5);
  const refOptions: ReferenceOptions = {
    goBackwards: setting.goBackwards,
    zeroOutputForMask: setting.zeroOutputForMask,
    ...(setting.mask === null ? {} : { mask: setting.mask }),
    ...(setting.initialState ? { initialState: config.kind === 'lstm' ? { h: h0, c: c0 } : { h: h0 } } : {}),
  };
  const reference = referenceGradients(config, toReferenceParams(params), xs, shape, upstream, refOptions);

  const hasC = config.kind === 'lstm';
  const stateArgs = setting.initialState ? [f32(h0, [B, H]), ...(hasC ? [f32(c0, [B, H])] : [])] : [];
  const paramArgs = [params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])];
  const mask = setting.mask === null ? null : f32(setting.mask, [B, T]);
  const ours = grads((...args: Tensor[]) => {
    const [x, ...rest] = args;
    const s = rest.slice(0, stateArgs.length);
    const p = rest.slice(stateArgs.length);
    const initialState: CellState | undefined = s.length === 0 ? undefined : hasC ? { h: s[0]!, c: s[1]! } : { h: s[0]! };
    const options: ScanOptions = {
      returnSequences: true,
      goBackwards: setting.goBackwards,
      zeroOutputForMask: setting.zeroOutputForMask,
      ...(mask === null ? {} : { mask }),
      ...(initialState === undefined ? {} : { initialState }),
    };
    const r = scan(config, p.length === 3 ? { wxh: p[0]!, whh: p[1]!, bh: p[2]! } : { wxh: p[0]!, whh: p[1]! }, x!, options as ScanOptions<never>);
    let loss = add3(sum(mul(r.outputs, f32(upstream.outputs!, [B, T, H]))), sum(mul(r.state.h, f32(upstream.h!, [B, H]))));
    if ('c' in r.state) loss = loss.add(sum(mul(r.state.c, f32(upstream.c!, [B, H]))));
    return loss;
  })([f32(xs, [B, T, I]), ...stateArgs, ...paramArgs]);
  const names = ['dxs', ...(setting.initialState ? ['dh0', ...(hasC ? ['dc0'] : [])] : []), 'dwxh', 'dwhh', ...(params.bh === undefined ? [] : ['dbh'])];
  const refList = names.map((n) => (reference as unknown as Record<string, Float64Array>)[n]!);
  return { ours, reference: refList, names };
}

/** A float32 tensor of float64 values (which are float32-representable: randomFloat64 rounds them). */
function f32(values: ArrayLike<number>, shape: number[]): Tensor {
  return tensor(Float32Array.from(values), shape, 'float32');
}

function add3(a: Tensor, b: Tensor): Tensor {
  return a.add(b);
}

describeEachBackend(['cpu'], 'float64 reference vs central differences (for the configurations below)', () => {
  for (const [label, config] of allCellVariants(I, H)) {
    test(label, () => {
      const params = randomParams(config, 9);
      const ref: ReferenceParams = toReferenceParams(params);
      disposeParams(params);
      const xs = randomFloat64(B * T * I, 1);
      const upstream = { outputs: randomFloat64(B * T * H, 2) };
      const options: ReferenceOptions = { mask: [1, 1, 1, 0, 0, 1, 1, 1], goBackwards: true };
      const inputs: Record<string, Float64Array> = { xs, wxh: ref.wxh, whh: ref.whh, ...(ref.bh === undefined ? {} : { bh: ref.bh }) };
      const loss = (v: Readonly<Record<string, Float64Array>>): number =>
        referenceLoss(referenceForward(config, { wxh: v['wxh']!, whh: v['whh']!, ...(v['bh'] === undefined ? {} : { bh: v['bh'] }) }, v['xs']!, shape, options), upstream);
      const analytic = referenceGradients(config, ref, xs, shape, upstream, options);
      const given = { xs: analytic.dxs, wxh: analytic.dwxh, whh: analytic.dwhh, ...(analytic.dbh === undefined ? {} : { bh: analytic.dbh }) };
      expectGradcheck(loss, inputs, given, {}, label);
      // negative control: one entry off by 1e-4 fails
      const wrong = Float64Array.from(analytic.dwhh);
      wrong[1] = wrong[1]! + 1e-4;
      expect(gradcheck(loss, inputs, { ...given, whh: wrong }).ok).toBe(false);
    });
  }
});

describeEachBackend(['cpu', 'wasm'], 'fused scan gradients vs the float64 reference', () => {
  for (const [label, config] of allCellVariants(I, H)) {
    for (const setting of settings) {
      test(`${label}: ${setting.label}`, () => {
        const params = randomParams(config, 11);
        tidy(() => {
          const { ours, reference, names } = oursVsReference(config, params, setting);
          ours.forEach((g, i) => expectClose(g, reference[i]!, float32Tol, names[i]));
          // negative control: a gradient off by 1e-3 in one entry is rejected at this tolerance
          const wrong = Float64Array.from(toFloat64(ours[names.indexOf('dwhh')]!));
          wrong[0] = wrong[0]! + 1e-3;
          expect(() => expectClose(wrong, reference[names.indexOf('dwhh')]!, float32Tol, 'dwhh')).toThrow('dwhh');
        });
        disposeParams(params);
      });
    }
  }
});

