import * as tf from '@tensorflow/tfjs';

/** The attributes tfjs' Conv2D kernels and both their gradients share. */
export interface ConvKernelAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  /** Conv2D alone has them; its gradients' kernels are for dilation 1. */
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Shape4 = [number, number, number, number];

/** tfjs' own description of a convolution (output shape, padding, strides), from a kernel's inputs and attributes. */
export function convInfoOf(xShape: readonly number[], filterShape: readonly number[], attrs: ConvKernelAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    [...xShape] as Shape4,
    [...filterShape] as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}
