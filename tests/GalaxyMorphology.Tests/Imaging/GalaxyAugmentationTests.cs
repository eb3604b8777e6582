using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Tests.ImagingTests;

public class GalaxyAugmentationTests
{
    private static readonly ImageShape Shape = new(3, 8, 8);

    private static float[] Asymmetric() => Enumerable.Range(0, Shape.Length).Select(i => (float)i).ToArray();

    private static float[] Apply(AugmentationOptions options, float[] image, int seed)
    {
        var copy = (float[])image.Clone();
        new GalaxyAugmentation(options).Apply(copy, Shape, new Random(seed));
        return copy;
    }

    private static float[] Rotate90(float[] image)
    {
        // out(y, x) = in(x, n-1-y)  (counter-clockwise), applied per channel.
        var n = Shape.Width;
        var result = new float[image.Length];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < n; y++)
                for (var x = 0; x < n; x++)
                    result[c * n * n + y * n + x] = image[c * n * n + x * n + (n - 1 - y)];
        return result;
    }

    private static float[] FlipX(float[] image)
    {
        var n = Shape.Width;
        var result = new float[image.Length];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < n; y++)
                for (var x = 0; x < n; x++)
                    result[c * n * n + y * n + x] = image[c * n * n + y * n + (n - 1 - x)];
        return result;
    }

    [Fact]
    public void Dihedral_gives_exactly_the_eight_symmetries_of_the_square()
    {
        var image = Asymmetric();
        var expected = new List<float[]>();
        var r = image;
        for (var k = 0; k < 4; k++)
        {
            expected.Add(r);
            expected.Add(FlipX(r));
            r = Rotate90(r);
        }
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var result = Apply(AugmentationOptions.Dihedral, image, seed);
            var match = expected.FindIndex(e => e.SequenceEqual(result));
            match.Should().BeGreaterThanOrEqualTo(0, $"seed {seed} must give an exact symmetry");
            seen.Add(match);
        }
        seen.Should().HaveCount(8);
    }

    [Fact]
    public void The_same_random_state_gives_the_same_result_on_any_thread()
    {
        var image = Asymmetric();
        var expected = Apply(AugmentationOptions.Dieleman with { BrightnessJitter = 0.1 }, image, 42);
        expected.Should().NotEqual(image);
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = Apply(AugmentationOptions.Dieleman with { BrightnessJitter = 0.1 }, image, 42));
        results.Should().OnlyContain(r => r.SequenceEqual(expected));
        Apply(AugmentationOptions.Dieleman, image, 43).Should().NotEqual(Apply(AugmentationOptions.Dieleman, image, 42));
    }

    [Fact]
    public void Any_angle_rotation_keeps_a_constant_image_constant_and_values_in_range()
    {
        var constant = Enumerable.Repeat(0.25f, Shape.Length).ToArray();
        for (var seed = 0; seed < 20; seed++)
            Apply(AugmentationOptions.Dieleman, constant, seed).Should().OnlyContain(v => Math.Abs(v - 0.25f) < 1e-6);
        var image = Asymmetric();
        var rotated = Apply(new AugmentationOptions { Flip = false, Rotate90 = false, MaxRotationDegrees = 180 }, image, 5);
        rotated.Should().NotEqual(image);
        for (var c = 0; c < 3; c++)
        {
            var plane = image.AsSpan(c * 64, 64).ToArray();
            rotated.AsSpan(c * 64, 64).ToArray().Should().OnlyContain(v => v >= plane.Min() - 1e-4 && v <= plane.Max() + 1e-4);
        }
    }

    [Fact]
    public void Zero_fill_brings_in_zeros_and_brightness_scales()
    {
        var ones = Enumerable.Repeat(1f, Shape.Length).ToArray();
        var shifted = Apply(new AugmentationOptions { Flip = false, Rotate90 = false, MaxShiftFraction = 0.5, Fill = BorderFill.Zero }, ones, 3);
        shifted.Should().Contain(0f).And.Contain(1f);
        var bright = Apply(new AugmentationOptions { Flip = false, Rotate90 = false, BrightnessJitter = 0.2 }, ones, 3);
        bright.Distinct().Should().ContainSingle().Which.Should().BeInRange(0.8f, 1.2f).And.NotBe(1f);
    }

    [Fact]
    public void Apply_allocates_nothing_after_the_first_call()
    {
        var augmentation = new GalaxyAugmentation(AugmentationOptions.Dieleman with { BrightnessJitter = 0.1 });
        var image = Asymmetric();
        var random = new Random(1);
        augmentation.Apply(image, Shape, random);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) augmentation.Apply(image, Shape, random);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Non_square_images_only_get_half_turns_and_flips()
    {
        var shape = new ImageShape(3, 4, 6);
        var image = Enumerable.Range(0, shape.Length).Select(i => (float)i).ToArray();
        for (var seed = 0; seed < 30; seed++)
        {
            var copy = (float[])image.Clone();
            new GalaxyAugmentation(AugmentationOptions.Dihedral).Apply(copy, shape, new Random(seed));
            copy.Order().Should().Equal(image, "flips and half turns only permute pixels");
            for (var c = 0; c < 3; c++)
                copy.AsSpan(c * 24, 24).ToArray().Should().OnlyContain(v => v >= c * 24 && v < (c + 1) * 24, "channels stay apart");
        }
    }

    [Fact]
    public void Bad_options_and_shapes_are_refused()
    {
        var act = () => new GalaxyAugmentation(new AugmentationOptions { MaxRotationDegrees = 200 });
        act.Should().Throw<ArgumentException>().WithMessage("*MaxRotationDegrees*");
        var wrong = () => new GalaxyAugmentation().Apply(new float[10], Shape, new Random(0));
        wrong.Should().Throw<ArgumentException>().WithMessage("*expected 192*");
    }
}
