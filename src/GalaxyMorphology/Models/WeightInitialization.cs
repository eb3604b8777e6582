using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>How convolution and dense weights are initialised.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightInitialization>))]
public enum WeightInitialization
{
    /// <summary>Keras defaults, as in the notebook: Glorot-uniform kernels and zero biases.</summary>
    Keras,

    /// <summary>PyTorch defaults: Kaiming-uniform (a = √5) kernels and uniform biases.</summary>
    PyTorch,
}
