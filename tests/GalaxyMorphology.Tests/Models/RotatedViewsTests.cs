using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Models;

/// <summary>Rotated corner views (ModelSpec.Views): what each view holds, how the features join, and how specs check them.</summary>
[Collection(SerialCollection.Name)]
public sealed class RotatedViewsTests
{
    private static readonly ModelSpec ViewSpec = TestModels.SmallSpec with { Views = 4, ViewSize = 10 };

    [Fact]
    public void Each_view_is_a_corner_of_the_image_turned_so_the_centre_sits_in_the_same_place()
    {
        using var x = arange(2 * 3 * 16 * 16, dtype: ScalarType.Float32).reshape(2, 3, 16, 16);
        using var views = new RotatedViews(8, 10);
        using var output = views.forward(x);
        output.shape.Should().Equal(16, 3, 10, 10);
        for (var v = 0; v < 8; v++)
        {
            using var source = v < 4 ? x.alias() : x.flip(3);
            using var turned = source.rot90(v % 4, (2, 3));
            using var expected = turned.narrow(2, 0, 10).narrow(3, 0, 10);
            using var actual = output.narrow(0, 2 * v, 2);
            actual.allclose(expected, rtol: 0, atol: 0).Should().BeTrue($"rows {2 * v}..{2 * v + 1} are view {v} of both images");
        }

        // The pixel just above and left of the centre is at the same place in all four views.
        using var centre = output.select(1, 0)[.., 7, 7];
        using var original = x[0, 0, 7, 7];
        var values = centre.data<float>().ToArray();
        values[0].Should().Be(original.item<float>());
        values.Take(8).Where((_, i) => i % 2 == 0).Distinct().Count().Should().Be(4, "the four corners turned to one orientation meet at different pixels near the centre");
    }

    [Fact]
    public void View_features_are_joined_side_by_side_or_averaged_per_galaxy()
    {
        // Three views of two galaxies with two features each, view-major: row v*2 + n.
        using var features = tensor(new float[] { 0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211 }).reshape(6, 2, 1, 1);
        using var join = new ViewJoin(3, ViewPooling.Concatenate);
        using var joined = join.forward(features);
        joined.shape.Should().Equal(2, 6);
        joined.data<float>().ToArray().Should().Equal(0, 1, 100, 101, 200, 201, 10, 11, 110, 111, 210, 211);
        using var average = new ViewJoin(3, ViewPooling.Mean);
        using var mean = average.forward(features);
        mean.shape.Should().Equal(2, 2);
        mean.data<float>().ToArray().Should().Equal(100, 101, 110, 111);
    }

    [Fact]
    public void A_view_network_has_the_plain_networks_parameter_names_and_a_wider_first_dense_layer()
    {
        manual_seed(1);
        using var plain = ModelBuilder.FromSpec(TestModels.SmallSpec).Build();
        using var viewed = ModelBuilder.FromSpec(TestModels.SmallSpec).WithRotatedViews(4, 10).Build();
        viewed.state_dict().Keys.Should().Equal(plain.state_dict().Keys);
        // 10 px views: conv k3 -> 8, pool -> 4; 4 channels x 4 x 4 per view, 4 views.
        viewed.state_dict()["classifier.fc1.weight"].shape.Should().Equal(37, 4 * 4 * 4 * 4);
        viewed.eval();
        using var x = rand(5, 3, 16, 16);
        using var y = viewed.forward(x);
        y.shape.Should().Equal(5, 37);

        var summary = viewed.Summary(batchSize: 5);
        summary.Layers[0].Name.Should().Be("features.views");
        summary.Layers[0].OutputShape.Should().Equal(20, 3, 10, 10);
        summary.Layers.Single(l => l.Name == "classifier.flatten").OutputShape.Should().Equal(5, 256);
    }

