import * as tf from '@tensorflow/tfjs';

/**
 * A forward pass for inference only (embedding, prediction, the backend probe)
 * that runs MobileNet-style blocks as single fused kernels.
 *
 * Why: tfjs-layers runs a Keras MobileNetV2 layer by layer. A DepthwiseConv2D
 * is a depthwise convolution, then a bias add; each ReLU(max_value=6) is a relu,
 * then a clip; a BatchNormalization is its own pass. Each is a full read and
 * write of a [batch, h, w, c] activation. The per-kernel profile on WASM
 * (`npm run bench`) put relu + clip at 16% of a 1.0 backbone batch and batch
 * norm + padding at over half of a 0.35 one. Every backend has FusedConv2D and
 * FusedDepthwiseConv2D kernels with bias and relu6, so a conv (with a batch
 * norm folded into its weights, and an explicit zero padding folded into
 * 'same' where they agree) and the ReLU after it become one kernel.
 *
 * IMPORTANT: weights are read from the layers at every call, so a fine-tuned
 * backbone is run with its current weights; nothing here is cached but the
 * plan's shape. Anything the planner does not know runs through the layer's
 * own apply, in inference mode, so the result equals model.predict up to
 * float rounding (tested in fusedInference.test.ts).
 */
export type Forward = (input: tf.Tensor) => tf.Tensor;

type Activation = 'linear' | 'relu' | 'relu6';

interface LayerConfig {
  strides?: number | number[];
  padding?: string | number | number[][];
  dilationRate?: number | number[];
  dilation_rate?: number | number[];
  dataFormat?: string;
  activation?: string;
  useBias?: boolean;
  depthMultiplier?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  axis?: number;
  maxValue?: number | null;
  max_value?: number | null;
  negativeSlope?: number;
  threshold?: number;
}

const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D']);

function config(layer: tf.layers.Layer): LayerConfig {
  return layer.getConfig() as LayerConfig;
}

function pair(value: number | number[] | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  return typeof value === 'number' ? [value, value] : [value[0], value[1] ?? value[0]];
}

