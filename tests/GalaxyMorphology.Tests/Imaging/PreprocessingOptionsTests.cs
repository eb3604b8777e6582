using System.Text.Json;
using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Tests.ImagingTests;

public class PreprocessingOptionsTests
{
    [Fact]
    public void Defaults_and_presets_are_as_documented()
    {
        var d = new PreprocessingOptions();
        (d.Size, d.CropSize, d.Filter, d.Scaling, d.ScaledDecoding).Should().Be((64, (int?)null, ResizeFilter.Lanczos3, PixelScaling.UnitRange, true));
        var n = PreprocessingOptions.Notebook;
        (n.Size, n.CropSize, n.Filter, n.Scaling).Should().Be((224, (int?)null, ResizeFilter.Lanczos3, PixelScaling.Raw255));
        n.Validate();
        var c = PreprocessingOptions.CompactCrop;
        (c.Size, c.CropSize, c.Scaling, c.Mean, c.Std).Should().Be((64, (int?)207, PixelScaling.Standardize, (float[]?)null, (float[]?)null));
        var act = () => c.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*PixelStatistics.Compute*");
        (c with { Mean = [0.1f, 0.1f, 0.1f], Std = [0.2f, 0.2f, 0.2f] }).Validate();
    }

    [Theory]
    [InlineData(0, null, "*Size*")]
    [InlineData(64, 0, "*CropSize*")]
    public void Validate_names_the_bad_property(int size, int? crop, string message)
    {
        var act = () => new PreprocessingOptions { Size = size, CropSize = crop }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Bad_statistics_are_refused()
    {
        var act = () => new PreprocessingOptions { Scaling = PixelScaling.Standardize, Mean = [0f, 0f], Std = [1f, 1f, 1f] }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*Mean must have 3 values*");
        act = () => new PreprocessingOptions { Scaling = PixelScaling.Standardize, Mean = [0f, 0f, 0f], Std = [1f, 0f, 1f] }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*Std must hold finite positive values*");
        act = () => _ = new ImagePreprocessor(new PreprocessingOptions { MaxImagePixels = 0 });
        act.Should().Throw<ArgumentException>().WithMessage("*MaxImagePixels*");
    }

    [Fact]
    public void Round_trips_through_system_text_json_defaults_with_value_equality()
    {
        var options = PreprocessingOptions.CompactCrop with { Mean = [0.1f, 0.2f, 0.3f], Std = [0.4f, 0.5f, 0.6f], Filter = ResizeFilter.Mitchell, ScaledDecoding = false };
        var json = JsonSerializer.Serialize(options);
        json.Should().Contain("\"Mitchell\"").And.Contain("\"Standardize\"");
        var back = JsonSerializer.Deserialize<PreprocessingOptions>(json)!;
        back.Should().Be(options);
        back.GetHashCode().Should().Be(options.GetHashCode());
        JsonSerializer.Deserialize<PreprocessingOptions>("{\"Size\":32}")!.Should().Be(new PreprocessingOptions { Size = 32 });
        (options with { Mean = [0.1f, 0.2f, 0.31f] }).Should().NotBe(options);
    }
}
