/**
 * Character-level language modelling on a slice of tiny-shakespeare: the corpus as windows for
 * training, and generation from a prompt through the model's streaming stepper.
 *
 * Shapes: N windows, T window length, V characters in the vocabulary.
 */
import { buildCharVocabulary, charTokens, encode, splitStream, textWindows } from '@rnnkit/datasets';
import type { Vocabulary } from '@rnnkit/datasets';
import { disposeState, sampleDecode, sequentialStepper } from '@rnnkit/models';
import type { Sequential, StepState } from '@rnnkit/models';
import { tensor1d } from '@rnnkit/tensor';

export interface CharCorpus {
  readonly vocabulary: Vocabulary;
  readonly window: number;
  /** Windows of the first 90 % of the text: x [N, T] ids, y [N, T] the next ids. */
  readonly train: { readonly x: WindowData; readonly y: WindowData };
  /** Windows of the last 10 %. */
  readonly validation: { readonly x: WindowData; readonly y: WindowData };
  readonly characters: number;
}

interface WindowData {
  readonly values: Int32Array;
  readonly shape: number[];
  readonly dtype: 'int32';
}

export function charCorpus(text: string, window: number): CharCorpus {
  const vocabulary = buildCharVocabulary(text, { specials: [] });
  const ids = encode(vocabulary, charTokens(text));
  const [train, validation] = splitStream(ids, 0.9);
  const asData = (part: Int32Array) => {
    const w = textWindows(part, { length: window });
    const data = (values: Int32Array): WindowData => ({ values, shape: [...w.shape], dtype: 'int32' });
    return { x: data(w.inputs), y: data(w.targets) };
  };
  return { vocabulary, window, train: asData(train), validation: asData(validation), characters: ids.length };
}

/**
 * Continues `prompt` by sampling `length` characters at `temperature`: the prompt is fed one
 * character at a time to build the state, then each sampled character is fed back (never re-running
 * the prefix). Characters the vocabulary lacks are skipped and returned in `skipped`.
 */
export function generate(
  model: Sequential,
  vocabulary: Vocabulary,
  options: { prompt: string; length: number; temperature: number; seed: number },
): { text: string; skipped: string } {
  const known = charTokens(options.prompt).filter((c) => vocabulary.ids.has(c));
  const skipped = charTokens(options.prompt).filter((c) => !vocabulary.ids.has(c)).join('');
  const prompt = known.length > 0 ? known : ['\n'];
  const ids = prompt.map((c) => vocabulary.ids.get(c)!);
  const { stepper, initialState } = sequentialStepper(model);
  let state: StepState = initialState(1);
  for (const id of ids.slice(0, -1)) {
    const token = tensor1d([id], 'int32');
    const out = stepper.step(state, token);
    token.dispose();
    out.logits.dispose();
    disposeState(state);
    state = out.state;
  }
  try {
    const result = sampleDecode(stepper, state, {
      startToken: ids[ids.length - 1]!,
      maxLength: options.length,
      temperature: options.temperature,
      seed: options.seed,
    });
    return { text: result.tokens[0]!.map((id) => vocabulary.tokens[id] ?? '').join(''), skipped };
  } finally {
    disposeState(state);
  }
}
