import * as tf from '@tensorflow/tfjs';

interface SpatialDropout2DConfig {
  rate: number;
  name?: string;
}

/**
 * Drops whole feature maps (PyTorch's Dropout2d, Keras' SpatialDropout2D):
 * the mask has shape [batch, 1, 1, channels], so neighbouring pixels of one
 * channel, which are strongly correlated, are dropped together.
 * tfjs-layers only ships the 1-D variant.
 */
export class SpatialDropout2D extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2D';
  readonly rate: number;

  constructor(config: SpatialDropout2DConfig) {
    super(config);
    this.rate = config.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [batch, h, w, c]
      if (!kwargs.training || this.rate === 0) return x.clone();
      const [batch, , , channels] = x.shape;
      return tf.dropout(x, this.rate, [batch, 1, 1, channels]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

tf.serialization.registerClass(SpatialDropout2D);
