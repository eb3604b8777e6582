using SkiaSharp;

namespace GalaxyMorphology.Tests.ImagingTests;

/// <summary>Builds small images and image files for tests.</summary>
internal static class TestImages
{
    /// <summary>An RGBA bitmap whose pixels come from <paramref name="pixel"/>(x, y).</summary>
    public static SKBitmap Bitmap(int width, int height, Func<int, int, SKColor> pixel)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, pixel(x, y));
        return bitmap;
    }

    public static SKBitmap Solid(int width, int height, SKColor color) => Bitmap(width, height, (_, _) => color);

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 95)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static string Write(string path, SKBitmap bitmap, SKEncodedImageFormat? format = null)
    {
        format ??= Path.GetExtension(path).ToLowerInvariant() is ".png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        File.WriteAllBytes(path, Encode(bitmap, format.Value));
        return path;
    }

    /// <summary>An 8-bit greyscale PNG.</summary>
    public static byte[] GreyPng(int width, int height, Func<int, int, byte> value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = value(x, y);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        return Encode(bitmap);
    }

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "galaxy-tests-" + Guid.NewGuid().ToString("N"));
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
