using GalaxyMorphology.Imaging;
using SkiaSharp;

namespace GalaxyMorphology.Tests.ImagingTests;

public class ImagePreprocessorTests
{
    private static float[] Plane(float[] chw, int size, int channel) => chw.AsSpan(channel * size * size, size * size).ToArray();

    [Theory]
    [InlineData(ResizeFilter.Lanczos3)]
    [InlineData(ResizeFilter.Mitchell)]
    [InlineData(ResizeFilter.Bilinear)]
    [InlineData(ResizeFilter.Nearest)]
    public void A_constant_image_stays_constant_with_every_filter(ResizeFilter filter)
    {
        using var bitmap = TestImages.Solid(100, 70, new SKColor(10, 128, 250));
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 16, Filter = filter }).Process(bitmap);
        output.Should().HaveCount(3 * 16 * 16);
        Plane(output, 16, 0).Should().OnlyContain(v => Math.Abs(v - 10 / 255f) < 1e-5);
        Plane(output, 16, 1).Should().OnlyContain(v => Math.Abs(v - 128 / 255f) < 1e-5);
        Plane(output, 16, 2).Should().OnlyContain(v => Math.Abs(v - 250 / 255f) < 1e-5);
    }

    [Fact]
    public void Downscaling_a_linear_ramp_keeps_it_linear_away_from_the_border()
    {
        // R = 2x: the Lanczos kernel is symmetric and normalised, so a ramp sampled at the output centres stays exact.
        using var bitmap = TestImages.Bitmap(96, 96, (x, _) => new SKColor((byte)(2 * x), 0, 0));
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 24, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        for (var y = 0; y < 24; y++)
            for (var x = 3; x < 21; x++)
            {
                var center = (x + 0.5) * 4 - 0.5;
                output[y * 24 + x].Should().BeApproximately((float)(2 * center), 0.02f, $"output ({x}, {y})");
            }
    }

    [Fact]
    public void Lanczos_matches_a_direct_two_dimensional_reference()
    {
        var random = new Random(7);
        var values = new byte[30, 30];
        for (var y = 0; y < 30; y++) for (var x = 0; x < 30; x++) values[y, x] = (byte)random.Next(256);
        using var bitmap = TestImages.Bitmap(30, 30, (x, y) => new SKColor(values[y, x], values[y, x], values[y, x]));
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 7, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        for (var oy = 0; oy < 7; oy++)
            for (var ox = 0; ox < 7; ox++)
            {
                var expected = Math.Clamp(Reference(values, 30, 7, ox, oy), 0, 255);
                output[oy * 7 + ox].Should().BeApproximately((float)expected, 0.01f);
            }
    }

    /// <summary>PIL's LANCZOS geometry, written directly: 2D sum of normalised separable weights, in double precision.</summary>
    private static double Reference(byte[,] src, int n, int size, int ox, int oy)
    {
        var scale = (double)n / size;
        double[] Weights(int o, out int start)
        {
            var center = (o + 0.5) * scale;
            var support = 3 * scale;
            start = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            var end = Math.Min((int)Math.Floor(center + support + 0.5), n);
            var w = new double[end - start];
            for (var i = 0; i < w.Length; i++)
            {
                var t = (start + i - center + 0.5) / scale;
                w[i] = Math.Abs(t) >= 3 ? 0 : t == 0 ? 1 : 3 * Math.Sin(Math.PI * t) * Math.Sin(Math.PI * t / 3) / (Math.PI * Math.PI * t * t);
            }
            var sum = w.Sum();
            return w.Select(v => v / sum).ToArray();
        }
        var wx = Weights(ox, out var x0);
        var wy = Weights(oy, out var y0);
        double acc = 0;
        for (var j = 0; j < wy.Length; j++)
            for (var i = 0; i < wx.Length; i++)
                acc += wy[j] * wx[i] * src[y0 + j, x0 + i];
        return acc;
    }

    [Fact]
    public void Channels_come_out_as_r_g_b_planes_and_scaling_modes_apply()
    {
        using var bitmap = TestImages.Solid(8, 8, new SKColor(255, 51, 0));
        var unit = new ImagePreprocessor(new PreprocessingOptions { Size = 4 }).Process(bitmap);
        unit[0].Should().BeApproximately(1f, 1e-6f);
        unit[16].Should().BeApproximately(0.2f, 1e-6f);
        unit[32].Should().Be(0f);
        var raw = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        raw[16].Should().BeApproximately(51f, 1e-4f);
        var standardized = new ImagePreprocessor(new PreprocessingOptions
        {
            Size = 4, Scaling = PixelScaling.Standardize, Mean = [0.5f, 0.1f, 0.0f], Std = [0.25f, 0.5f, 2f],
        }).Process(bitmap);
        standardized[0].Should().BeApproximately(2f, 1e-5f);
        standardized[16].Should().BeApproximately(0.2f, 1e-5f);
        standardized[32].Should().BeApproximately(0f, 1e-6f);
    }

    [Fact]
    public void Greyscale_png_becomes_three_equal_planes()
    {
        var png = TestImages.GreyPng(20, 20, (x, y) => (byte)(x * 10 + y));
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 10 }).Process(png);
        Plane(output, 10, 0).Should().Equal(Plane(output, 10, 1));
        Plane(output, 10, 0).Should().Equal(Plane(output, 10, 2));
        Plane(output, 10, 0).Distinct().Should().HaveCountGreaterThan(10);
    }

    [Theory]
    [InlineData(SKColorType.Bgra8888)]
    [InlineData(SKColorType.Rgb565)]
    [InlineData(SKColorType.Rgb888x)]
    [InlineData(SKColorType.RgbaF16)]
    [InlineData(SKColorType.Gray8)]
    public void Bitmaps_of_any_colour_type_become_rgb(SKColorType colorType)
    {
        using var source = TestImages.Solid(8, 8, colorType == SKColorType.Gray8 ? new SKColor(132, 132, 132) : new SKColor(255, 132, 0));
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, colorType, SKAlphaType.Premul));
        source.CopyTo(bitmap, colorType).Should().BeTrue();
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        var expected = colorType == SKColorType.Gray8 ? new[] { 132f, 132f, 132f } : [255f, 132f, 0f];
        for (var c = 0; c < 3; c++) Plane(output, 4, c).Should().OnlyContain(v => Math.Abs(v - expected[c]) <= 5, $"channel {c}");
    }

    [Fact]
    public void Cmyk_jpeg_becomes_rgb()
    {
        // Inverted Adobe CMYK: R = C·K/255, G = M·K/255, B = Y·K/255.
        var jpeg = CmykJpeg.Solid(255, 132, 0, 255);
        using (var codec = SKCodec.Create(new MemoryStream(jpeg))) codec.Should().NotBeNull("the hand-written CMYK JPEG must be well formed");
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Scaling = PixelScaling.Raw255 }).Process(jpeg);
        Plane(output, 4, 0).Should().OnlyContain(v => Math.Abs(v - 255) <= 2);
        Plane(output, 4, 1).Should().OnlyContain(v => Math.Abs(v - 132) <= 2);
        Plane(output, 4, 2).Should().OnlyContain(v => Math.Abs(v - 0) <= 2);
        var dark = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Scaling = PixelScaling.Raw255 }).Process(CmykJpeg.Solid(255, 255, 255, 51));
        dark.Should().OnlyContain(v => Math.Abs(v - 51) <= 2);
    }

    [Fact]
    public void Transparent_pixels_are_composited_over_black()
    {
        using var bitmap = TestImages.Solid(8, 8, new SKColor(200, 100, 50, 128));
        var output = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Scaling = PixelScaling.Raw255 }).Process(TestImages.Encode(bitmap));
        output[0].Should().BeApproximately(200 * 128 / 255f, 1.5f);
        output[32].Should().BeApproximately(50 * 128 / 255f, 1.5f);
    }

    [Fact]
    public void Centre_crop_keeps_only_the_centre()
    {
        // 60x60 black with a white 20x20 centre: cropping 20 leaves only white.
        using var bitmap = TestImages.Bitmap(60, 60, (x, y) => x is >= 20 and < 40 && y is >= 20 and < 40 ? SKColors.White : SKColors.Black);
        var cropped = new ImagePreprocessor(new PreprocessingOptions { Size = 10, CropSize = 20 }).Process(bitmap);
        cropped.Should().OnlyContain(v => Math.Abs(v - 1f) < 1e-5);
        var whole = new ImagePreprocessor(new PreprocessingOptions { Size = 10 }).Process(bitmap);
        whole[0].Should().BeApproximately(0f, 1e-5f);
    }

    [Fact]
    public void File_stream_bytes_and_bitmap_inputs_agree()
    {
        using var folder = new TestImages.TempFolder();
        using var bitmap = TestImages.Bitmap(40, 30, (x, y) => new SKColor((byte)(x * 6), (byte)(y * 8), (byte)(x + y)));
        var bytes = TestImages.Encode(bitmap);
        var path = folder.File("1.png");
        File.WriteAllBytes(path, bytes);
        var pre = new ImagePreprocessor(new PreprocessingOptions { Size = 12, Filter = ResizeFilter.Mitchell });
        var fromPath = pre.Process(path);
        using (var stream = File.OpenRead(path)) pre.Process(stream).Should().Equal(fromPath);
        pre.Process(bytes).Should().Equal(fromPath);
        pre.Process(bitmap).Should().Equal(fromPath);
    }

    [Fact]
    public void Scaled_jpeg_decoding_is_close_to_a_full_decode()
    {
        using var bitmap = TestImages.Bitmap(424, 424, (x, y) =>
        {
            var r = Math.Sqrt((x - 212.0) * (x - 212.0) + (y - 212.0) * (y - 212.0));
            var v = (byte)(255 * Math.Exp(-r * r / (2 * 60.0 * 60.0)));
            return new SKColor(v, (byte)(v * 0.8), (byte)(v * 0.6));
        });
        var jpeg = TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 95);
        var fast = new ImagePreprocessor(new PreprocessingOptions { Size = 64, ScaledDecoding = true }).Process(jpeg);
        var full = new ImagePreprocessor(new PreprocessingOptions { Size = 64, ScaledDecoding = false }).Process(jpeg);
        var crop = new ImagePreprocessor(new PreprocessingOptions { Size = 64, CropSize = 207, ScaledDecoding = true }).Process(jpeg);
        var cropFull = new ImagePreprocessor(new PreprocessingOptions { Size = 64, CropSize = 207, ScaledDecoding = false }).Process(jpeg);
        fast.Zip(full, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(0.03f);
        crop.Zip(cropFull, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(0.03f);

        // 424 -> 224 decodes at 5/8 (265 px) in the inverse DCT, then Lanczos-3 finishes: close to the full decode
        var notebook = PreprocessingOptions.Notebook with { Scaling = PixelScaling.UnitRange };
        var big = new ImagePreprocessor(notebook with { ScaledDecoding = true }).Process(jpeg);
        var bigFull = new ImagePreprocessor(notebook with { ScaledDecoding = false }).Process(jpeg);
        big.Zip(bigFull, (a, b) => Math.Abs(a - b)).Average().Should().BeLessThan(0.004f);
        big.Zip(bigFull, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(0.03f);
    }

    [Fact]
    public void Bad_files_throw_invalid_image_exceptions_naming_the_file()
    {
        using var folder = new TestImages.TempFolder();
        var pre = new ImagePreprocessor(new PreprocessingOptions { Size = 8 });
        using var bitmap = TestImages.Bitmap(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), 7));
        var jpeg = TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg);

        var empty = folder.File("empty.jpg");
        File.WriteAllBytes(empty, []);
        var text = folder.File("text.jpg");
        File.WriteAllText(text, "GalaxyID,Class1.1\n1,0.5\n");
        var truncated = folder.File("truncated.jpg");
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length / 2)]);
        var missing = folder.File("missing.jpg");

        foreach (var (path, words) in new[] { (empty, "empty"), (text, "not a decodable image"), (truncated, "truncated"), (missing, "does not exist") })
        {
            var act = () => pre.Process(path);
            act.Should().Throw<InvalidImageException>().Where(e => e.Message.Contains(path) && e.Message.Contains(words) && e.File == path, path);
        }
        var big = folder.File("big.png");
        File.WriteAllBytes(big, TestImages.Encode(bitmap));
        var tooBig = () => new ImagePreprocessor(new PreprocessingOptions { Size = 8, MaxImagePixels = 1000 }).Process(big);
        tooBig.Should().Throw<InvalidImageException>().WithMessage("*big.png*64x64*1000 pixels*");
        var cropTooBig = () => new ImagePreprocessor(new PreprocessingOptions { Size = 8, CropSize = 100 }).Process(big);
        cropTooBig.Should().Throw<InvalidImageException>().WithMessage("*big.png*smaller than the 100x100 centre crop*");
        var bytes = () => pre.Process(Array.Empty<byte>());
        bytes.Should().Throw<InvalidImageException>().WithMessage("*empty*");
    }

    [Fact]
    public void Parallel_use_gives_the_same_pixels()
    {
        using var bitmap = TestImages.Bitmap(50, 50, (x, y) => new SKColor((byte)(x * 5), (byte)(y * 5), (byte)(x ^ y)));
        var png = TestImages.Encode(bitmap);
        var pre = new ImagePreprocessor(new PreprocessingOptions { Size = 13 });
        var expected = pre.Process(png);
        var results = new float[16][];
        Parallel.For(0, 16, i => results[i] = pre.Process(png));
        results.Should().OnlyContain(r => r.SequenceEqual(expected));
    }

    [Fact]
    public void Upscaling_works_and_nearest_picks_source_pixels()
    {
        using var bitmap = TestImages.Bitmap(2, 2, (x, y) => new SKColor((byte)(100 * x), (byte)(100 * y), 0));
        var up = new ImagePreprocessor(new PreprocessingOptions { Size = 4, Filter = ResizeFilter.Nearest, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        Plane(up, 4, 0).Should().Equal(0, 0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100);
        var smooth = new ImagePreprocessor(new PreprocessingOptions { Size = 8, Scaling = PixelScaling.Raw255 }).Process(bitmap);
        smooth.Should().OnlyContain(v => v >= 0 && v <= 255);
    }
}
