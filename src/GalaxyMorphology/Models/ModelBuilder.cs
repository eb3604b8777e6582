using GalaxyMorphology.Platform;
using static TorchSharp.torch;
using TorchSharp;

namespace GalaxyMorphology.Models;

/// <summary>
/// Builds a <see cref="GalaxyNet"/>: start from a variant's layer table (<see cref="AlexNet"/>, <see cref="Compact"/>)
/// or a saved <see cref="ModelSpec"/>, adjust it with the <c>With...</c> knobs (the notebook's experiments), then
/// <see cref="Build"/>. Each knob checks its own argument at once; <see cref="Build"/> checks the combination. A builder
/// is single-use.
/// </summary>
/// <example><code>
/// var net = ModelBuilder.AlexNet(AlexNetVariant.BatchNorm).WithInputSize(224).WithDropout(0.5)
///     .WithOutputHead(OutputHead.DecisionTree).Build(device);
/// </code></example>
public sealed class ModelBuilder
{
    private ModelSpec spec;
    private bool built;

    private ModelBuilder(ModelSpec spec) => this.spec = spec;

    /// <summary>One of the notebook's AlexNet variants at 224 px (see <see cref="AlexNetVariant"/>).</summary>
    /// <param name="variant">The variant.</param>
    public static ModelBuilder AlexNet(AlexNetVariant variant) => new(LayerTables.AlexNet(variant));

    /// <summary>
    /// A small network for CPUs and small data at 64 px, in the spirit of the Kaggle winner's: Conv 32 k6, pool;
    /// Conv 64 k5, pool; Conv 128 k3; Conv 128 k3, pool; Dense 2048, dropout 0.5; 37 outputs; BatchNorm after ReLU.
    /// </summary>
    public static ModelBuilder Compact() => new(LayerTables.Compact());

