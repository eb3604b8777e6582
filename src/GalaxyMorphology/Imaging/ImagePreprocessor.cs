using System.Buffers;
using GalaxyMorphology.Data;
using SkiaSharp;

namespace GalaxyMorphology.Imaging;

/// <summary>
/// Turns an image (file, stream, encoded bytes or <see cref="SKBitmap"/>) into network input as its
/// <see cref="PreprocessingOptions"/> say: decode with Skia (any colour type to RGB; transparent pixels are composited
/// over black, the sky colour), centre crop, separable resize, scale. Output: CHW float[3 × Size × Size], R, G, B planes.
/// Thread-safe: one instance can serve every loader thread.
/// </summary>
public sealed class ImagePreprocessor
{
    // libjpeg-turbo scales in eighths during the inverse DCT; the smallest that keeps the crop at least Size wins.
    private static readonly float[] JpegScales = [1 / 8f, 2 / 8f, 3 / 8f, 4 / 8f, 5 / 8f, 6 / 8f, 7 / 8f];
    private readonly float[] scale = new float[3];
    private readonly float[] shift = new float[3];

    /// <summary>The options in force.</summary>
    public PreprocessingOptions Options { get; }

    /// <summary>Creates a preprocessor.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="PreprocessingOptions.Validate"/>).</exception>
    public ImagePreprocessor(PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        for (var c = 0; c < 3; c++)
        {
            (scale[c], shift[c]) = options.Scaling switch
            {
                PixelScaling.Raw255 => (1f, 0f),
                PixelScaling.UnitRange => (1f / 255f, 0f),
                _ => (1f / (255f * options.Std![c]), -options.Mean![c] / options.Std![c]),
            };
        }
    }

    /// <summary>Shape of the output: (3, Size, Size).</summary>
    public ImageShape Shape => new(3, Options.Size, Options.Size);

    /// <summary>Decodes and preprocesses the image file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidImageException">The file is missing, empty, not an image, truncated, too large or smaller than the crop.</exception>
    public float[] Process(string path)
    {
        var output = new float[Shape.Length];
        ProcessInto(path, output);
        return output;
    }

    /// <summary>Decodes and preprocesses the image file at <paramref name="path"/> into <paramref name="destination"/> (length 3 × Size × Size).</summary>
    /// <exception cref="InvalidImageException">The file is unusable; the message names it.</exception>
    public void ProcessInto(string path, Span<float> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckDestination(destination);
        using var data = OpenFile(path);
        Decode(data, path, destination);
    }

    /// <summary>Decodes and preprocesses an encoded image read from <paramref name="stream"/> (to its end).</summary>
    /// <exception cref="InvalidImageException">The data is not a usable image.</exception>
    public float[] Process(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Process(copy.ToArray(), stream is FileStream fs ? fs.Name : null);
    }

    /// <summary>Decodes and preprocesses an encoded image (JPEG, PNG, ...).</summary>
    /// <exception cref="InvalidImageException">The data is not a usable image.</exception>
    public float[] Process(byte[] encoded) => Process(encoded, null);

