using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>Where BatchNorm sits relative to a convolution's ReLU.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BatchNormPlacement>))]
public enum BatchNormPlacement
{
    /// <summary>No BatchNorm.</summary>
    None,

    /// <summary>conv → ReLU → BatchNorm: the notebook found this better than the usual order.</summary>
    AfterRelu,

    /// <summary>conv → BatchNorm → ReLU: the usual order.</summary>
    BeforeRelu,
}
