using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>The AlexNet variants of the notebook; each is one layer table (see <see cref="ModelBuilder.AlexNet"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlexNetVariant>))]
public enum AlexNetVariant
{
    /// <summary>The notebook's AlexNet: five 'valid' convolutions, three max-pools, Dense 4096 ×2 with dropout 0.5 (21,732,773 trainable parameters at 224 px).</summary>
    Vanilla,

    /// <summary>Vanilla with BatchNorm after the ReLU of every convolution (21,735,525 trainable parameters).</summary>
    BatchNorm,

    /// <summary>Dropout 0.7 and BatchNorm after conv1, conv2 and conv5 only (21,733,989 trainable parameters).</summary>
    HighDropout,

    /// <summary>BatchNorm with two extra 3×3 'same' convolutions at 384 channels before the last convolution (24,392,037 trainable parameters).</summary>
    Deeper,
}
