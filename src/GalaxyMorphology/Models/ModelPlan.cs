using GalaxyMorphology.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Models;

/// <summary>One module of a planned network: where it goes, what it is, the shape it outputs (without the batch), how to make it.</summary>
internal sealed record PlannedLayer(string Section, string Name, string Kind, long[] OutputShape, Func<nn.Module<Tensor, Tensor>> Create)
{
    public string FullName => $"{Section}.{Name}";
}

/// <summary>
/// The one interpreter of a <see cref="ModelSpec"/> (torchvision's <c>make_layers</c>): validates it and lists the
/// modules of the features, classifier and head sections with their output shapes, so the network, its summary and
/// the validation can never disagree.
/// </summary>
internal static class ModelPlan
{
    public const string Features = "features";
    public const string Classifier = "classifier";
    public const string Head = "head";

    public static IReadOnlyList<PlannedLayer> Create(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckScalars(spec);

        var layers = new List<PlannedLayer>();
        long channels = spec.InputChannels, size = spec.InputSize;
        if (spec.Views > 0)
        {
            int views = spec.Views, viewSize = spec.ViewSize;
            size = viewSize;
            layers.Add(new(Features, "views", "RotatedViews", [channels, size, size], () => new RotatedViews(views, viewSize)));
        }
        int conv = 0, pool = 0;
        foreach (var row in spec.Features)
        {
            if (row is null) throw new ArgumentException("the layer table has a null row", nameof(spec));
            if (row.Kind == LayerKind.Convolution)
            {
                conv++;
                var name = $"conv{conv}";
                CheckRow(row, $"{Features}.{name}", needsChannels: true);
                var outSize = OutputSize(spec, $"{Features}.{name}", size, row.Kernel, row.Stride, row.Padding);
                long inChannels = channels, outChannels = row.Channels;
                var r = row;
                layers.Add(new(Features, name, "Conv2d", [outChannels, outSize, outSize],
                    () => nn.Conv2d(inChannels, outChannels, r.Kernel, stride: r.Stride, padding: r.Padding)));
                var batchNorm = row.BatchNorm ? spec.BatchNorm : BatchNormPlacement.None;
                if (batchNorm == BatchNormPlacement.BeforeRelu)
                    layers.Add(new(Features, $"bn{conv}", "BatchNorm2d", [outChannels, outSize, outSize], () => nn.BatchNorm2d(outChannels)));
                layers.Add(new(Features, $"relu{conv}", "ReLU", [outChannels, outSize, outSize], () => nn.ReLU()));
                if (batchNorm == BatchNormPlacement.AfterRelu)
                    layers.Add(new(Features, $"bn{conv}", "BatchNorm2d", [outChannels, outSize, outSize], () => nn.BatchNorm2d(outChannels)));
                channels = outChannels;
                size = outSize;
            }
            else if (row.Kind == LayerKind.MaxPool)
            {
                pool++;
                var name = $"pool{pool}";
                CheckRow(row, $"{Features}.{name}", needsChannels: false);
                if (!row.Enabled) continue;
                var outSize = OutputSize(spec, $"{Features}.{name}", size, row.Kernel, row.Stride, 0);
                var r = row;
                layers.Add(new(Features, name, "MaxPool2d", [channels, outSize, outSize], () => nn.MaxPool2d(r.Kernel, r.Stride)));
                size = outSize;
            }
            else
            {
                throw new ArgumentException($"layer table row {conv + pool + 1} has unknown kind '{row.Kind}'", nameof(spec));
            }
        }
        if (conv == 0) throw new ArgumentException($"model spec '{spec.Variant}' has no convolution in its layer table", nameof(spec));

        long features = channels * size * size;
        if (spec.Views > 0)
        {
            var (views, pooling) = (spec.Views, spec.ViewPooling);
            if (pooling == ViewPooling.Concatenate) features *= views;
            layers.Add(new(Classifier, "flatten", $"ViewJoin({pooling})", [features], () => new ViewJoin(views, pooling)));
        }
        else
        {
            layers.Add(new(Classifier, "flatten", "Flatten", [features], () => nn.Flatten()));
        }
        var fc = 0;
        foreach (var units in spec.HiddenUnits)
        {
            fc++;
            if (units < 1) throw new ArgumentException($"{Classifier}.fc{fc} has {units} units; it needs at least 1", nameof(spec));
            long inFeatures = features, outFeatures = units;
            layers.Add(new(Classifier, $"fc{fc}", "Linear", [outFeatures], () => nn.Linear(inFeatures, outFeatures)));
            layers.Add(new(Classifier, $"relu{fc}", "ReLU", [outFeatures], () => nn.ReLU()));
            var rate = spec.Dropout;
            layers.Add(new(Classifier, $"dropout{fc}", "Dropout", [outFeatures], () => nn.Dropout(rate)));
            features = outFeatures;
        }
        fc++;
        long lastIn = features, outputs = spec.OutputCount;
        layers.Add(new(Classifier, $"fc{fc}", "Linear", [outputs], () => nn.Linear(lastIn, outputs)));
        layers.Add(spec.Head switch
        {
            OutputHead.Sigmoid => new(Head, "sigmoid", "Sigmoid", [outputs], () => nn.Sigmoid()),
            OutputHead.DecisionTree => new(Head, "tree", "DecisionTreeNormalization", [outputs], () => new DecisionTreeNormalization()),
            _ => new(Head, "identity", "Identity", [outputs], () => nn.Identity()),
        });
        return layers;
    }