    /// <summary>Starts from a saved spec, such as a checkpoint's, to rebuild the same architecture.</summary>
    /// <param name="spec">The spec.</param>
    public static ModelBuilder FromSpec(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec);
    }

    /// <summary>The spec as configured so far, validated (the snapshot <see cref="Build"/> would use).</summary>
    /// <exception cref="ArgumentException">The combination is invalid.</exception>
    public ModelSpec Spec
    {
        get
        {
            spec.Validate();
            return spec;
        }
    }

    /// <summary>
    /// Sets the square input size in pixels. Rotated views keep their share of the image (a 40 px view of 64 px
    /// becomes 20 px of 32).
    /// </summary>
    /// <param name="size">Height and width, at least 1.</param>
    public ModelBuilder WithInputSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var viewSize = spec.Views > 0 && spec.ViewSize > 0 && size != spec.InputSize
            ? Math.Max(1, (int)Math.Round((double)spec.ViewSize * size / spec.InputSize))
            : spec.ViewSize;
        return Set(spec with { InputSize = size, ViewSize = viewSize });
    }

    /// <summary>Sets the first convolution's stride.</summary>
    /// <param name="stride">The stride, at least 1.</param>
    public ModelBuilder WithConv1Stride(int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var features = spec.Features.ToArray();
        var first = Array.FindIndex(features, r => r.Kind == LayerKind.Convolution);
        if (first < 0) throw new InvalidOperationException($"model '{spec.Variant}' has no convolution");
        features[first] = features[first] with { Stride = stride };
        return Set(spec with { Features = features });
    }

    /// <summary>Turns one max-pooling stage on or off.</summary>
    /// <param name="stage">The pool's position among the pools, from 1.</param>
    /// <param name="enabled">Whether the stage pools.</param>
    public ModelBuilder WithMaxPooling(int stage, bool enabled)
    {
        var features = spec.Features.ToArray();
        var pools = Enumerable.Range(0, features.Length).Where(i => features[i].Kind == LayerKind.MaxPool).ToArray();
        if (stage < 1 || stage > pools.Length)
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"model '{spec.Variant}' has max-pooling stages 1 to {pools.Length}");
        features[pools[stage - 1]] = features[pools[stage - 1]] with { Enabled = enabled };
        return Set(spec with { Features = features });
    }

    /// <summary>Sets the dropout rate after each hidden dense layer.</summary>
    /// <param name="rate">A rate in [0, 1).</param>
    public ModelBuilder WithDropout(double rate)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "dropout must be in [0, 1)");
        return Set(spec with { Dropout = rate });
    }

    /// <summary>
    /// Sets where BatchNorm goes. It applies to the convolutions the variant's table marks for BatchNorm: all of them,
    /// except conv3 and conv4 in <see cref="AlexNetVariant.HighDropout"/>.
    /// </summary>
    /// <param name="placement">After ReLU, before ReLU, or none.</param>
    public ModelBuilder WithBatchNorm(BatchNormPlacement placement)
    {
        if (!Enum.IsDefined(placement)) throw new ArgumentOutOfRangeException(nameof(placement), placement, "unknown BatchNorm placement");
        return Set(spec with { BatchNorm = placement });
    }

    /// <summary>Sets the number of outputs (37 by default; the DecisionTree head needs 37).</summary>
    /// <param name="count">At least 1.</param>
    public ModelBuilder WithOutputs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Set(spec with { OutputCount = count });
    }

    /// <summary>Sets the output head.</summary>
    /// <param name="head">Sigmoid (default), DecisionTree or Linear.</param>
    public ModelBuilder WithOutputHead(OutputHead head)
    {
        if (!Enum.IsDefined(head)) throw new ArgumentOutOfRangeException(nameof(head), head, "unknown output head");
        return Set(spec with { Head = head });
    }

    /// <summary>Projects evaluation outputs onto the decision tree's rules (see <see cref="ModelSpec.ProjectOntoTree"/>).</summary>
    public ModelBuilder WithTreeProjection(bool enabled = true) => Set(spec with { ProjectOntoTree = enabled });

    /// <summary>Sets the weight initialisation.</summary>
    /// <param name="initialization">Keras (default) or PyTorch.</param>
    public ModelBuilder WithInitialization(WeightInitialization initialization)
    {
        if (!Enum.IsDefined(initialization)) throw new ArgumentOutOfRangeException(nameof(initialization), initialization, "unknown weight initialization");
        return Set(spec with { Initialization = initialization });
    }

    /// <summary>
    /// Runs the convolutions on rotated corner views of the image (see <see cref="ModelSpec.Views"/>); 0 turns them off.
    /// </summary>
    /// <param name="views">0, 4 or 8.</param>
    /// <param name="size">
    /// The side of each view, between 1 and the input size; by default 5/8 of the input size (40 of 64 px, about
    /// Dieleman's 45 of 69). Ignored when <paramref name="views"/> is 0.
    /// </param>
    /// <param name="pooling">How the views' features are joined (ignored when <paramref name="views"/> is 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is not 0, 4 or 8, the size is below 1, or the pooling is unknown.</exception>
    public ModelBuilder WithRotatedViews(int views, int? size = null, ViewPooling pooling = ViewPooling.Concatenate)
    {
        if (views is not (0 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(views), views, "rotated views must be 0 (off), 4 or 8");
        if (views > 0 && size is int given) ArgumentOutOfRangeException.ThrowIfLessThan(given, 1, nameof(size));
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown view pooling");
        return Set(views > 0
            ? spec with { Views = views, ViewSize = size ?? Math.Max(1, spec.InputSize * 5 / 8), ViewPooling = pooling, MemberViews = null }
            : spec with { Views = 0, ViewSize = 0, ViewPooling = default, MemberViews = null });
    }

    /// <summary>
    /// Makes the model an ensemble of <paramref name="count"/> independent members (see <see cref="ModelSpec.Members"/>).
    /// A mixed ensemble (<see cref="WithMemberViews"/>) keeps its pattern, repeated or cut to the new count: [0, 4]
    /// becomes [0] (the plain network alone) for 1 member and [0, 4, 0] for 3.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not between 1 and 32.</exception>
    public ModelBuilder WithMembers(int count)
    {
        if (count is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(count), count, "ensemble members must be between 1 and 32");
        if (spec.MemberViews is not { } pattern || count == spec.Members) return Set(spec with { Members = count });
        var views = Enumerable.Range(0, count).Select(k => pattern[k % pattern.Count]).ToArray();
        if (views.Distinct().Count() > 1) return Set(spec with { Members = count, MemberViews = views });
        // Every member alike again (one network, or copies of it): member 0's architecture, as many times as asked.
        return Set(spec.MemberSpec(0) with { Members = count, ProjectOntoTree = spec.ProjectOntoTree });
    }

    /// <summary>
    /// Makes the model a mixed ensemble with one member per entry, each running on the whole image (0) or on
    /// <paramref name="views"/>-style rotated views (see <see cref="ModelSpec.MemberViews"/>): <c>WithMemberViews(0, 4)</c>
    /// is the plain network and its 4-view form, averaged. The views' size and pooling are the spec's, or 5/8 of the
    /// input and <see cref="ViewPooling.Mean"/> when the spec has no views yet.
    /// </summary>
    /// <param name="views">One entry per member (1 to 32), each 0, 4 or 8; the non-zero entries must agree.</param>
    /// <exception cref="ArgumentException">The entries are not 0, 4 or 8, or two non-zero entries differ.</exception>
    public ModelBuilder WithMemberViews(params int[] views)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Length is < 1 or > 32) throw new ArgumentException($"member views need 1 to 32 entries, got {views.Length}", nameof(views));
        if (views.Any(v => v is not (0 or 4 or 8))) throw new ArgumentException($"member views [{string.Join(", ", views)}] must each be 0, 4 or 8", nameof(views));
        var used = views.Where(v => v > 0).Distinct().ToArray();
        if (used.Length > 1) throw new ArgumentException($"member views [{string.Join(", ", views)}] mix {string.Join(" and ", used)} views; use one view count", nameof(views));
        var withViews = used.Length == 0 ? spec with { Views = 0, ViewSize = 0, ViewPooling = default }
            : spec.Views == used[0] ? spec
            : spec with { Views = used[0], ViewSize = spec.ViewSize > 0 ? spec.ViewSize : Math.Max(1, spec.InputSize * 5 / 8), ViewPooling = spec.Views > 0 ? spec.ViewPooling : ViewPooling.Mean };
        return Set(views.Distinct().Count() == 1 ? withViews with { Members = views.Length, MemberViews = null }
            : withViews with { Members = views.Length, MemberViews = views });
    }

    /// <summary>Validates the spec and builds the network, on <paramref name="device"/> if given (CPU otherwise).</summary>
    /// <param name="device">Where to put the parameters.</param>
    /// <exception cref="ArgumentException">The combination is invalid; the message names the bad value or the layer where the feature map vanishes.</exception>
    /// <exception cref="InvalidOperationException">The builder was used already.</exception>
    /// <exception cref="TorchRuntimeException">TorchSharp's native runtime cannot be loaded; the message says what is missing.</exception>
    public GalaxyNet Build(Device? device = null)
    {
        EnsureUnused();
        TorchRuntime.EnsureLoaded(); // a clear error when the native runtime is missing, and NnpackGuard before any convolution
        var plan = ModelPlan.Create(spec);
        built = true;
        var net = new GalaxyNet(spec, plan);
        if (device is not null) net.to(device);
        return net;
    }

    private ModelBuilder Set(ModelSpec next)
    {
        EnsureUnused();
        spec = next;
        return this;
    }

    private void EnsureUnused()
    {
        if (built) throw new InvalidOperationException("this ModelBuilder has built its model already; start a new one (builders are single-use)");
    }
}
