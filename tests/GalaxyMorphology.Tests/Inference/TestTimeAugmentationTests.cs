using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Tests.Support;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Inference;

/// <summary>Test-time augmentation: which views it averages, that turning or mirroring the input cannot change its answer, and the warp it uses.</summary>
[Collection(SerialCollection.Name)]
public sealed class TestTimeAugmentationTests
{
    [Fact]
    public void Averages_the_rotations_and_flips_of_each_turned_copy()
    {
        using var noGrad = no_grad();
        using var net = SmallNet(seed: 3);
        using var x = rand(2, 3, 16, 16);
        var calls = 0;
        using var mean = TestTimeAugmentation.Predict(v => { calls++; return net.forward(v); }, x);
        calls.Should().Be(TestTimeAugmentation.Views).And.Be(32, "8 rotations and flips of 4 turned copies");
        mean.shape.Should().Equal(2, 37);
        using var plain = net.forward(x);
        mean.allclose(plain, rtol: 1e-3, atol: 1e-4).Should().BeFalse("the mean runs over other views than the image itself");
    }

    [Fact]
    public void Turning_or_mirroring_the_input_leaves_the_mean_unchanged()
    {
        using var noGrad = no_grad();
        using var net = SmallNet(seed: 4);
        using var x = rand(2, 3, 16, 16);
        using var turned = x.rot90(1, (2, 3));
        using var mirrored = x.flip(3);
        using var a = TestTimeAugmentation.Predict(net.forward, x);
        using var b = TestTimeAugmentation.Predict(net.forward, turned);
        using var c = TestTimeAugmentation.Predict(net.forward, mirrored);
        b.allclose(a, rtol: 1e-4, atol: 1e-5).Should().BeTrue("a quarter turn only reorders the 32 views");
        c.allclose(a, rtol: 1e-4, atol: 1e-5).Should().BeTrue("the turned copies come in mirrored pairs (-5° and +5°), so mirroring only reorders them");
    }

    /// <summary>A small plain network in eval mode; <paramref name="seed"/> also seeds the random tensors drawn after it.</summary>
    private static GalaxyNet SmallNet(int seed)
    {
        manual_seed(seed);
        var net = ModelBuilder.FromSpec(TestModels.SmallSpec).Build();
        net.eval();
        return net;
    }

    [Fact]
    public void Warp_turns_about_the_centre_zooms_and_fills_from_the_edge()
    {
        using var x = rand(2, 3, 8, 8);
        using var same = TestTimeAugmentation.Warp(x, 0, 1);
        same.allclose(x, rtol: 0, atol: 1e-5).Should().BeTrue("no turn and no zoom leave the image as it is");
        using var quarter = TestTimeAugmentation.Warp(x, 90, 1);
        using var rot = x.rot90(1, (2, 3));
        quarter.allclose(rot, rtol: 0, atol: 1e-5).Should().BeTrue("a 90° turn moves pixel centres onto pixel centres");
        using var flat = full(1, 3, 8, 8, 2.5f);
        using var zoomedOut = TestTimeAugmentation.Warp(flat, -5, 0.5);
        zoomedOut.allclose(flat, rtol: 0, atol: 1e-5).Should().BeTrue("points outside the image take the edge's value, never zero");
        using var zoomedIn = TestTimeAugmentation.Warp(x, 0, 2);
        zoomedIn.allclose(x, rtol: 1e-3, atol: 1e-3).Should().BeFalse();
        zoomedIn.shape.Should().Equal(x.shape);
    }

    [Fact]
    public void Refuses_images_that_are_not_square()
    {
        using var x = rand(1, 3, 8, 12);
        var act = () => TestTimeAugmentation.Warp(x, 5, 0.95);
        act.Should().Throw<ArgumentException>().WithMessage("*square*(1, 3, 8, 12)*");
    }
}