    private float[] Process(byte[] encoded, string? name)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length == 0) throw new InvalidImageException("the image data is empty (0 bytes)", name);
        var output = new float[Shape.Length];
        using var data = SKData.CreateCopy(encoded);
        Decode(data, name, output);
        return output;
    }

    /// <summary>Preprocesses an already decoded bitmap (any colour type).</summary>
    /// <exception cref="InvalidImageException">The bitmap is empty or smaller than the crop.</exception>
    public float[] Process(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var output = new float[Shape.Length];
        if (bitmap.Width <= 0 || bitmap.Height <= 0) throw new InvalidImageException("the bitmap is empty", null);
        CheckPixels(bitmap.Width, bitmap.Height, null);
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var buffer = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    using var pixmap = bitmap.PeekPixels();
                    if (pixmap is null || !pixmap.ReadPixels(info, (IntPtr)p, info.RowBytes, 0, 0))
                        throw new InvalidImageException($"cannot read the bitmap's pixels (colour type {bitmap.ColorType})", null);
                    Resize(p, info.Width, info.Height, info.RowBytes, 1.0, 1.0, null, output);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return output;
    }

    /// <summary>Reads only the header of the image at <paramref name="path"/>: its width and height.</summary>
    /// <exception cref="InvalidImageException">The file is missing, empty, not an image or larger than <paramref name="maxPixels"/>.</exception>
    public static (int Width, int Height) ReadSize(string path, long maxPixels = PreprocessingOptions.DefaultMaxImagePixels)
    {
        using var data = OpenFile(path);
        using var codec = CreateCodec(data, path);
        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
            throw new InvalidImageException($"the image is {info.Width}x{info.Height}, more than the {maxPixels} pixels allowed", path);
        return (info.Width, info.Height);
    }

    private static SKData OpenFile(string path)
    {
        FileInfo file;
        try
        {
            file = new FileInfo(path);
            if (!file.Exists) throw new InvalidImageException("the image file does not exist", path, new FileNotFoundException(null, path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or UnauthorizedAccessException or IOException)
        {
            throw new InvalidImageException($"cannot open the image file: {ex.Message}", path, ex);
        }
        if (file.Length == 0) throw new InvalidImageException("the image file is empty (0 bytes)", path);
        return SKData.Create(path) ?? throw new InvalidImageException("cannot read the image file", path);
    }

    private static SKCodec CreateCodec(SKData data, string? name) =>
        SKCodec.Create(data) ?? throw new InvalidImageException("not a decodable image (expected JPEG, PNG, WebP, GIF or BMP data)", name);

    private void CheckDestination(Span<float> destination)
    {
        if (destination.Length != Shape.Length)
            throw new ArgumentException($"destination has {destination.Length} floats, expected {Shape.Length} ({Shape})", nameof(destination));
    }

    private void CheckPixels(int width, int height, string? name)
    {
        if ((long)width * height > Options.MaxImagePixels)
            throw new InvalidImageException($"the image is {width}x{height}, more than the {Options.MaxImagePixels} pixels allowed (PreprocessingOptions.MaxImagePixels)", name);
        if (Options.CropSize is int crop && (crop > width || crop > height))
            throw new InvalidImageException($"the image is {width}x{height}, smaller than the {crop}x{crop} centre crop (PreprocessingOptions.CropSize)", name);
    }

    private void Decode(SKData data, string? name, Span<float> destination)
    {
        using var codec = CreateCodec(data, name);
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0) throw new InvalidImageException($"the image header gives a size of {width}x{height}", name);
        CheckPixels(width, height, name);
        var (decodeWidth, decodeHeight) = DecodeSize(codec, width, height);
        var info = new SKImageInfo(decodeWidth, decodeHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
        var buffer = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    var result = codec.GetPixels(info, (IntPtr)p);
                    if (result != SKCodecResult.Success)
                        throw new InvalidImageException(result == SKCodecResult.IncompleteInput
                            ? "the image data is truncated or corrupt (the decoder ran out of input)"
                            : $"the image cannot be decoded ({result})", name);
                    Resize(p, decodeWidth, decodeHeight, info.RowBytes, (double)decodeWidth / width, (double)decodeHeight / height, name, destination);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The smallest size the codec can decode to that keeps the (cropped) image at least Size pixels on each side.</summary>
    private (int Width, int Height) DecodeSize(SKCodec codec, int width, int height)
    {
        if (!Options.ScaledDecoding) return (width, height);
        var cropW = Options.CropSize ?? width;
        var cropH = Options.CropSize ?? height;
        foreach (var desired in JpegScales)
        {
            var scaled = codec.GetScaledDimensions(desired);
            if (scaled.Width <= 0 || scaled.Height <= 0 || scaled.Width >= width) continue;
            var sx = (double)scaled.Width / width;
            var sy = (double)scaled.Height / height;
            if (cropW * sx >= Options.Size && cropH * sy >= Options.Size) return (scaled.Width, scaled.Height);
        }
        return (width, height);
    }

    private unsafe void Resize(byte* pixels, int width, int height, int rowBytes, double sx, double sy, string? name, Span<float> destination)
    {
        double x0 = 0, y0 = 0, w = width, h = height;
        if (Options.CropSize is int crop)
        {
            // Crop in original pixels, mapped onto the (possibly downscaled) decode: fractional edges are fine for the resampler.
            w = crop * sx;
            h = crop * sy;
            x0 = (width - w) / 2.0;
            y0 = (height - h) / 2.0;
        }
        if (destination.Length != Shape.Length) throw new InvalidImageException("internal: wrong destination length", name);
        Resampler.Resample(pixels, width, height, rowBytes, x0, y0, w, h, Options.Size, Options.Filter, scale, shift, destination);
    }
}
