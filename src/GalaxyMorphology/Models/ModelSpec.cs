using System.Text.Json;
using System.Text.Json.Serialization;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Models;

/// <summary>
/// Everything that defines a <see cref="GalaxyNet"/>'s architecture, as a serialisable record: a checkpoint stores it
/// and <see cref="ModelBuilder.FromSpec(ModelSpec)"/> rebuilds the same network (same state-dict keys and shapes) from it
/// with no options repeated by the caller. Usually made by <see cref="ModelBuilder"/>; <see cref="Validate"/> checks it.
/// A new spec's defaults are the <see cref="ModelBuilder.Compact"/> network; a custom layer table is an object
/// initialiser away.
/// </summary>
public sealed record ModelSpec
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The layer table this spec started from, lower-case: vanilla, batchnorm, highdropout, deeper or compact.</summary>
    public string Variant { get; init; } = "compact";

    /// <summary>Input height and width in pixels (images are square).</summary>
    public int InputSize { get; init; } = 64;

    /// <summary>Input channels (3 for RGB).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>The feature extractor's layer table: convolutions and max-pools in order (copied, read-only).</summary>
    public IReadOnlyList<LayerSpec> Features
    {
        get => features;
        init => features = value is null ? null! : Array.AsReadOnly(value.ToArray());
    }

    /// <summary>Widths of the hidden dense layers, each followed by ReLU and dropout (copied, read-only).</summary>
    public IReadOnlyList<int> HiddenUnits
    {
        get => hiddenUnits;
        init => hiddenUnits = value is null ? null! : Array.AsReadOnly(value.ToArray());
    }

    private readonly IReadOnlyList<LayerSpec> features = LayerTables.CompactFeatures;
    private readonly IReadOnlyList<int> hiddenUnits = LayerTables.CompactHiddenUnits;

    /// <summary>Dropout rate after each hidden dense layer, in [0, 1).</summary>
    public double Dropout { get; init; } = 0.5;

    /// <summary>Where BatchNorm goes on the convolutions whose <see cref="LayerSpec.BatchNorm"/> is set.</summary>
    public BatchNormPlacement BatchNorm { get; init; } = BatchNormPlacement.AfterRelu;

    /// <summary>Number of outputs (37 Galaxy Zoo vote fractions by default).</summary>
    public int OutputCount { get; init; } = GalaxyZooTaxonomy.OutputCount;

    /// <summary>The output head applied to the last dense layer.</summary>
    public OutputHead Head { get; init; } = OutputHead.Sigmoid;

    /// <summary>
    /// Independent copies of the network in one model (an ensemble; 1 = a single network). In training mode each batch
    /// trains one member in turn, so members learn independently from different batches at the cost of one; in
    /// evaluation mode the prediction is the mean of the members' outputs (still tree-consistent with the DecisionTree head).
    /// </summary>
    public int Members { get; init; } = 1;

    /// <summary>
    /// In evaluation mode, project the outputs onto the decision tree's sum rules and clip them to [0, 1]
    /// (<see cref="TreeProjection"/>): the closest tree-consistent prediction, never farther from the truth. Training
    /// outputs are left alone. Needs the 37 Galaxy Zoo outputs.
    /// </summary>
    public bool ProjectOntoTree { get; init; }

    /// <summary>
    /// Rotated corner views (Dieleman et al. 2015): 0 (off), 4 or 8. With 4, the convolutions run on four
    /// <see cref="ViewSize"/>-pixel corners of the image, each turned by a multiple of 90° so that the galaxy's centre
    /// sits in the same corner of every view, and the classifier sees the views' features joined (<see cref="ViewPooling"/>); 8 adds
    /// the four views of the mirrored image. The convolutions then learn one orientation of every part of a galaxy
    /// instead of four, at the cost of Views × (ViewSize / InputSize)² the convolution work of the plain network.
    /// </summary>
    public int Views { get; init; }

    /// <summary>The side of each rotated view in pixels (at most <see cref="InputSize"/>); 0 when <see cref="Views"/> is 0.</summary>
    public int ViewSize { get; init; }

    /// <summary>How the views' features are joined (ignored when <see cref="Views"/> is 0).</summary>
    public ViewPooling ViewPooling { get; init; }

    /// <summary>
    /// A mixed ensemble: the rotated views of each member, one entry per member, each 0 or <see cref="Views"/>. For
    /// example <c>Members = 2, Views = 4, MemberViews = [0, 4]</c> is the plain network and its 4-view form, whose
    /// errors differ more than two plain copies' do. Null (the default) gives every member <see cref="Views"/>, and
    /// is left out of the JSON, so the specs of other models read and write as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? MemberViews
    {
        get => memberViews;
        init => memberViews = value is null ? null : Array.AsReadOnly(value.ToArray());
    }

    private readonly IReadOnlyList<int>? memberViews;

    /// <summary>
    /// The architecture of ensemble member <paramref name="member"/> as a single network: this spec with one member,
    /// its own views (<see cref="MemberViews"/>) and no tree projection (an ensemble projects the members' mean once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such member.</exception>
    public ModelSpec MemberSpec(int member)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(member, Members);
        var views = MemberViews is { } list ? list[member] : Views;
        return this with
        {
            Members = 1,
            MemberViews = null,
            ProjectOntoTree = false,
            Views = views,
            ViewSize = views > 0 ? ViewSize : 0,
            ViewPooling = views > 0 ? ViewPooling : default,
        };
    }

    /// <summary>How weights are initialised when the model is built.</summary>
    public WeightInitialization Initialization { get; init; } = WeightInitialization.Keras;

    /// <summary>The spec as one line of JSON (camelCase keys, enums as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a spec written by <see cref="ToJson"/> and validates it.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed, is not a spec, or describes an invalid architecture.</exception>
    public static ModelSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is long line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1} ({ex.Path})" : "";
            throw new ArgumentException($"model spec JSON is invalid{where}: {ex.Message}", nameof(json), ex);
        }
        if (spec is null) throw new ArgumentException("model spec JSON is 'null'", nameof(json));
        if (spec.Features is null || spec.HiddenUnits is null || spec.Variant is null)
            throw new ArgumentException("model spec JSON lacks 'variant', 'features' or 'hiddenUnits'", nameof(json));
        try
        {
            spec.Validate();
        }
        catch (ArgumentException ex)
        {
            var reason = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"model spec JSON describes an invalid model: {reason}", nameof(json), ex);
        }
        return spec;
    }

    /// <summary>
    /// Checks every value and walks the feature map through the layer table. An input too small for the stride and
    /// pooling stack is refused with a message naming the layer where the map reaches zero and its size there.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range or the combination cannot be built.</exception>
    public void Validate() => _ = ModelPlan.Create(this);

    /// <summary>Specs are equal when they describe the same architecture (compared through their JSON).</summary>
    public bool Equals(ModelSpec? other) => other is not null && (ReferenceEquals(this, other) || ToJson() == other.ToJson());

    /// <inheritdoc />
    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);
}
