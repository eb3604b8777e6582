namespace GalaxyMorphology.Models;

/// <summary>
/// One row of a feature-extractor layer table, the way torchvision's <c>vgg.py</c> configurations list layers:
/// a convolution (with its ReLU and optional BatchNorm) or a max-pool.
/// </summary>
public sealed record LayerSpec
{
    /// <summary>Convolution or max-pool.</summary>
    public LayerKind Kind { get; init; }

    /// <summary>Output channels of a convolution (0 for a pool).</summary>
    public int Channels { get; init; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; init; }

    /// <summary>Stride.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Zero padding on each side: 0 is Keras 'valid', <c>Kernel / 2</c> with stride 1 is 'same'.</summary>
    public int Padding { get; init; }

    /// <summary>For a convolution: whether it gets a BatchNorm when <see cref="ModelSpec.BatchNorm"/> is not <see cref="BatchNormPlacement.None"/>.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>For a max-pool: whether it is applied (the notebook turned pooling stages off as an experiment).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A convolution row.</summary>
    /// <param name="channels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side (0 = 'valid').</param>
    /// <param name="batchNorm">Whether the convolution gets a BatchNorm when the spec's placement is not None.</param>
    public static LayerSpec Conv(int channels, int kernel, int stride = 1, int padding = 0, bool batchNorm = true) =>
        new() { Kind = LayerKind.Convolution, Channels = channels, Kernel = kernel, Stride = stride, Padding = padding, BatchNorm = batchNorm };

    /// <summary>A max-pool row.</summary>
    /// <param name="kernel">Square window size.</param>
    /// <param name="stride">Stride.</param>
    public static LayerSpec MaxPool(int kernel, int stride) => new() { Kind = LayerKind.MaxPool, Kernel = kernel, Stride = stride };
}
