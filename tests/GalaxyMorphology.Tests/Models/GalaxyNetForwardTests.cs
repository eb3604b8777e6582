using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Models;

[Collection(SerialCollection.Name)]
public sealed class GalaxyNetForwardTests
{
    public const int SmallCompactSize = 45; // the Kaggle winner's crop size: conv1 40, pool 20, conv 16, pool 8, conv 6, 4, pool 2

    public static TheoryData<string, OutputHead, int> Cases()
    {
        var data = new TheoryData<string, OutputHead, int>();
        foreach (var head in Enum.GetValues<OutputHead>())
        {
            foreach (var variant in Enum.GetValues<AlexNetVariant>())
                foreach (var size in new[] { 224, ModelBuilderTests.SmallAlexNetSize })
                    data.Add(variant.ToString(), head, size);
            data.Add("Compact", head, 64);
            data.Add("Compact", head, SmallCompactSize);
        }
        return data;
    }

    private static ModelBuilder Start(string variant) =>
        variant == "Compact" ? ModelBuilder.Compact() : ModelBuilder.AlexNet(Enum.Parse<AlexNetVariant>(variant));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_variant_and_head_outputs_N_by_37_and_round_trips_through_its_spec(string variant, OutputHead head, int size)
    {
        manual_seed(11);
        using var net = Start(variant).WithInputSize(size).WithOutputHead(head).Build();
        net.eval();
        using var scope = NewDisposeScope();
        var input = rand(1, 3, size, size);
        Tensor output;
        using (no_grad()) output = net.forward(input);

        output.shape.Should().Equal(1, 37);
        net.Summary(batchSize: 1).OutputShape.Should().Equal(output.shape);
        var values = output.data<float>().ToArray();
        values.Should().OnlyContain(v => float.IsFinite(v));
        if (head == OutputHead.Sigmoid) values.Should().OnlyContain(v => v > 0f && v < 1f);
        if (head == OutputHead.DecisionTree) GalaxyZooTaxonomy.Validate(values, 1e-5).Should().BeEmpty();

        var json = net.Spec.ToJson();
        var restored = ModelSpec.FromJson(json);
        restored.Should().Be(net.Spec);
        restored.ToJson().Should().Be(json);
        using var rebuilt = ModelBuilder.FromSpec(restored).Build();
        Shapes(rebuilt).Should().Equal(Shapes(net));
    }

    [Fact]
    public void A_rebuilt_model_with_loaded_weights_computes_the_same_outputs()
    {
        using var net = ModelBuilder.Compact().WithInputSize(SmallCompactSize).WithOutputHead(OutputHead.DecisionTree).Build();
        using var copy = ModelBuilder.FromSpec(ModelSpec.FromJson(net.Spec.ToJson())).Build();
        var saved = new MemoryStream();
        net.save(saved); // closes the stream
        using var stream = new MemoryStream(saved.ToArray());
        copy.load(stream, strict: true);
        net.eval();
        copy.eval();
        using var scope = NewDisposeScope();
        var input = rand(2, 3, SmallCompactSize, SmallCompactSize);
        using var noGrad = no_grad();
        copy.forward(input).allclose(net.forward(input)).Should().BeTrue();
    }

    [Fact]
    public void Eval_is_deterministic_while_train_applies_dropout()
    {
        manual_seed(5);
        using var net = ModelBuilder.Compact().WithInputSize(SmallCompactSize).WithOutputHead(OutputHead.Linear).Build();
        using var scope = NewDisposeScope();
        var input = rand(4, 3, SmallCompactSize, SmallCompactSize);
        using var noGrad = no_grad();

        net.train();
        var a = net.forward(input);
        var b = net.forward(input);
        a.allclose(b).Should().BeFalse("dropout draws a fresh mask in training mode");

        net.eval();
        var c = net.forward(input);
        var d = net.forward(input);
        (c == d).all().item<bool>().Should().BeTrue();

        // Without dropout (and with BatchNorm off, which also differs between modes) train() equals eval().
        using var noDropout = ModelBuilder.Compact().WithInputSize(SmallCompactSize).WithDropout(0).WithBatchNorm(BatchNormPlacement.None).Build();
        noDropout.train();
        var e = noDropout.forward(input);
        noDropout.eval();
        noDropout.forward(input).allclose(e).Should().BeTrue();
    }

    [Fact]
    public void Forward_leaks_no_tensors_into_the_callers_scope()
    {
        using var net = ModelBuilder.Compact().WithInputSize(SmallCompactSize).Build();
        using var input = rand(2, 3, SmallCompactSize, SmallCompactSize);
        using var scope = NewDisposeScope();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var output = net.forward(input)) output.shape.Should().Equal(2, 37);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void The_channels_last_layout_inside_forward_changes_no_prediction_and_no_gradient()
    {
        // GalaxyNet hands its CPU convolutions an NHWC copy of the input; the values must be exactly those of the
        // sections run on the plain (NCHW) input, in training as in evaluation, and so must the gradients.
        manual_seed(5);
        using var net = ModelBuilder.Compact().WithInputSize(SmallCompactSize).Build();
        var sections = net.named_children().Select(c => (nn.Module<Tensor, Tensor>)c.module).ToList();
        sections.Should().HaveCount(3, "features, classifier and head");
        using var input = rand(3, 3, SmallCompactSize, SmallCompactSize);
        input.is_contiguous().Should().BeTrue();
        using var target = rand(3, 37);

        net.eval();
        using (var scope = NewDisposeScope())
        {
            var viaNet = net.forward(input);
            var viaSections = sections.Aggregate(input, (x, s) => s.forward(x));
            viaNet.allclose(viaSections, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
            viaNet.abs().sum().item<float>().Should().BeGreaterThan(0);
        }

        net.train();
        float[] Gradient(Func<Tensor> forward)
        {
            using var scope = NewDisposeScope();
            net.zero_grad();
            manual_seed(9); // the same dropout mask both times
            var loss = (forward() - target).pow(2).mean();
            loss.backward();
            return net.named_parameters().First(p => p.name == "features.conv1.weight").parameter.grad!.data<float>().ToArray();
        }
        var a = Gradient(() => net.forward(input));
        var b = Gradient(() => sections.Aggregate(input, (x, s) => s.forward(x)));
        a.Should().HaveCount(b.Length);
        var scale = a.Select(Math.Abs).Max();
        scale.Should().BeGreaterThan(0f);
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max().Should().BeLessThan(1e-4f * scale);
    }

    private static string[] Shapes(GalaxyNet net) =>
        net.state_dict().Select(kv => $"{kv.Key}:{string.Join("x", kv.Value.shape)}").ToArray();
}
