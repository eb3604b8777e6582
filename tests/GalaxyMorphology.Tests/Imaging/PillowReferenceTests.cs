using GalaxyMorphology.Imaging;
using SkiaSharp;

namespace GalaxyMorphology.Tests.ImagingTests;

/// <summary>
/// Our resampler against Pillow 9.4 (the notebook's <c>Image.resize(..., Image.LANCZOS)</c>) on a fixed 30×30 pattern:
/// R = (37x + 11y) mod 256, G = (x² + 3y²) mod 256, B = 23(x xor y) mod 256. Expected values (CHW, 8-bit as Pillow
/// returns them) were produced by <c>Image.fromarray(a).resize(...)</c>; Pillow rounds once between its two passes and
/// once at the end, so we allow 2 levels.
/// </summary>
public class PillowReferenceTests
{
    private static SKBitmap Pattern() => TestImages.Bitmap(30, 30, (x, y) =>
        new SKColor((byte)((x * 37 + y * 11) % 256), (byte)((x * x + 3 * y * y) % 256), (byte)((x ^ y) * 23 % 256)));

    private static void Matches(float[] ours, string pillow, float tolerance = 2f, float meanTolerance = 0.5f)
    {
        var expected = pillow.Split(',').Select(float.Parse).ToArray();
        ours.Should().HaveCount(expected.Length);
        var differences = ours.Zip(expected, (a, b) => Math.Abs(MathF.Round(a) - b)).ToArray();
        differences.Max().Should().BeLessThanOrEqualTo(tolerance);
        differences.Average().Should().BeLessThanOrEqualTo(meanTolerance);
    }

    [Fact]
    public void Lanczos_downscale_matches_pillow()
    {
        using var bitmap = Pattern();
        var ours = new ImagePreprocessor(new PreprocessingOptions { Size = 7, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        Matches(ours, "99,138,127,113,138,121,136,140,121,143,121,125,132,105,154,111,131,132,122,140,99,144,128,120,133,114,131,132,108,138,118,134,132,120,155,101,134,123,122,137,117,147,123,128,141,123,136,126,113,9,42,142,144,109,142,118,116,133,154,118,138,118,118,155,118,118,136,131,118,113,111,117,132,126,124,122,127,115,144,122,132,131,126,119,130,139,124,133,122,125,127,157,124,119,136,128,136,134,43,133,171,96,167,132,106,134,34,87,193,146,162,139,171,87,65,96,117,151,152,96,193,97,93,110,134,168,167,146,118,111,56,134,150,132,163,151,135,134,10,104,106,139,152,168,151,104,72");
    }

    [Fact]
    public void Lanczos_after_a_centre_crop_matches_pillow_crop_then_resize()
    {
        using var bitmap = Pattern();
        var ours = new ImagePreprocessor(new PreprocessingOptions { Size = 6, CropSize = 20, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        Matches(ours, "75,167,106,152,103,128,79,172,79,178,86,177,133,135,102,155,89,185,169,112,142,108,130,137,176,81,174,89,167,108,140,92,161,83,170,77,153,163,106,129,141,112,115,107,139,128,130,117,128,128,130,136,129,124,127,127,128,116,125,121,157,112,140,131,136,131,156,110,132,129,121,127,37,52,190,168,162,152,51,36,121,86,122,171,189,121,38,130,124,102,168,86,130,88,87,136,162,122,124,87,69,100,152,170,102,136,101,20");
    }

    /// <summary>
    /// Upscaling rings more: Pillow clips to 0..255 between its horizontal and vertical passes, we clip once at the end,
    /// so around the pattern's sharpest steps the two differ by a few levels.
    /// </summary>
    [Fact]
    public void Lanczos_upscale_matches_pillow_up_to_intermediate_clipping()
    {
        using var pattern = Pattern();
        using var corner = new SKBitmap(new SKImageInfo(6, 6, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        pattern.ExtractSubset(corner, new SKRectI(0, 0, 6, 6)).Should().BeTrue();
        var ours = new ImagePreprocessor(new PreprocessingOptions { Size = 9, Scaling = PixelScaling.Raw255 }).Process(corner);
        Matches(ours, tolerance: 8, meanTolerance: 1, pillow: "0,13,44,68,92,115,139,170,186,3,18,49,73,97,120,144,175,191,11,27,58,82,106,129,153,184,200,18,34,65,89,113,136,160,191,207,26,42,73,97,121,144,168,199,215,33,49,80,104,128,151,175,206,222,40,56,87,111,135,158,182,213,229,49,65,96,120,144,167,191,222,238,54,70,101,125,149,172,196,227,243,0,0,1,3,6,10,14,22,26,1,1,2,4,7,11,15,23,27,4,4,5,7,10,14,18,26,30,10,10,11,13,16,20,24,32,36,19,19,20,22,25,29,33,41,45,29,29,30,32,35,39,43,51,55,43,43,44,46,49,53,57,65,69,65,65,66,68,71,75,79,87,91,77,77,78,80,83,87,91,99,103,0,11,31,40,56,73,86,107,121,11,1,13,58,64,64,95,103,96,31,13,14,58,51,49,110,117,95,40,58,58,19,12,45,116,151,150,55,64,49,4,0,15,147,188,165,73,64,50,46,23,35,126,143,115,86,96,110,116,148,126,35,22,45,108,103,116,150,187,143,18,0,5,121,95,95,149,165,116,44,5,1");
    }

    [Fact]
    public void Bilinear_downscale_matches_pillow()
    {
        using var bitmap = Pattern();
        var ours = new ImagePreprocessor(new PreprocessingOptions { Size = 7, Filter = ResizeFilter.Bilinear, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        Matches(ours, "97,136,132,108,145,120,129,135,119,147,117,126,134,102,152,110,134,131,115,143,104,147,127,115,141,112,132,135,113,141,112,139,131,117,156,99,138,123,117,142,113,143,116,128,144,116,143,125,110,25,57,126,144,118,127,123,115,128,147,121,137,120,118,139,118,124,132,130,119,114,120,123,126,127,125,122,125,120,139,123,132,129,127,121,129,137,124,132,124,126,124,149,129,122,132,129,135,133,61,120,159,111,153,138,114,120,59,94,169,153,155,138,158,94,73,104,118,150,150,111,169,105,92,112,129,162,153,153,118,112,80,120,143,138,155,150,129,120,47,100,114,138,150,163,143,100,78");
    }
}