/** The fused activation a ReLU / Activation layer stands for, or undefined when it is something else. */
function activationOf(layer: tf.layers.Layer): Activation | undefined {
  const c = config(layer);
  const name = layer.getClassName();
  if (name === 'ReLU') {
    if ((c.negativeSlope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return undefined;
    const max = c.maxValue ?? c.max_value ?? null;
    if (max === null || max === undefined) return 'relu';
    return max === 6 ? 'relu6' : undefined;
  }
  if (name === 'Activation' && (c.activation === 'relu' || c.activation === 'relu6')) return c.activation;
  return undefined;
}

/** A conv the planner can run fused: 2-D, channels last, undilated, no activation of its own. */
function isFusableConv(layer: tf.layers.Layer): boolean {
  if (!CONV_CLASSES.has(layer.getClassName())) return false;
  const c = config(layer);
  const dilation = pair(c.dilationRate ?? c.dilation_rate, 1);
  return (
    (c.dataFormat ?? 'channelsLast') === 'channelsLast' &&
    dilation[0] === 1 &&
    dilation[1] === 1 &&
    (c.activation ?? 'linear') === 'linear' &&
    (c.padding === 'same' || c.padding === 'valid')
  );
}

/** A batch norm over the channels (the last axis) of a 4-D tensor, which folds into the conv before it. */
function isChannelBatchNorm(layer: tf.layers.Layer, rank: number): boolean {
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const axis = config(layer).axis ?? -1;
  return axis === -1 || axis === rank - 1;
}

/**
 * TF 'same' padding of one spatial axis: what an explicit [before, after]
 * must be for a 'valid' conv on the padded input to equal a 'same' one.
 */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The [[top, bottom], [left, right]] of a ZeroPadding2D layer. */
function zeroPadding(layer: tf.layers.Layer): [[number, number], [number, number]] | undefined {
  if (layer.getClassName() !== 'ZeroPadding2D') return undefined;
  const { padding, dataFormat } = config(layer);
  if ((dataFormat ?? 'channelsLast') !== 'channelsLast') return undefined;
  if (typeof padding === 'number')
    return [
      [padding, padding],
      [padding, padding],
    ];
  if (!Array.isArray(padding) || padding.length !== 2) return undefined;
  const [rows, cols] = padding.map((side) => (typeof side === 'number' ? [side, side] : side));
  return [
    [rows[0], rows[1]],
    [cols[0], cols[1]],
  ];
}

interface ConvStep {
  conv: tf.layers.Layer;
  /** The conv's input, before any zero padding folded into 'same'. */
  source: tf.SymbolicTensor;
  padding: 'same' | 'valid';
  batchNorm?: tf.layers.Layer;
  activation: Activation;
}

/** Counts how many layer calls (and model outputs) read each symbolic tensor. */
function countReaders(outputs: readonly tf.SymbolicTensor[]): Map<number, number> {
  const readers = new Map<number, number>();
  const seen = new Set<number>();
  const stack = [...outputs];
  for (const output of outputs) readers.set(output.id, (readers.get(output.id) ?? 0) + 1);
  while (stack.length > 0) {
    const tensor = stack.pop() as tf.SymbolicTensor;
    if (seen.has(tensor.id)) continue;
    seen.add(tensor.id);
    for (const input of tensor.inputs ?? []) {
      readers.set(input.id, (readers.get(input.id) ?? 0) + 1);
      stack.push(input);
    }
  }
  return readers;
}

/**
 * Folds a batch norm into the conv before it: y = (conv(x, k) + b - mean) * s + beta
 * with s = gamma / sqrt(var + eps) is conv(x, k * s) + (b - mean) * s + beta.
 * Kernels: Conv2D [kh, kw, in, out], DepthwiseConv2D [kh, kw, in, multiplier]
 * (output channel i * multiplier + m).
 */
function foldedWeights(step: ConvStep): { kernel: tf.Tensor4D; bias: tf.Tensor1D | undefined } {
  const [kernel, bias] = step.conv.getWeights() as [tf.Tensor4D, tf.Tensor1D | undefined];
  if (!step.batchNorm) return { kernel, bias };
  const c = config(step.batchNorm);
  const weights = step.batchNorm.getWeights();
  let index = 0;
  const gamma = c.scale === false ? undefined : weights[index++];
  const beta = c.center === false ? undefined : weights[index++];
  const [mean, variance] = [weights[index], weights[index + 1]];
  const factor = tf.rsqrt(tf.add(variance, c.epsilon ?? 1e-3));
  const scale = (gamma ? tf.mul(gamma, factor) : factor) as tf.Tensor1D; // [outChannels]
  const [, , inChannels, last] = kernel.shape;
  const kernelScale = step.conv.getClassName() === 'DepthwiseConv2D' ? tf.reshape(scale, [1, 1, inChannels, last]) : scale;
  const shifted = tf.sub(bias ?? tf.zerosLike(mean), mean);
  const foldedBias = tf.mul(shifted, scale);
  return {
    kernel: tf.mul(kernel, kernelScale) as tf.Tensor4D,
    bias: (beta ? tf.add(foldedBias, beta) : foldedBias) as tf.Tensor1D,
  };
}

function runConv(step: ConvStep, x: tf.Tensor4D): tf.Tensor4D {
  const { kernel, bias } = foldedWeights(step);
  const strides = pair(config(step.conv).strides, 1);
  const args = { x, strides, pad: step.padding, bias, activation: step.activation } as const;
  return step.conv.getClassName() === 'DepthwiseConv2D'
    ? tf.fused.depthwiseConv2d({ ...args, filter: kernel })
    : tf.fused.conv2d({ ...args, filter: kernel });
}

/** How many layers of a model (nested models included) the plan runs fused, for tests and the log. */
export interface FusedPlanSummary {
  fusedConvs: number;
  foldedBatchNorms: number;
  foldedPaddings: number;
}

class Planner {
  readonly summary: FusedPlanSummary = { fusedConvs: 0, foldedBatchNorms: 0, foldedPaddings: 0 };
  private readonly readers: Map<number, number>;
  /** Per output symbolic tensor id: the fused conv that produces it. */
  private readonly steps = new Map<number, ConvStep>();
  /** Plans of the models used as layers of this one. */
  private readonly nested = new Map<tf.LayersModel, Planner>();

  /** Per symbolic tensor id: how many steps of the plan read it (a fused conv reads its source only). */
  private readonly reads = new Map<number, number>();

  constructor(private readonly model: tf.LayersModel) {
    this.readers = countReaders(model.outputs);
    this.planFrom(model.outputs);
    this.countReads();
  }

  /** What the plan evaluates to compute `tensor`. */
  private argumentsOf(tensor: tf.SymbolicTensor): tf.SymbolicTensor[] {
    const step = this.steps.get(tensor.id);
    return step ? [step.source] : (tensor.inputs ?? []);
  }

  private countReads(): void {
    const seen = new Set<number>();
    const stack = [...this.model.outputs];
    while (stack.length > 0) {
      const tensor = stack.pop() as tf.SymbolicTensor;
      if (seen.has(tensor.id)) continue;
      seen.add(tensor.id);
      for (const arg of this.argumentsOf(tensor)) {
        this.reads.set(arg.id, (this.reads.get(arg.id) ?? 0) + 1);
        stack.push(arg);
      }
    }
  }

  /**
   * A model used as a layer of this one gets a plan of its own. (A Sequential
   * whose first layer is a model reads that model's graph directly instead:
   * its outputs are the inner model's symbolic tensors.)
   */
  private planNested(layer: tf.LayersModel): void {
    if (this.nested.has(layer)) return;
    const inner = new Planner(layer);
    this.nested.set(layer, inner);
    this.summary.fusedConvs += inner.summary.fusedConvs;
    this.summary.foldedBatchNorms += inner.summary.foldedBatchNorms;
    this.summary.foldedPaddings += inner.summary.foldedPaddings;
  }

  private readOnce(tensor: tf.SymbolicTensor): boolean {
    return this.readers.get(tensor.id) === 1;
  }

  /** The fused step ending at `tensor` (a conv, then maybe a batch norm, then maybe a ReLU), if there is one. */
  private stepEndingAt(tensor: tf.SymbolicTensor): ConvStep | undefined {
    let activation: Activation = 'linear';
    let current = tensor;
    const act = activationOf(current.sourceLayer);
    if (act && current.inputs?.length === 1 && this.readOnce(current.inputs[0])) {
      activation = act;
      current = current.inputs[0];
    }
    let batchNorm: tf.layers.Layer | undefined;
    if (isChannelBatchNorm(current.sourceLayer, current.rank) && current.inputs?.length === 1 && this.readOnce(current.inputs[0])) {
      batchNorm = current.sourceLayer;
      current = current.inputs[0];
    }
    const conv = current.sourceLayer;
    if (!isFusableConv(conv) || current.inputs?.length !== 1) return undefined;
    if (current.rank !== 4 || current.shape.slice(1).some((d) => d === null)) return undefined;
    let source = current.inputs[0];
    let padding = config(conv).padding as 'same' | 'valid';
    const explicit = zeroPadding(source.sourceLayer);
    if (padding === 'valid' && explicit && source.inputs?.length === 1 && this.readOnce(source)) {
      const input = source.inputs[0];
      const [kh, kw] = (conv.getWeights()[0] as tf.Tensor4D).shape;
      const [sh, sw] = pair(config(conv).strides, 1);
      const [height, width] = [input.shape[1], input.shape[2]];
      if (height !== null && width !== null) {
        const rows = samePadding(height, kh, sh);
        const cols = samePadding(width, kw, sw);
        if (rows.every((p, i) => p === explicit[0][i]) && cols.every((p, i) => p === explicit[1][i])) {
          source = input;
          padding = 'same';
          this.summary.foldedPaddings += 1;
        }
      }
    }
    if (batchNorm) this.summary.foldedBatchNorms += 1;
    this.summary.fusedConvs += 1;
    return { conv, source, padding, batchNorm, activation };
  }

  private planFrom(outputs: readonly tf.SymbolicTensor[]): void {
    const seen = new Set<number>();
    const stack = [...outputs];
    while (stack.length > 0) {
      const tensor = stack.pop() as tf.SymbolicTensor;
      if (seen.has(tensor.id)) continue;
      seen.add(tensor.id);
      const step = this.stepEndingAt(tensor);
      if (step) {
        this.steps.set(tensor.id, step);
        stack.push(step.source);
      } else {
        if (tensor.sourceLayer instanceof tf.LayersModel) this.planNested(tensor.sourceLayer);
        stack.push(...(tensor.inputs ?? []));
      }
    }
  }

  /**
   * Must run inside tf.tidy: what it does not free itself is left to it.
   * Each activation is freed once the last step that reads it has run: a
   * batch of 32 through MobileNetV2 1.0 would otherwise hold every activation
   * of the pass at once (hundreds of MB), and new ones land in memory no cache
   * has seen.
   */
  run(input: tf.Tensor): tf.Tensor {
    const values = new Map<number, tf.Tensor>();
    // Reads left per tensor object (a layer may hand back its input itself, under another id).
    const readsLeft = new Map<tf.Tensor, number>();
    const inputs = this.model.inputs;
    if (inputs.length !== 1 || this.model.outputs.length !== 1) throw new Error('fused inference takes models with one input and one output');
    const remember = (tensor: tf.SymbolicTensor, value: tf.Tensor) => {
      values.set(tensor.id, value);
      readsLeft.set(value, (readsLeft.get(value) ?? 0) + (this.reads.get(tensor.id) ?? 0));
    };
    const release = (args: readonly tf.Tensor[], result: tf.Tensor) => {
      for (const arg of args) {
        const left = (readsLeft.get(arg) ?? 0) - 1;
        readsLeft.set(arg, left);
        if (left <= 0 && arg !== input && arg !== result) arg.dispose();
      }
    };
    remember(inputs[0], input);
    const evaluate = (tensor: tf.SymbolicTensor): tf.Tensor => {
      const known = values.get(tensor.id);
      if (known) return known;
      let value: tf.Tensor;
      const args = this.argumentsOf(tensor).map(evaluate);
      const step = this.steps.get(tensor.id);
      if (step) {
        value = runConv(step, args[0] as tf.Tensor4D);
      } else {
        const layer = tensor.sourceLayer;
        if (args.length === 0) throw new Error(`fused inference: ${layer.name} has no input`);
        const inner = layer instanceof tf.LayersModel ? this.nested.get(layer) : undefined;
        if (inner && args.length === 1) value = inner.run(args[0]);
        else {
          const out = layer.apply(args.length === 1 ? args[0] : args, { training: false }) as tf.Tensor | tf.Tensor[];
          value = Array.isArray(out) ? out[tensor.outputTensorIndex ?? 0] : out;
        }
      }
      remember(tensor, value);
      release(args, value);
      return value;
    };
    // Depth-first recursion is at most the model's depth (~160 layers for MobileNetV2).
    return evaluate(this.model.outputs[0]);
  }
}

let fusedEnabled = true;

/** The bench turns fusion off to time tfjs-layers' own layer-by-layer pass in the same run. */
export function setFusedInference(enabled: boolean): void {
  fusedEnabled = enabled;
}

const plans = new WeakMap<tf.LayersModel, Planner | null>();

function plannerFor(model: tf.LayersModel): Planner | null {
  let planner = plans.get(model);
  if (planner === undefined) {
    try {
      const built = new Planner(model);
      planner = built.summary.fusedConvs > 0 ? built : null;
    } catch {
      // A graph this planner cannot read: model.predict it is.
      planner = null;
    }
    plans.set(model, planner);
  }
  return planner;
}

/** What the plan of `model` fuses; all zero when it runs as model.predict. */
export function fusedPlanSummary(model: tf.LayersModel): FusedPlanSummary {
  return plannerFor(model)?.summary ?? { fusedConvs: 0, foldedBatchNorms: 0, foldedPaddings: 0 };
}

/**
 * model.predict(input) for inference, with fused convs where the model has
 * them. Call inside tf.tidy (intermediates are left to it). Models without a
 * fusable conv (the tutorial CNN, whose convs fuse their ReLU already) run as
 * model.predict.
 */
export function inferenceForward(model: tf.LayersModel, input: tf.Tensor): tf.Tensor {
  const planner = fusedEnabled ? plannerFor(model) : null;
  return planner ? planner.run(input) : (model.predict(input) as tf.Tensor);
}
