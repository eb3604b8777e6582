using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>The last module of a <see cref="GalaxyNet"/>, applied to the final dense layer's outputs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutputHead>))]
public enum OutputHead
{
    /// <summary>Element-wise sigmoid: each output in (0, 1), as in the notebook.</summary>
    Sigmoid,

    /// <summary>
    /// <see cref="Taxonomy.DecisionTreeNormalization"/>: outputs are always consistent with the Galaxy Zoo decision tree.
    /// Needs exactly 37 outputs.
    /// </summary>
    DecisionTree,

    /// <summary>No activation: raw scores.</summary>
    Linear,
}
