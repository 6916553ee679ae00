/**
 * The ModelProto around an exported graph: the opset it targets (checked), the IR version that goes with
 * it, and the encoding to bytes. Every exporter (sequential, functional, encoder–decoder) ends here.
 */
import { encodeModel } from './onnx-schema';
import type { GraphMessage } from './onnx-schema';

/** The opsets the exporter's ops are written for (Squeeze/Unsqueeze/Split take axes as inputs from 13, Scan 16). */
const MIN_OPSET = 14;
const MAX_OPSET = 21;

/** The default opset of every export. */
export const DEFAULT_OPSET = 17;

/** `opset` (default {@link DEFAULT_OPSET}) checked; `who` names the entry point in the error. */
export function checkOpset(opset: number | undefined, who: string): number {
  const value = opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(value) || value < MIN_OPSET || value > MAX_OPSET) {
    throw new Error(`${who}: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  }
  return value;
}

/** IR version for an opset (ONNX's versioning table: opset 14–15 → IR 7 and 8, 16–17 → 8, 18–19 → 9, 20–21 → 10). */
function irVersion(opset: number): number {
  return opset <= 15 ? 7 : opset <= 17 ? 8 : opset <= 19 ? 9 : 10;
}

/** The ModelProto bytes of `graph` for `opset` (default domain). */
export function modelBytes(graph: GraphMessage, opset: number): Uint8Array {
  return encodeModel({ irVersion: irVersion(opset), producerName: 'rnnkit', graph, opsetImport: [{ domain: '', version: opset }] });
}