    [Fact]
    public void With_mean_pooling_a_quarter_turn_leaves_the_prediction_unchanged_and_with_eight_views_a_mirror_too()
    {
        manual_seed(4);
        using var four = ModelBuilder.FromSpec(ViewSpec with { ViewPooling = ViewPooling.Mean }).Build();
        using var eight = ModelBuilder.FromSpec(ViewSpec with { Views = 8, ViewPooling = ViewPooling.Mean }).Build();
        using var concatenated = ModelBuilder.FromSpec(ViewSpec).Build();
        four.state_dict()["classifier.fc1.weight"].shape.Should().Equal(37, 4 * 4 * 4);
        using var x = rand(3, 3, 16, 16);
        using var turned = x.rot90(1, (2, 3));
        using var mirrored = x.flip(3);
        foreach (var net in new[] { four, eight, concatenated }) net.eval();
        using var a = four.forward(x);
        using var b = four.forward(turned);
        a.allclose(b, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
        using var c = eight.forward(x);
        using var d = eight.forward(mirrored);
        using var e = eight.forward(turned);
        c.allclose(d, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
        c.allclose(e, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
        using var f = concatenated.forward(x);
        using var g = concatenated.forward(turned);
        f.allclose(g, rtol: 1e-4, atol: 1e-5).Should().BeFalse("concatenated views keep their order, so the classifier sees the turn");
    }

    [Fact]
    public void Test_time_augmentation_of_an_averaged_view_network_runs_only_the_views_that_differ()
    {
        manual_seed(5);
        using var net = ModelBuilder.FromSpec(ViewSpec with { ViewPooling = ViewPooling.Mean }).Build();
        net.eval();
        TestTimeAugmentation.DistinctViews(net.Spec).Should().Be((1, 2));
        TestTimeAugmentation.DistinctViews(net.Spec with { Views = 8 }).Should().Be((1, 1));
        TestTimeAugmentation.DistinctViews(ViewSpec).Should().Be((4, 2), "concatenated views are not invariant");
        TestTimeAugmentation.DistinctViews(TestModels.SmallSpec).Should().Be((4, 2));
        using var noGrad = no_grad();
        using var x = rand(3, 3, 16, 16);
        using var quick = Evaluator.Forward(net, x, tta: true);
        using var full = TestTimeAugmentation.Predict(net.forward, x);
        quick.allclose(full, rtol: 1e-4, atol: 1e-5).Should().BeTrue("the 24 views left out repeat the 8 run");
        using var plain = net.forward(x);
        quick.allclose(plain, rtol: 1e-4, atol: 1e-5).Should().BeFalse("the mirror image still adds a view");
        var calls = 0;
        using var counted = TestTimeAugmentation.Predict(v => { calls++; return net.forward(v); }, x, turns: 1, mirrors: 2);
        calls.Should().Be(8, "the identity and the mirror image of each of the 4 turned copies");
    }

    [Fact]
    public void Turning_the_input_a_quarter_turn_only_reorders_the_views()
    {
        using var net = ModelBuilder.FromSpec(ViewSpec).Build();
        net.eval();
        using var x = rand(3, 3, 16, 16);
        using var turned = x.rot90(1, (2, 3));
        using var views = new RotatedViews(4, 10);
        using var a = views.forward(x);
        using var b = views.forward(turned);
        // View k of the turned image is view k+1 of the original.
        using var expected = cat([a.narrow(0, 3, 9), a.narrow(0, 0, 3)], 0);
        b.allclose(expected, rtol: 0, atol: 0).Should().BeTrue();
    }

    [Theory]
    [InlineData(3, 10, "rotated views 3 must be 0 (off), 4 or 8")]
    [InlineData(4, 17, "view size 17 must be between 1 and the input size 16")]
    [InlineData(0, 10, "view size 10 is set but rotated views are off")]
    [InlineData(4, 2, "view size 2 is too small for model 'tiny'")]
    [InlineData(0, 0, "view pooling Mean is set but rotated views are off")]
    public void Bad_view_settings_are_refused_naming_the_value(int views, int size, string message)
    {
        var pooling = views == 0 && size == 0 ? ViewPooling.Mean : ViewPooling.Concatenate;
        var act = () => (TestModels.SmallSpec with { Views = views, ViewSize = size, ViewPooling = pooling }).Validate();
        act.Should().Throw<ArgumentException>().WithMessage($"*{message}*");
        var knob = () => ModelBuilder.FromSpec(TestModels.SmallSpec).WithRotatedViews(5, 10);
        knob.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0 (off), 4 or 8*");
        ModelBuilder.FromSpec(ViewSpec with { ViewPooling = ViewPooling.Mean }).WithRotatedViews(0, 10).Spec.Should().Be(TestModels.SmallSpec, "turning views off clears their settings");
    }

    [Fact]
    public void Views_survive_the_spec_json_and_a_checkpoint_and_old_specs_read_as_plain()
    {
        ModelSpec.FromJson(ViewSpec.ToJson()).Should().Be(ViewSpec);
        var old = TestModels.SmallSpec.ToJson().Replace(",\"views\":0,\"viewSize\":0,\"viewPooling\":\"Concatenate\"", "", StringComparison.Ordinal);
        old.Should().NotContain("views");
        ModelSpec.FromJson(old).Should().Be(TestModels.SmallSpec);

        using var temp = new TestModels.TempFolder();
        manual_seed(2);
        using var net = ModelBuilder.FromSpec(ViewSpec).Build();
        var path = temp.File("views.ckpt");
        Checkpoint.Write(path, net, new PreprocessingOptions { Size = 16 }, epoch: 1, new Dictionary<string, double>(), optimizer: null, trainerState: null);
        using var loaded = Checkpoint.Read(path).BuildModel();
        loaded.Spec.Should().Be(ViewSpec);
        net.eval();
        loaded.eval();
        using var x = rand(2, 3, 16, 16);
        using var a = net.forward(x);
        using var b = loaded.forward(x);
        a.allclose(b, rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void A_recipe_keeps_the_views_share_of_the_image_at_another_input_size()
    {
        var recipe = TrainingRecipe.Cpu with { Model = TrainingRecipe.CpuNet with { Views = 4, ViewSize = 40 } };
        recipe.CreateModelBuilder().Spec.ViewSize.Should().Be(40);
        var small = recipe with { Preprocessing = recipe.Preprocessing with { Size = 32 } };
        var spec = small.CreateModelBuilder().Spec;
        spec.InputSize.Should().Be(32);
        spec.ViewSize.Should().Be(20);
        ModelBuilder.FromSpec(TrainingRecipe.CpuNet).WithRotatedViews(4).Spec.ViewSize.Should().Be(40, "views default to 5/8 of the input");
        ModelBuilder.FromSpec(TrainingRecipe.CpuNet).WithRotatedViews(4).WithInputSize(96).Spec.ViewSize.Should().Be(60);
        ModelBuilder.FromSpec(TrainingRecipe.CpuNet).WithInputSize(96).Spec.ViewSize.Should().Be(0, "a plain network has no views to scale");
    }
}
