namespace GalaxyMorphology.Models;

/// <summary>
/// The layer tables of the built-in variants, in the manner of torchvision's <c>vgg.py</c> <c>cfgs</c>: data, read by
/// one interpreter (<see cref="ModelPlan"/>). Sizes in comments are for the default input size.
/// </summary>
internal static class LayerTables
{
    /// <summary>The notebook's AlexNet at 224 px, Keras 'valid' padding throughout.</summary>
    private static readonly LayerSpec[] AlexNetFeatures =
    [
        LayerSpec.Conv(96, 11, stride: 4),  // 54
        LayerSpec.MaxPool(3, 2),            // 26
        LayerSpec.Conv(256, 5),             // 22
        LayerSpec.MaxPool(3, 2),            // 10
        LayerSpec.Conv(384, 3),             // 8
        LayerSpec.Conv(384, 3),             // 6
        LayerSpec.Conv(256, 3),             // 4
        LayerSpec.MaxPool(3, 2),            // 1 → 256 features
    ];

    /// <summary>The notebook's high-dropout model keeps BatchNorm on conv1, conv2 and conv5 only.</summary>
    private static readonly LayerSpec[] HighDropoutFeatures =
    [
        LayerSpec.Conv(96, 11, stride: 4),
        LayerSpec.MaxPool(3, 2),
        LayerSpec.Conv(256, 5),
        LayerSpec.MaxPool(3, 2),
        LayerSpec.Conv(384, 3, batchNorm: false),
        LayerSpec.Conv(384, 3, batchNorm: false),
        LayerSpec.Conv(256, 3),
        LayerSpec.MaxPool(3, 2),
    ];

    /// <summary>
    /// AlexNet with two extra 3×3 'same' convolutions at 384 channels after conv4: more depth at the same spatial
    /// sizes, so the classifier (and the 256-feature flatten) is unchanged.
    /// </summary>
    private static readonly LayerSpec[] DeeperFeatures =
    [
        LayerSpec.Conv(96, 11, stride: 4),
        LayerSpec.MaxPool(3, 2),
        LayerSpec.Conv(256, 5),
        LayerSpec.MaxPool(3, 2),
        LayerSpec.Conv(384, 3),
        LayerSpec.Conv(384, 3),
        LayerSpec.Conv(384, 3, padding: 1),
        LayerSpec.Conv(384, 3, padding: 1),
        LayerSpec.Conv(256, 3),
        LayerSpec.MaxPool(3, 2),
    ];

    /// <summary>After the Kaggle winner's network (Dieleman et al. 2015) for small crops; at 64 px it flattens to 128×4×4 = 2048.</summary>
    public static readonly IReadOnlyList<LayerSpec> CompactFeatures = Array.AsReadOnly<LayerSpec>(
    [
        LayerSpec.Conv(32, 6),    // 59
        LayerSpec.MaxPool(2, 2),  // 29
        LayerSpec.Conv(64, 5),    // 25
        LayerSpec.MaxPool(2, 2),  // 12
        LayerSpec.Conv(128, 3),   // 10
        LayerSpec.Conv(128, 3),   // 8
        LayerSpec.MaxPool(2, 2),  // 4
    ]);

    public static readonly IReadOnlyList<int> CompactHiddenUnits = Array.AsReadOnly([2048]);

    public static ModelSpec AlexNet(AlexNetVariant variant) => variant switch
    {
        AlexNetVariant.Vanilla => AlexNetSpec("vanilla", AlexNetFeatures, BatchNormPlacement.None, 0.5),
        AlexNetVariant.BatchNorm => AlexNetSpec("batchnorm", AlexNetFeatures, BatchNormPlacement.AfterRelu, 0.5),
        AlexNetVariant.HighDropout => AlexNetSpec("highdropout", HighDropoutFeatures, BatchNormPlacement.AfterRelu, 0.7),
        AlexNetVariant.Deeper => AlexNetSpec("deeper", DeeperFeatures, BatchNormPlacement.AfterRelu, 0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, $"unknown AlexNet variant '{variant}'"),
    };

    /// <summary>A new <see cref="ModelSpec"/>'s defaults are the compact network.</summary>
    public static ModelSpec Compact() => new();

    private static ModelSpec AlexNetSpec(string name, LayerSpec[] features, BatchNormPlacement batchNorm, double dropout) => new()
    {
        Variant = name,
        InputSize = 224,
        Features = features,
        HiddenUnits = [4096, 4096],
        Dropout = dropout,
        BatchNorm = batchNorm,
    };
}
