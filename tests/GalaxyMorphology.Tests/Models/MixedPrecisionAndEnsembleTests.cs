using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Models;

/// <summary>
/// Bfloat16 mixed-precision training (GalaxyNet.TrainingPrecision) and mixed ensembles (ModelSpec.MemberViews: a plain
/// member and a rotated-view member averaged).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MixedPrecisionAndEnsembleTests
{
    private static readonly ModelSpec BatchNormSpec = TestModels.SmallSpec with
    {
        Features = [LayerSpec.Conv(4, 3, padding: 1), LayerSpec.MaxPool(2, 2), LayerSpec.Conv(8, 3, padding: 1), LayerSpec.MaxPool(2, 2)],
        HiddenUnits = [16],
        Dropout = 0,
        BatchNorm = BatchNormPlacement.BeforeRelu,
    };

    private static GalaxyNet Build(ModelSpec spec, int seed = 4)
    {
        manual_seed(seed);
        return ModelBuilder.FromSpec(spec).Build();
    }

    [Fact]
    public void Bfloat16_training_keeps_float32_weights_and_outputs_and_follows_the_float32_loss_and_gradients()
    {
        using var full = Build(BatchNormSpec);
        using var mixed = Build(BatchNormSpec);
        mixed.TrainingPrecision = TrainingPrecision.BFloat16;
        full.train();
        mixed.train();
        manual_seed(9);
        using var x = rand(8, 3, TestModels.Size, TestModels.Size);
        using var y = rand(8, 37);

        using var fullOut = full.forward(x);
        using var mixedOut = mixed.forward(x);
        mixedOut.dtype.Should().Be(ScalarType.Float32, "the head and the loss are float32");
        mixedOut.shape.Should().Equal(8, 37);
        (mixedOut - fullOut).abs().max().item<float>().Should().BeInRange(1e-7f, 0.02f, "bfloat16 rounds (so not equal), by less than 1% of a unit-range output");

        using var fullLoss = nn.functional.mse_loss(fullOut, y);
        using var mixedLoss = nn.functional.mse_loss(mixedOut, y);
        fullLoss.backward();
        mixedLoss.backward();
        foreach (var ((name, p), (_, q)) in full.named_parameters().Zip(mixed.named_parameters()))
        {
            q.dtype.Should().Be(ScalarType.Float32, $"{name} stays float32");
            q.grad.Should().NotBeNull($"{name} gets its gradient through the bfloat16 cast");
            q.grad!.dtype.Should().Be(ScalarType.Float32);
            // A convolution's bias right before BatchNorm has no effect on the loss: its gradient is rounding noise.
            if (name.StartsWith("features.conv", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal)) continue;
            var cosine = (p.grad!.flatten().dot(q.grad.flatten()) / (p.grad.norm() * q.grad.norm() + 1e-12f)).item<float>();
            cosine.Should().BeGreaterThan(0.98f, $"{name}'s gradient points the same way as in float32");
        }
        foreach (var (name, buffer) in mixed.named_buffers())
            buffer.dtype.Should().NotBe(ScalarType.BFloat16, $"{name} (BatchNorm statistics) stays float32");
    }

    [Fact]
    public void Bfloat16_applies_to_training_only_evaluation_is_float32_and_the_setting_reaches_every_member()
    {
        using var net = Build(BatchNormSpec with { Members = 2 });
        net.TrainingPrecision = TrainingPrecision.BFloat16;
        net.Members.Should().HaveCount(2).And.OnlyContain(m => m.TrainingPrecision == TrainingPrecision.BFloat16);
        using var x = rand(4, 3, TestModels.Size, TestModels.Size);
        net.eval();
        using var mixedEval = net.forward(x);
        net.TrainingPrecision = TrainingPrecision.Float32;
        using var fullEval = net.forward(x);
        mixedEval.data<float>().ToArray().Should().Equal(fullEval.data<float>().ToArray(), "evaluation never rounds to bfloat16");
        ((Action)(() => net.TrainingPrecision = (TrainingPrecision)7)).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => (TrainingRecipe.Cpu with { Precision = (TrainingPrecision)7 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*precision*");
    }

    [Theory]
    [InlineData("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\nbugs\t\t: spectre_v1\n", true)]
    [InlineData("flags\t\t: fpu sse2 amx_tile amx_bf16 amx_int8\n", true)]
    [InlineData("flags\t\t: fpu sse2 avx512f avx512_vnni\n", false)]
    [InlineData("model name\t: avx512_bf16 in the name only\nflags\t\t: fpu sse2\n", false)]
    [InlineData("flags\t\t: fpu sse2 avx512_bf16x\n", false)]
    [InlineData("", false)]
    public void Native_bfloat16_is_read_from_the_cpuinfo_flags_only(string cpuinfo, bool expected) =>
        TrainingPrecisionExtensions.CpuInfoHasNativeBFloat16(cpuinfo).Should().Be(expected);

    [Fact]
    public void Auto_precision_is_bfloat16_only_on_a_cpu_with_native_bfloat16_and_trains_as_what_it_resolves_to()
    {
        var cpu = TrainingPrecision.Auto.Resolve(CPU);
        cpu.Should().Be(TrainingPrecisionExtensions.CpuHasNativeBFloat16 ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32);
        TrainingPrecision.Auto.Resolve(new Device(TorchSharp.DeviceType.CUDA, 0)).Should().Be(TrainingPrecision.Float32, "not measured on GPUs yet");
        TrainingPrecision.BFloat16.Resolve(new Device(TorchSharp.DeviceType.CUDA, 0)).Should().Be(TrainingPrecision.BFloat16);
        TrainingPrecision.Float32.Resolve(CPU).Should().Be(TrainingPrecision.Float32);
        ((Action)(() => ((TrainingPrecision)7).Resolve(CPU))).Should().Throw<ArgumentOutOfRangeException>();
        TrainingPrecision.Float32.Describe(CPU).Should().Be("float32");
        TrainingPrecision.BFloat16.Describe(CPU).Should().Be("bfloat16");
        TrainingPrecision.Auto.Describe(CPU).Should().Be(cpu == TrainingPrecision.BFloat16 ? "bfloat16 (auto)" : "float32 (auto)");
        TrainingPrecision.Auto.Describe(new Device(TorchSharp.DeviceType.CUDA, 0)).Should().Be("float32 (auto)");
        TrainingRecipe.Cpu.Precision.Should().Be(TrainingPrecision.Auto);

        using var auto = Build(BatchNormSpec);
        using var resolved = Build(BatchNormSpec);
        using var other = Build(BatchNormSpec);
        auto.TrainingPrecision = TrainingPrecision.Auto;
        resolved.TrainingPrecision = cpu;
        other.TrainingPrecision = cpu == TrainingPrecision.BFloat16 ? TrainingPrecision.Float32 : TrainingPrecision.BFloat16;
        auto.train();
        resolved.train();
        other.train();
        using var x = rand(4, 3, TestModels.Size, TestModels.Size);
        using var autoOut = auto.forward(x);
        using var resolvedOut = resolved.forward(x);
        using var otherOut = other.forward(x);
        autoOut.data<float>().ToArray().Should().Equal(resolvedOut.data<float>().ToArray(), $"auto trains in {cpu} on this CPU");
        otherOut.data<float>().ToArray().Should().NotEqual(autoOut.data<float>().ToArray(), "the other precision rounds differently");
    }

    [Fact]
    public void A_mixed_ensemble_has_a_plain_and_a_view_member_and_predicts_their_mean()
    {
        var spec = ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(0, 4).Spec;
        spec.Members.Should().Be(2);
        spec.Views.Should().Be(4);
        spec.ViewSize.Should().Be(10, "5/8 of the 16 px input");
        spec.ViewPooling.Should().Be(ViewPooling.Mean);
        spec.MemberViews.Should().Equal(0, 4);
        spec.MemberSpec(0).Views.Should().Be(0);
        spec.MemberSpec(0).ViewSize.Should().Be(0);
        spec.MemberSpec(1).Views.Should().Be(4);
        ModelSpec.FromJson(spec.ToJson()).Should().Be(spec, "the member views survive a checkpoint's JSON");
        TestTimeAugmentation.DistinctViews(spec).Should().Be((4, 2), "the plain member is not invariant to quarter turns, so TTA needs every view");
        TestTimeAugmentation.DistinctViews(spec.MemberSpec(1)).Should().Be((1, 2));

        using var net = Build(spec);
        net.Members.Select(m => m.Spec.Views).Should().Equal(0, 4);
        net.Summary().Layers.Should().Contain(l => l.Name == "members.1.features.views").And.NotContain(l => l.Name == "members.0.features.views");
        net.eval();
        using var x = rand(3, 3, TestModels.Size, TestModels.Size);
        using var output = net.forward(x);
        using var mean = (net.Members[0].forward(x) + net.Members[1].forward(x)) / 2;
        output.shape.Should().Equal(3, 37);
        output.allclose(mean, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Changing_the_member_count_repeats_the_pattern_and_one_member_is_the_first_network_alone()
    {
        var pair = ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(0, 4).Spec;
        var three = ModelBuilder.FromSpec(pair).WithMembers(3).Spec;
        three.MemberViews.Should().Equal(0, 4, 0);
        var one = ModelBuilder.FromSpec(pair).WithMembers(1).Spec;
        one.Should().Be(BatchNormSpec, "one member of [0, 4] is the plain network, without view settings");
        var allViews = ModelBuilder.FromSpec(pair).WithRotatedViews(4, 10, ViewPooling.Mean).Spec;
        allViews.MemberViews.Should().BeNull("views for the whole model apply to every member");
        allViews.Members.Should().Be(2);
        ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(4, 4).Spec.MemberViews.Should().BeNull("members alike need no pattern");
    }

    [Fact]
    public void Bad_member_views_are_refused_with_the_values_named()
    {
        ((Action)(() => ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(0, 5))).Should().Throw<ArgumentException>().WithMessage("*[0, 5]*0, 4 or 8*");
        ((Action)(() => ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(4, 8))).Should().Throw<ArgumentException>().WithMessage("*mix 4 and 8*");
        var pair = ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(0, 4).Spec;
        ((Action)(() => (pair with { Members = 3 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*one entry per member (3)*");
        ((Action)(() => (pair with { MemberViews = [0, 8] }).Validate())).Should().Throw<ArgumentException>().WithMessage("*0 or the spec's views (4)*");
        ((Action)(() => pair.MemberSpec(2))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Pretrained_weights_go_into_each_member_they_fit()
    {
        var cpu = TrainingRecipe.CpuNet;
        var mixed = ModelBuilder.FromSpec(cpu).WithMemberViews(0, 4).Spec;
        PretrainedWeights.SpecDifferences(PretrainedWeights.CpuNetSynthetic, mixed).Should().BeEmpty("the plain member fits them");
        PretrainedWeights.SpecDifferences(PretrainedWeights.CpuNetSynthetic, ModelBuilder.FromSpec(cpu).WithMemberViews(4, 4).Spec)
            .Should().Contain(d => d.StartsWith("views"), "no member of a view-only ensemble fits them");

        using var shipped = ModelBuilder.FromSpec(cpu).Build();
        PretrainedWeights.Load(PretrainedWeights.CpuNetSynthetic).LoadWeightsInto(shipped);
        using var net = Build(mixed);
        PretrainedWeights.LoadInto(PretrainedWeights.CpuNetSynthetic, net).Should().Be(1);
        var conv = shipped.parameters().First();
        net.Members[0].parameters().First().allclose(conv).Should().BeTrue("the plain member starts from the shipped weights");
        net.Members[1].parameters().First().allclose(conv, 1e-2, 1e-2).Should().BeFalse("the view member keeps its random start");

        using var twoPlain = Build(cpu with { Members = 2, ProjectOntoTree = true });
        PretrainedWeights.LoadInto(PretrainedWeights.CpuNetSynthetic, twoPlain).Should().Be(2);
        using var viewsOnly = Build(ModelBuilder.FromSpec(cpu).WithMemberViews(4, 4).Spec);
        ((Action)(() => PretrainedWeights.LoadInto(PretrainedWeights.CpuNetSynthetic, viewsOnly))).Should().Throw<InvalidDataException>().WithMessage("*fit no member*views*");
    }

    [Fact]
    public void A_mixed_ensemble_trained_in_bfloat16_saves_and_reloads_to_the_same_predictions()
    {
        using var temp = new TestModels.TempFolder();
        using var net = Build(ModelBuilder.FromSpec(BatchNormSpec).WithMemberViews(0, 4).Spec);
        net.TrainingPrecision = TrainingPrecision.BFloat16;
        var path = temp.File("mixed.ckpt");
        using (var trainer = Trainer.For(net).WithBatchSize(8).WithEpochs(2).WithWorkers(1).WithCallbacks(new GalaxyMorphology.Training.Callbacks.ModelCheckpoint(path)).Build())
        {
            var history = trainer.Fit(TestModels.Learnable(32, seed: 1), TestModels.Learnable(8, seed: 2));
            history.Epochs.Should().HaveCount(2);
            history.Epochs.Should().OnlyContain(e => double.IsFinite(e.Loss));
        }
        using var loaded = GalaxyModel.Load(path);
        loaded.Spec.MemberViews.Should().Equal(0, 4);
        var sample = TestModels.Learnable(1, seed: 9).Get(0).Pixels;
        net.eval();
        using var expected = net.forward(tensor(sample, [1, 3, TestModels.Size, TestModels.Size]));
        loaded.PredictPixels(sample).Values.ToArray().Should().Equal(expected.data<float>().ToArray());
        Checkpoint.Read(path).Spec.ToJson().Should().Contain("\"memberViews\":[0,4]");
    }
}
