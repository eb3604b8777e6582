using GalaxyMorphology.Imaging;
using SkiaSharp;

namespace GalaxyMorphology.Tests.ImagingTests;

public class PixelStatisticsTests
{
    [Fact]
    public void Mean_and_std_are_per_channel_on_the_unit_scale()
    {
        using var folder = new TestImages.TempFolder();
        using var a = TestImages.Solid(20, 20, new SKColor(51, 102, 153));
        using var b = TestImages.Solid(20, 20, new SKColor(102, 204, 153));
        var paths = new[] { TestImages.Write(folder.File("1.png"), a), TestImages.Write(folder.File("2.png"), b) };
        var stats = PixelStatistics.Compute(paths, PreprocessingOptions.CompactCrop with { CropSize = 10, Size = 5 });
        stats.ImageCount.Should().Be(2);
        stats.Mean[0].Should().BeApproximately(0.3f, 1e-5f);
        stats.Mean[1].Should().BeApproximately(0.6f, 1e-5f);
        stats.Mean[2].Should().BeApproximately(0.6f, 1e-5f);
        stats.Std[0].Should().BeApproximately(0.1f, 1e-5f);
        stats.Std[1].Should().BeApproximately(0.2f, 1e-5f);
        stats.Std[2].Should().BeApproximately(1e-6f, 1e-6f, "a constant channel gets a tiny positive std");

        var options = stats.ApplyTo(PreprocessingOptions.CompactCrop with { CropSize = 10, Size = 5 });
        options.Validate();
        var pixels = new ImagePreprocessor(options).Process(paths[0]);
        pixels[0].Should().BeApproximately(-1f, 1e-4f);
    }

    [Fact]
    public void At_most_max_images_are_read_spread_over_the_list()
    {
        using var folder = new TestImages.TempFolder();
        var paths = Enumerable.Range(0, 10).Select(i =>
        {
            using var bmp = TestImages.Solid(4, 4, new SKColor((byte)(i * 10), 0, 0));
            return TestImages.Write(folder.File($"{i}.png"), bmp);
        }).ToArray();
        var stats = PixelStatistics.Compute(paths, new PreprocessingOptions { Size = 2 }, maxImages: 5);
        stats.ImageCount.Should().Be(5);
        stats.Mean[0].Should().BeApproximately((0 + 20 + 40 + 60 + 80) / 5f / 255f, 1e-5f);
        var none = () => PixelStatistics.Compute([], new PreprocessingOptions());
        none.Should().Throw<ArgumentException>();
    }
}
