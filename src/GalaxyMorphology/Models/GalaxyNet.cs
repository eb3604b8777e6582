using GalaxyMorphology.Taxonomy;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GalaxyMorphology.Models;

/// <summary>
/// A convolutional network for Galaxy Zoo morphology, built from a <see cref="ModelSpec"/> by <see cref="ModelBuilder"/>:
/// (N, C, S, S) images in, (N, outputs) predictions out. Children are <c>features</c> (<c>conv1</c>, <c>relu1</c>,
/// <c>bn1</c>, <c>pool1</c>...), <c>classifier</c> (<c>flatten</c>, <c>fc1</c>, <c>relu1</c>, <c>dropout1</c>...) and
/// <c>head</c>; these names make the state-dict keys (<c>features.conv1.weight</c>) and never change.
/// </summary>
/// <remarks>
/// With <see cref="ModelSpec.Members"/> above 1 the children are <c>members.0</c>, <c>members.1</c>... (each a complete
/// network with the names above) and a <c>routing</c> buffer that counts training batches, so that a resumed run
/// trains the same member next.
/// </remarks>
public sealed class GalaxyNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential? features;
    private readonly Sequential? classifier;
    private readonly Sequential? head;
    private readonly ModuleList<GalaxyNet>? members;
    private readonly IReadOnlyList<PlannedLayer> plan;

    internal GalaxyNet(ModelSpec spec, IReadOnlyList<PlannedLayer> plan) : base(nameof(GalaxyNet))
    {
        Spec = spec;
        this.plan = plan;
        if (spec.Members > 1)
        {
            // Each member is a complete single network of its own architecture (views may differ); the mean is projected once.
            members = nn.ModuleList(Enumerable.Range(0, spec.Members).Select(k =>
            {
                var single = spec.MemberSpec(k);
                return new GalaxyNet(single, single.Views == spec.Views ? plan : ModelPlan.Create(single));
            }).ToArray());
            RegisterComponents();
            register_buffer(RoutingBuffer, zeros(1, dtype: ScalarType.Int64));
            return;
        }
        features = Section(plan, ModelPlan.Features);
        classifier = Section(plan, ModelPlan.Classifier);
        head = Section(plan, ModelPlan.Head);
        RegisterComponents();
        if (spec.Initialization == WeightInitialization.Keras) InitializeLikeKeras();
    }

    private const string RoutingBuffer = "routing";

    /// <summary>The architecture this network was built from.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The members of an ensemble (<see cref="ModelSpec.Members"/> above 1), in order; empty for a single network.</summary>
    public IReadOnlyList<GalaxyNet> Members => members is null ? [] : [.. members];

    /// <summary>
    /// The number type of the computation in training mode (<see cref="Models.TrainingPrecision"/>); evaluation mode
    /// always computes in float32. <see cref="Models.TrainingPrecision.Auto"/> is resolved on the input's device at each forward pass.
    /// Not part of the model: checkpoints do not store it. Setting it sets every member's.
    /// </summary>
    public TrainingPrecision TrainingPrecision
    {
        get => precision;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "unknown training precision");
            precision = value;
            if (members is not null) foreach (var member in members) member.TrainingPrecision = value;
        }
    }

    private TrainingPrecision precision;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Spec.InputChannels || input.shape[2] != Spec.InputSize || input.shape[3] != Spec.InputSize)
            throw new ArgumentException(
                $"expected a (N, {Spec.InputChannels}, {Spec.InputSize}, {Spec.InputSize}) tensor, got ({string.Join(", ", input.shape)})", nameof(input));
        using var scope = NewDisposeScope();
        // Laid out once here; the members of an ensemble then find it channels-last already (no second copy).
        var x = ChannelsLast(input);
        if (members is not null) return Finish(ForwardEnsemble(x)).MoveToOuterDisposeScope();
        if (training && precision.Resolve(x.device_type) == TrainingPrecision.BFloat16) return head!.forward(ForwardMixed(x)).MoveToOuterDisposeScope();
        x = features!.forward(x);
        x = classifier!.forward(x);
        return Finish(head!.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Features and classifier in bfloat16 on casts of the float32 weights (autocast by hand: TorchSharp has no
    /// autocast); float32 out, for the head and the loss. BatchNorm takes bfloat16 input with its float32 parameters
    /// and statistics (libtorch's mixed-type kernel), the other layers have no weights.
    /// </summary>
    private Tensor ForwardMixed(Tensor input)
    {
        var x = input.to(ScalarType.BFloat16);
        foreach (var layer in features!.children().Concat(classifier!.children()))
        {
            x = layer switch
            {
                Conv2d conv => nn.functional.conv2d(x, conv.weight!.to(ScalarType.BFloat16), conv.bias?.to(ScalarType.BFloat16),
                    conv.stride, conv.padding, conv.dilation, conv.groups),
                Linear linear => nn.functional.linear(x, linear.weight!.to(ScalarType.BFloat16), linear.bias?.to(ScalarType.BFloat16)),
                nn.Module<Tensor, Tensor> other => other.forward(x),
                _ => throw new InvalidOperationException($"layer {layer.GetName()} of {Spec.Variant} cannot run in bfloat16"),
            };
        }
        return x.to(ScalarType.Float32);
    }

    /// <summary>
    /// The same values laid out channels-last (NHWC strides, still indexed N, C, H, W) on the CPU, where oneDNN's
    /// convolutions then skip their layout conversions: a training step takes 16–39% less time (39% for the <c>cpu</c>
    /// recipe's network; docs/models.md). Costs one copy of the input, none when it is channels-last already; other
    /// devices get the input unchanged.
    /// </summary>
    internal static Tensor ChannelsLast(Tensor input) =>
        input.device_type == DeviceType.CPU ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : input;

    /// <summary>The tree projection, in evaluation mode only, when the spec asks for it.</summary>
    private Tensor Finish(Tensor output)
    {
        if (training || !Spec.ProjectOntoTree) return output;
        using (output) return TreeProjection.Project(output);
    }

    private Tensor ForwardEnsemble(Tensor input)
    {
        if (training)
        {
            // One member per training batch, in turn: each learns from its own batches, as K separate runs would.
            long step;
            using (no_grad())
            {
                var routing = get_buffer(RoutingBuffer)!;
                step = routing.item<long>();
                routing.add_(1);
            }
            return members![(int)(step % members.Count)].forward(input);
        }
        using var scope = NewDisposeScope();
        var sum = members![0].forward(input);
        for (var k = 1; k < members.Count; k++) sum = sum + members[k].forward(input);
        return (sum / members.Count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A Keras-style summary: every module with its output shape and parameter count, and the totals. Computed from
    /// the spec and the live parameters, without a forward pass.
    /// </summary>
    /// <param name="batchSize">The batch dimension shown in output shapes; -1 (Keras's None) by default.</param>
    public ModelSummary Summary(long batchSize = -1)
    {
        if (members is not null)
        {
            var parts = members.Select(m => m.Summary(batchSize)).ToList();
            var all = parts.SelectMany((p, k) => p.Layers.Select(l => l with { Name = $"members.{k}.{l.Name}" })).ToList();
            return new ModelSummary(Spec.Variant, all, parts.Sum(p => p.TrainableParameters), parts.Sum(p => p.NonTrainableParameters), parts[0].OutputShape);
        }
        var counts = plan.ToDictionary(l => l.FullName, _ => (trainable: 0L, frozen: 0L), StringComparer.Ordinal);
        foreach (var (name, parameter) in named_parameters())
        {
            var owner = name[..name.LastIndexOf('.')];
            var c = counts[owner];
            counts[owner] = parameter.requires_grad ? (c.trainable + parameter.numel(), c.frozen) : (c.trainable, c.frozen + parameter.numel());
        }
        foreach (var (name, buffer) in named_buffers())
        {
            // Keras counts BatchNorm's moving mean and variance as non-trainable weights; the step counter is bookkeeping.
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            var owner = name[..name.LastIndexOf('.')];
            var c = counts[owner];
            counts[owner] = (c.trainable, c.frozen + buffer.numel());
        }
        // With rotated views the features see Views images per galaxy.
        long Batch(PlannedLayer l) => Spec.Views > 0 && batchSize > 0 && l.Section == ModelPlan.Features ? batchSize * Spec.Views : batchSize;
        var layers = plan.Select(l => new LayerSummary(l.FullName, l.Kind, [Batch(l), .. l.OutputShape], counts[l.FullName].trainable + counts[l.FullName].frozen)).ToList();
        return new ModelSummary(Spec.Variant, layers, counts.Values.Sum(c => c.trainable), counts.Values.Sum(c => c.frozen), [batchSize, .. plan[^1].OutputShape]);
    }

    private static Sequential Section(IReadOnlyList<PlannedLayer> plan, string section) =>
        nn.Sequential(plan.Where(l => l.Section == section).Select(l => (l.Name, (nn.Module<Tensor, Tensor>)l.Create())).ToArray());

    private void InitializeLikeKeras()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.xavier_uniform_(conv.weight);
                    if (conv.bias is not null) nn.init.zeros_(conv.bias);
                    break;
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
            }
        }
    }
}