    private static void CheckScalars(ModelSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Variant)) throw new ArgumentException("model spec has no variant name", nameof(spec));
        if (spec.InputSize < 1) throw new ArgumentException($"input size {spec.InputSize} must be at least 1", nameof(spec));
        if (spec.InputChannels < 1) throw new ArgumentException($"input channels {spec.InputChannels} must be at least 1", nameof(spec));
        if (spec.OutputCount < 1) throw new ArgumentException($"output count {spec.OutputCount} must be at least 1", nameof(spec));
        if (spec.Members is < 1 or > 32) throw new ArgumentException($"ensemble members {spec.Members} must be between 1 and 32", nameof(spec));
        if (!(spec.Dropout >= 0 && spec.Dropout < 1)) throw new ArgumentException($"dropout {spec.Dropout} must be in [0, 1)", nameof(spec));
        if (!Enum.IsDefined(spec.BatchNorm)) throw new ArgumentException($"unknown BatchNorm placement '{spec.BatchNorm}'", nameof(spec));
        if (!Enum.IsDefined(spec.Head)) throw new ArgumentException($"unknown output head '{spec.Head}'", nameof(spec));
        if (!Enum.IsDefined(spec.Initialization)) throw new ArgumentException($"unknown weight initialization '{spec.Initialization}'", nameof(spec));
        if (spec.ProjectOntoTree && spec.OutputCount != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"the tree projection needs {GalaxyZooTaxonomy.OutputCount} outputs, not {spec.OutputCount}", nameof(spec));
        if (spec.Head == OutputHead.DecisionTree && spec.OutputCount != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"the DecisionTree head needs {GalaxyZooTaxonomy.OutputCount} outputs, not {spec.OutputCount}", nameof(spec));
        if (spec.Features is null || spec.HiddenUnits is null) throw new ArgumentException("model spec has no layer table", nameof(spec));
        if (spec.Views is not (0 or 4 or 8)) throw new ArgumentException($"rotated views {spec.Views} must be 0 (off), 4 or 8", nameof(spec));
        if (!Enum.IsDefined(spec.ViewPooling)) throw new ArgumentException($"unknown view pooling '{spec.ViewPooling}'", nameof(spec));
        if (spec.Views == 0 && spec.ViewSize != 0)
            throw new ArgumentException($"view size {spec.ViewSize} is set but rotated views are off; set views to 4 or 8, or the view size to 0", nameof(spec));
        if (spec.Views == 0 && spec.ViewPooling != default)
            throw new ArgumentException($"view pooling {spec.ViewPooling} is set but rotated views are off; set views to 4 or 8, or leave the pooling at {default(ViewPooling)}", nameof(spec));
        if (spec.Views > 0 && (spec.ViewSize < 1 || spec.ViewSize > spec.InputSize))
            throw new ArgumentException($"view size {spec.ViewSize} must be between 1 and the input size {spec.InputSize}", nameof(spec));
        if (spec.MemberViews is { } memberViews)
        {
            if (memberViews.Count != spec.Members)
                throw new ArgumentException($"member views [{string.Join(", ", memberViews)}] need one entry per member ({spec.Members})", nameof(spec));
            if (memberViews.Any(v => v != 0 && v != spec.Views))
                throw new ArgumentException($"member views [{string.Join(", ", memberViews)}] must each be 0 or the spec's views ({spec.Views})", nameof(spec));
        }
    }

    private static void CheckRow(LayerSpec row, string name, bool needsChannels)
    {
        if (needsChannels && row.Channels < 1) throw new ArgumentException($"{name} has {row.Channels} channels; it needs at least 1", "spec");
        if (row.Kernel < 1) throw new ArgumentException($"{name} has kernel size {row.Kernel}; it needs at least 1", "spec");
        if (row.Stride < 1) throw new ArgumentException($"{name} has stride {row.Stride}; it needs at least 1", "spec");
        if (row.Padding < 0) throw new ArgumentException($"{name} has padding {row.Padding}; it cannot be negative", "spec");
    }

    private static long OutputSize(ModelSpec spec, string name, long size, int kernel, int stride, int padding)
    {
        var padded = size + 2L * padding;
        if (padded < kernel)
            throw new ArgumentException(
                $"{(spec.Views > 0 ? $"view size {spec.ViewSize}" : $"input size {spec.InputSize}")} is too small for model '{spec.Variant}': the feature map is {size}×{size} at {name} " +
                $"(kernel {kernel}, stride {stride}, padding {padding}), which reduces it to 0×0; use a larger input or view, a smaller conv1 stride or fewer max-pooling stages",
                "spec");
        return (padded - kernel) / stride + 1;
    }
}
