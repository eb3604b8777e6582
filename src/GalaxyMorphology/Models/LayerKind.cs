using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>The kind of one entry of a <see cref="ModelSpec.Features"/> layer table.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerKind>))]
public enum LayerKind
{
    /// <summary>A 2-D convolution followed by ReLU (and BatchNorm where the spec asks for it).</summary>
    Convolution,

    /// <summary>A 2-D max-pool; its position among the pools is its stage (1, 2, 3...).</summary>
    MaxPool,
}
