/** The JSON shapes of Keras files this package reads and writes. */

/** A Keras layer entry: `{ class_name, config }` (Keras 3 adds `module`, `registered_name`, `build_config`). */
export interface KerasLayerJson {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly module?: string;
  readonly registered_name?: string | null;
  /** One input's shape, or a list of them for a layer of several inputs. */
  readonly build_config?: { readonly input_shape: readonly (number | null)[] | readonly (readonly (number | null)[])[] };
  readonly name?: string;
  readonly inbound_nodes?: readonly unknown[];
}

/** A model config: `{ class_name: 'Sequential' | 'Functional' | 'Model', config: { name, layers } }` (or Keras < 2.2.3's bare list). */
export interface KerasModelJson {
  readonly class_name: string;
  readonly config: { readonly name?: string; readonly layers: readonly KerasLayerJson[] } | readonly KerasLayerJson[];
}

/** The layers a model config lists, in its order (InputLayer included). Throws naming `who` when there are none. */
export function configLayers(model: unknown, who: string): KerasLayerJson[] {
  const m = model as Partial<KerasModelJson> | null;
  if (typeof m !== 'object' || m === null || typeof m.class_name !== 'string') throw new Error(`${who}: the model config is not { class_name, config }`);
  const layers = Array.isArray(m.config) ? m.config : (m.config as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(layers)) throw new Error(`${who}: the model config (${m.class_name}) has no list of layers`);
  layers.forEach((l: unknown, i) => {
    const layer = l as Partial<KerasLayerJson> | null;
    if (typeof layer !== 'object' || layer === null || typeof layer.class_name !== 'string' || typeof layer.config !== 'object' || layer.config === null) {
      throw new Error(`${who}: layers[${i}] of the model config is not { class_name, config }`);
    }
  });
  return layers as KerasLayerJson[];
}
