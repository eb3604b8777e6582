using System.Collections.Concurrent;

namespace GalaxyMorphology.Imaging;

/// <summary>
/// Separable resampling of 8-bit RGBA pixels into CHW floats, with PIL's geometry (pixel centres at +0.5, the filter
/// widened by the shrink factor so every source pixel contributes, weights clipped at the image border and renormalised).
/// Weights are computed once per geometry and cached; scratch buffers are per thread, so a call allocates nothing.
/// </summary>
internal static class Resampler
{
    private const int MaxCachedGeometries = 64;
    private static readonly ConcurrentDictionary<(int, double, double, int, ResizeFilter), Weights> Cache = new();

    [ThreadStatic] private static float[]? rowsScratch;
    [ThreadStatic] private static float[]? accumulatorScratch;

    /// <summary>Filter weights for one axis: output i reads <c>Count[i]</c> source pixels from <c>Start[i]</c>.</summary>
    internal sealed class Weights(int[] start, int[] count, float[] values, int stride)
    {
        public int[] Start { get; } = start;
        public int[] Count { get; } = count;
        public float[] Values { get; } = values;
        public int Stride { get; } = stride;
    }

    /// <summary>Support radius of a filter at scale 1.</summary>
    private static double Support(ResizeFilter filter) => filter switch
    {
        ResizeFilter.Lanczos3 => 3.0,
        ResizeFilter.Mitchell => 2.0,
        ResizeFilter.Bilinear => 1.0,
        _ => 0.5,
    };

    private static double Kernel(ResizeFilter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case ResizeFilter.Lanczos3:
                return x < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;
            case ResizeFilter.Bilinear:
                return x < 1.0 ? 1.0 - x : 0.0;
            case ResizeFilter.Mitchell:
                const double b = 1.0 / 3.0, c = 1.0 / 3.0;
                if (x < 1.0) return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x + (6 - 2 * b)) / 6.0;
                if (x < 2.0) return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6.0;
                return 0.0;
            default:
                return x < 0.5 ? 1.0 : 0.0;
        }
    }

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    /// <summary>Weights mapping <paramref name="extent"/> source pixels from <paramref name="offset"/> onto <paramref name="dstLength"/> outputs.</summary>
    internal static Weights GetWeights(int srcLength, double offset, double extent, int dstLength, ResizeFilter filter)
    {
        var key = (srcLength, offset, extent, dstLength, filter);
        if (Cache.TryGetValue(key, out var cached)) return cached;
        var weights = Compute(srcLength, offset, extent, dstLength, filter);
        if (Cache.Count >= MaxCachedGeometries) Cache.Clear();
        Cache[key] = weights;
        return weights;
    }

    internal static Weights Compute(int srcLength, double offset, double extent, int dstLength, ResizeFilter filter)
    {
        var scale = extent / dstLength;
        var start = new int[dstLength];
        var count = new int[dstLength];
        if (filter == ResizeFilter.Nearest)
        {
            var ones = new float[dstLength];
            for (var i = 0; i < dstLength; i++)
            {
                start[i] = Math.Clamp((int)Math.Floor(offset + (i + 0.5) * scale), 0, srcLength - 1);
                count[i] = 1;
                ones[i] = 1f;
            }
            return new Weights(start, count, ones, 1);
        }
        var filterScale = Math.Max(scale, 1.0);
        var support = Support(filter) * filterScale;
        var stride = (int)Math.Ceiling(support) * 2 + 1;
        var values = new float[dstLength * stride];
        var buffer = new double[stride];
        for (var i = 0; i < dstLength; i++)
        {
            var center = offset + (i + 0.5) * scale;
            var min = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            var max = Math.Min((int)Math.Floor(center + support + 0.5), srcLength);
            var n = Math.Min(max - min, stride);
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                var w = Kernel(filter, (min + k - center + 0.5) / filterScale);
                buffer[k] = w;
                sum += w;
            }
            if (n <= 0 || sum == 0.0)
            {
                // The window fell outside the image (cannot happen for in-bounds crops): take the nearest pixel.
                min = Math.Clamp((int)Math.Floor(center), 0, srcLength - 1);
                n = 1;
                buffer[0] = sum = 1.0;
            }
            start[i] = min;
            count[i] = n;
            for (var k = 0; k < n; k++) values[i * stride + k] = (float)(buffer[k] / sum);
        }
        return new Weights(start, count, values, stride);
    }

    /// <summary>
    /// Resamples the source rectangle (<paramref name="x0"/>, <paramref name="y0"/>, <paramref name="width"/>×<paramref name="height"/>, fractional
    /// allowed) of an RGBA8888 image into a <paramref name="size"/>² CHW destination; each output value v in 0..255 (clamped) is written as
    /// <c>v * scale[c] + shift[c]</c>.
    /// </summary>
    internal static unsafe void Resample(byte* pixels, int srcWidth, int srcHeight, int rowBytes,
        double x0, double y0, double width, double height, int size, ResizeFilter filter,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> destination)
    {
        var wx = GetWeights(srcWidth, x0, width, size, filter);
        var wy = GetWeights(srcHeight, y0, height, size, filter);
        var firstRow = wy.Start[0];
        var lastRow = 0;
        for (var i = 0; i < size; i++)
        {
            firstRow = Math.Min(firstRow, wy.Start[i]);
            lastRow = Math.Max(lastRow, wy.Start[i] + wy.Count[i]);
        }
        var rows = lastRow - firstRow;
        var rowFloats = size * 3;
        var temp = Scratch(ref rowsScratch, rows * rowFloats);
        var acc = Scratch(ref accumulatorScratch, rowFloats);

        fixed (float* tempBase = temp)
        fixed (float* accBase = acc)
        fixed (float* wxValues = wx.Values)
        fixed (float* wyValues = wy.Values)
        fixed (float* outBase = destination)
        {
            // Horizontal pass: each needed source row → size RGB floats.
            for (var r = 0; r < rows; r++)
            {
                var src = pixels + (long)(firstRow + r) * rowBytes;
                var dst = tempBase + r * rowFloats;
                for (var x = 0; x < size; x++)
                {
                    var p = src + wx.Start[x] * 4;
                    var w = wxValues + x * wx.Stride;
                    var n = wx.Count[x];
                    float red = 0, green = 0, blue = 0;
                    for (var k = 0; k < n; k++, p += 4)
                    {
                        var wk = w[k];
                        red += wk * p[0];
                        green += wk * p[1];
                        blue += wk * p[2];
                    }
                    dst[x * 3] = red;
                    dst[x * 3 + 1] = green;
                    dst[x * 3 + 2] = blue;
                }
            }
            // Vertical pass: weighted sum of temp rows, then clamp, scale and scatter to CHW.
            var plane = size * size;
            var accSpan = new Span<float>(accBase, rowFloats);
            for (var y = 0; y < size; y++)
            {
                accSpan.Clear();
                var w = wyValues + y * wy.Stride;
                var n = wy.Count[y];
                for (var k = 0; k < n; k++)
                {
                    var row = tempBase + (wy.Start[y] + k - firstRow) * rowFloats;
                    var wk = w[k];
                    for (var i = 0; i < rowFloats; i++) accBase[i] += wk * row[i];
                }
                var outRow = outBase + y * size;
                for (var c = 0; c < 3; c++)
                {
                    var a = scale[c];
                    var b = shift[c];
                    var o = outRow + c * plane;
                    for (var x = 0; x < size; x++) o[x] = Math.Clamp(accBase[x * 3 + c], 0f, 255f) * a + b;
                }
            }
        }
    }

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[Math.Max(length, 1024)];
        return buffer;
    }
}
