using System.Globalization;
using System.Text;

namespace GalaxyMorphology.Models;

/// <summary>One row of a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">The module's path, such as <c>features.conv1</c>.</param>
/// <param name="Kind">The module type, such as <c>Conv2d</c>.</param>
/// <param name="OutputShape">Its output shape; the batch dimension first (-1 when unspecified).</param>
/// <param name="Parameters">Its weights: trainable parameters plus non-trainable ones (BatchNorm running statistics), as Keras counts them.</param>
public sealed record LayerSummary(string Name, string Kind, long[] OutputShape, long Parameters);

/// <summary>A Keras-style model summary, as data (<see cref="Layers"/>, totals) and as text (<see cref="ToText"/>).</summary>
public sealed class ModelSummary
{
    internal ModelSummary(string variant, IReadOnlyList<LayerSummary> layers, long trainable, long nonTrainable, long[] outputShape)
    {
        Variant = variant;
        Layers = layers;
        TrainableParameters = trainable;
        NonTrainableParameters = nonTrainable;
        OutputShape = outputShape;
    }

    /// <summary>The spec's variant name.</summary>
    public string Variant { get; }

    /// <summary>Every module in forward order.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Parameters the optimizer updates.</summary>
    public long TrainableParameters { get; }

    /// <summary>Frozen parameters plus BatchNorm running means and variances (Keras's "non-trainable params").</summary>
    public long NonTrainableParameters { get; }

    /// <summary>Trainable plus non-trainable.</summary>
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    /// <summary>The network's output shape, such as [-1, 37].</summary>
    public long[] OutputShape { get; }

    /// <summary>The summary as a Keras <c>model.summary()</c> table; -1 dimensions print as None.</summary>
    public string ToText()
    {
        const int nameWidth = 44, shapeWidth = 26;
        var rule = new string('_', nameWidth + shapeWidth + 14);
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Model: \"galaxynet ({Variant})\"");
        b.AppendLine(rule);
        b.AppendLine(CultureInfo.InvariantCulture, $" {"Layer (type)".PadRight(nameWidth)}{"Output Shape".PadRight(shapeWidth)}Param #");
        b.AppendLine(new string('=', rule.Length));
        foreach (var layer in Layers)
            b.AppendLine(CultureInfo.InvariantCulture, $" {$"{layer.Name} ({layer.Kind})".PadRight(nameWidth)}{Shape(layer.OutputShape).PadRight(shapeWidth)}{layer.Parameters:N0}");
        b.AppendLine(new string('=', rule.Length));
        b.AppendLine(CultureInfo.InvariantCulture, $"Total params: {TotalParameters:N0}");
        b.AppendLine(CultureInfo.InvariantCulture, $"Trainable params: {TrainableParameters:N0}");
        b.AppendLine(CultureInfo.InvariantCulture, $"Non-trainable params: {NonTrainableParameters:N0}");
        b.AppendLine(rule);
        return b.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToText();

    private static string Shape(long[] shape) =>
        "(" + string.Join(", ", shape.Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";
}
