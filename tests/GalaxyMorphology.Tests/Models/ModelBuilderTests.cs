using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Models;

[Collection(SerialCollection.Name)]
public sealed class ModelBuilderTests
{
    // The smallest input the AlexNet stack accepts: conv1 47, pool1 23, conv2 19, pool2 9, conv3-5 7/5/3, pool3 1.
    public const int SmallAlexNetSize = 195;

    public static TheoryData<AlexNetVariant, long> ExactCounts => new()
    {
        { AlexNetVariant.Vanilla, 21_732_773 },
        { AlexNetVariant.BatchNorm, 21_735_525 },
        { AlexNetVariant.HighDropout, 21_733_989 },
        { AlexNetVariant.Deeper, 24_392_037 },
    };

    [Theory]
    [MemberData(nameof(ExactCounts))]
    public void AlexNet_variants_have_the_notebooks_exact_trainable_parameter_counts(AlexNetVariant variant, long expected)
    {
        using var net = ModelBuilder.AlexNet(variant).Build();
        var summary = net.Summary();
        summary.TrainableParameters.Should().Be(expected);
        net.parameters().Sum(p => p.numel()).Should().Be(expected);
        summary.OutputShape.Should().Equal(-1, 37);
        summary.Layers.Single(l => l.Name == "classifier.flatten").OutputShape.Should().Equal(-1, 256);
        // BatchNorm running statistics are buffers: non-trainable, two per channel, as Keras counts them.
        var bnChannels = net.named_buffers().Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal)).Sum(b => b.buffer.numel());
        summary.NonTrainableParameters.Should().Be(2 * bnChannels);
    }

    [Fact]
    public void Variants_differ_only_where_the_notebook_says()
    {
        static string[] Names(AlexNetVariant v) => ModelBuilder.AlexNet(v).Spec is var s ? Plan(s) : [];
        Names(AlexNetVariant.Vanilla).Should().NotContain(n => n.Contains("bn", StringComparison.Ordinal));
        Names(AlexNetVariant.BatchNorm).Where(n => n.StartsWith("features.bn", StringComparison.Ordinal))
            .Should().Equal("features.bn1", "features.bn2", "features.bn3", "features.bn4", "features.bn5");
        Names(AlexNetVariant.HighDropout).Where(n => n.StartsWith("features.bn", StringComparison.Ordinal))
            .Should().Equal("features.bn1", "features.bn2", "features.bn5");
        Names(AlexNetVariant.Deeper).Where(n => n.StartsWith("features.conv", StringComparison.Ordinal)).Should().HaveCount(7);
        ModelBuilder.AlexNet(AlexNetVariant.HighDropout).Spec.Dropout.Should().Be(0.7);
        ModelBuilder.AlexNet(AlexNetVariant.BatchNorm).Spec.Variant.Should().Be("batchnorm");
        ModelBuilder.Compact().Spec.Variant.Should().Be("compact");
    }

    [Fact]
    public void BatchNorm_after_relu_follows_the_relu_and_before_relu_precedes_it()
    {
        var after = Plan(ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithBatchNorm(BatchNormPlacement.AfterRelu).Spec);
        after.Take(3).Should().Equal("features.conv1", "features.relu1", "features.bn1");
        var before = Plan(ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithBatchNorm(BatchNormPlacement.BeforeRelu).Spec);
        before.Take(3).Should().Equal("features.conv1", "features.bn1", "features.relu1");
        // Vanilla with BatchNorm after ReLU is the BatchNorm variant: same table, same count.
        using var net = ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithBatchNorm(BatchNormPlacement.AfterRelu).Build();
        net.Summary().TrainableParameters.Should().Be(21_735_525);
    }

    [Fact]
    public void Compact_has_the_documented_shape_and_count()
    {
        using var net = ModelBuilder.Compact().Build();
        var summary = net.Summary(batchSize: 1);
        summary.Layers.Single(l => l.Name == "classifier.flatten").OutputShape.Should().Equal(1, 2048);
        summary.TrainableParameters.Should().Be(4_549_061);
        summary.OutputShape.Should().Equal(1, 37);
        using var plain = ModelBuilder.Compact().WithBatchNorm(BatchNormPlacement.None).Build();
        plain.Summary().TrainableParameters.Should().Be(4_548_357);
    }

    [Fact]
    public void State_dict_keys_use_stable_pytorch_names()
    {
        using var net = ModelBuilder.AlexNet(AlexNetVariant.BatchNorm).WithInputSize(SmallAlexNetSize).Build();
        var keys = net.state_dict().Keys.ToList();
        keys.Should().Contain(["features.conv1.weight", "features.conv1.bias", "features.bn1.weight", "features.bn1.running_mean",
            "features.conv5.weight", "classifier.fc1.weight", "classifier.fc2.bias", "classifier.fc3.weight"]);
        keys.Should().OnlyContain(k => k.StartsWith("features.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal));
    }

    [Fact]
    public void Keras_initialization_draws_glorot_uniform_kernels_and_zero_biases()
    {
        manual_seed(3);
        using var net = ModelBuilder.Compact().Build();
        var weights = net.state_dict();
        weights["classifier.fc1.bias"].abs().max().item<float>().Should().Be(0f);
        weights["features.conv1.bias"].abs().max().item<float>().Should().Be(0f);
        var limit = Math.Sqrt(6.0 / (2048 + 2048));
        var fc1 = weights["classifier.fc1.weight"];
        fc1.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)limit).And.BeGreaterThan((float)(0.9 * limit));

        manual_seed(3);
        using var torchInit = ModelBuilder.Compact().WithInitialization(WeightInitialization.PyTorch).Build();
        torchInit.state_dict()["classifier.fc1.bias"].abs().max().item<float>().Should().BeGreaterThan(0f);
    }

    [Fact]
    public void Builders_are_single_use_and_check_each_knob_at_once()
    {
        var builder = ModelBuilder.Compact();
        using var net = builder.Build();
        builder.Invoking(b => b.Build()).Should().Throw<InvalidOperationException>().WithMessage("*single-use*");
        builder.Invoking(b => b.WithDropout(0.1)).Should().Throw<InvalidOperationException>();

        ModelBuilder.Compact().Invoking(b => b.WithDropout(1.0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rate");
        ModelBuilder.Compact().Invoking(b => b.WithInputSize(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size");
        ModelBuilder.Compact().Invoking(b => b.WithConv1Stride(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("stride");
        ModelBuilder.Compact().Invoking(b => b.WithOutputs(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");
        ModelBuilder.Compact().Invoking(b => b.WithMaxPooling(4, false)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("stage").WithMessage("*stages 1 to 3*");
    }

    [Fact]
    public void An_input_too_small_for_the_stack_is_refused_naming_the_layer_and_its_map_size()
    {
        // 64 px AlexNet: conv1 14, pool1 6, conv2 2 → pool2's 3×3 window on a 2×2 map leaves nothing.
        var act = () => ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithInputSize(64).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*input size 64*2×2 at features.pool2*0×0*");
        ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithInputSize(SmallAlexNetSize - 1).Invoking(b => b.Build())
            .Should().Throw<ArgumentException>().WithMessage("*2×2 at features.pool3*");

        // Compact at 32 px: conv1 27, pool1 13, conv2 9, pool2 4, conv3 2 → conv4 has nothing left.
        var compact = () => ModelBuilder.Compact().WithInputSize(32).Build();
        compact.Should().Throw<ArgumentException>().WithMessage("*2×2 at features.conv4*");

        // Turning a pooling stage off makes room again; the builder's Spec already validates.
        ModelBuilder.Compact().WithInputSize(32).WithMaxPooling(2, false).Spec.InputSize.Should().Be(32);
        var viaSpec = () => ModelBuilder.AlexNet(AlexNetVariant.Vanilla).WithConv1Stride(8).Spec;
        viaSpec.Should().Throw<ArgumentException>().WithMessage("*features.*");
    }

    [Fact]
    public void Decision_tree_head_needs_37_outputs()
    {
        var act = () => ModelBuilder.Compact().WithOutputs(10).WithOutputHead(OutputHead.DecisionTree).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*DecisionTree head needs 37 outputs, not 10*");
        using var linear = ModelBuilder.Compact().WithOutputs(10).WithOutputHead(OutputHead.Linear).Build();
        linear.Summary().OutputShape.Should().Equal(-1, 10);
    }

    [Fact]
    public void Forward_refuses_a_wrong_input_shape()
    {
        using var net = ModelBuilder.Compact().Build();
        using var wrong = zeros(1, 3, 32, 32);
        net.Invoking(n => n.forward(wrong)).Should().Throw<ArgumentException>().WithMessage("*(N, 3, 64, 64)*(1, 3, 32, 32)*");
    }

    [Fact]
    public void Summary_text_is_a_keras_style_table()
    {
        using var net = ModelBuilder.AlexNet(AlexNetVariant.BatchNorm).Build();
        var text = net.Summary().ToText();
        text.Should().Contain("features.conv1 (Conv2d)").And.Contain("(None, 96, 54, 54)").And.Contain("34,944")
            .And.Contain("Trainable params: 21,735,525").And.Contain("Non-trainable params: 2,752")
            .And.Contain("Total params: 21,738,277");
    }

    internal static string[] Plan(ModelSpec spec) => ModelPlan.Create(spec).Select(l => l.FullName).ToArray();
}
