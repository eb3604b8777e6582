using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace GalaxyMorphology.Imaging;

/// <summary>
/// Separable resampling of 8-bit RGBA pixels into CHW floats, with PIL's geometry (pixel centres at +0.5, the filter
/// widened by the shrink factor so every source pixel contributes, weights clipped at the edge of the source rectangle and renormalised).
/// Weights are computed once per geometry and cached; scratch buffers are per thread, so a call allocates nothing.
/// </summary>
internal static class Resampler
{
    private const int MaxCachedGeometries = 64;
    private static readonly ConcurrentDictionary<(int, double, double, int, ResizeFilter), Weights> Cache = new();

    [ThreadStatic] private static float[]? rowsScratch; // source rows as floats
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
        // Clip windows to the source rectangle (a crop behaves like crop-then-resize); fractional edges keep their partial pixel.
        var lo = Math.Max(0, (int)Math.Floor(offset + 1e-9));
        var hi = Math.Min(srcLength, (int)Math.Ceiling(offset + extent - 1e-9));
        var start = new int[dstLength];
        var count = new int[dstLength];
        if (filter == ResizeFilter.Nearest)
        {
            var ones = new float[dstLength];
            for (var i = 0; i < dstLength; i++)
            {
                start[i] = Math.Clamp((int)Math.Floor(offset + (i + 0.5) * scale), lo, hi - 1);
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
            var min = Math.Max((int)Math.Floor(center - support + 0.5), lo);
            var max = Math.Min((int)Math.Floor(center + support + 0.5), hi);
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
                min = Math.Clamp((int)Math.Floor(center), lo, hi - 1);
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
    /// <c>v * scale[c] + shift[c]</c>. The vertical pass runs first, over contiguous float rows (SIMD), then the horizontal pass
    /// reads one RGBA pixel as one 128-bit vector per tap.
    /// </summary>
    internal static unsafe void Resample(byte* pixels, int srcWidth, int srcHeight, int rowBytes,
        double x0, double y0, double width, double height, int size, ResizeFilter filter,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> destination)
    {
        var wx = GetWeights(srcWidth, x0, width, size, filter);
        var wy = GetWeights(srcHeight, y0, height, size, filter);
        var (firstRow, lastRow) = Range(wy, size);
        var (firstCol, lastCol) = Range(wx, size);
        var rows = lastRow - firstRow;
        var rowFloats = (lastCol - firstCol) * 4;
        var source = Scratch(ref rowsScratch, rows * rowFloats);
        var line = Scratch(ref accumulatorScratch, rowFloats);
        var plane = size * size;
        float scaleR = scale[0], scaleG = scale[1], scaleB = scale[2];
        float shiftR = shift[0], shiftG = shift[1], shiftB = shift[2];
        var low = Vector128<float>.Zero;
        var high = Vector128.Create(255f);

        fixed (float* sourceBase = source)
        fixed (float* lineBase = line)
        fixed (float* wxValues = wx.Values)
        fixed (float* wyValues = wy.Values)
        fixed (float* outBase = destination)
        {
            for (var r = 0; r < rows; r++)
                ToFloats(pixels + (long)(firstRow + r) * rowBytes + firstCol * 4, sourceBase + (long)r * rowFloats, rowFloats);
            for (var y = 0; y < size; y++)
            {
                // Vertical: line = Σ_k wy[k] · row[start + k], over whole rows.
                var w = wyValues + y * wy.Stride;
                var n = wy.Count[y];
                var first = sourceBase + (long)(wy.Start[y] - firstRow) * rowFloats;
                Scale(lineBase, first, w[0], rowFloats);
                for (var k = 1; k < n; k++) MultiplyAdd(lineBase, first + (long)k * rowFloats, w[k], rowFloats);

                // Horizontal: one RGBA pixel per 128-bit vector.
                var outRow = outBase + y * size;
                for (var x = 0; x < size; x++)
                {
                    var p = lineBase + (wx.Start[x] - firstCol) * 4;
                    var wk = wxValues + x * wx.Stride;
                    var taps = wx.Count[x];
                    var acc = Vector128<float>.Zero;
                    for (var k = 0; k < taps; k++, p += 4) acc += Vector128.Create(wk[k]) * Vector128.Load(p);
                    acc = Vector128.Min(Vector128.Max(acc, low), high);
                    outRow[x] = acc.GetElement(0) * scaleR + shiftR;
                    outRow[plane + x] = acc.GetElement(1) * scaleG + shiftG;
                    outRow[2 * plane + x] = acc.GetElement(2) * scaleB + shiftB;
                }
            }
        }
    }

    private static (int First, int Last) Range(Weights weights, int size)
    {
        var first = int.MaxValue;
        var last = 0;
        for (var i = 0; i < size; i++)
        {
            first = Math.Min(first, weights.Start[i]);
            last = Math.Max(last, weights.Start[i] + weights.Count[i]);
        }
        return (first, last);
    }

    private static unsafe void ToFloats(byte* source, float* destination, int count)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var step = Vector<byte>.Count;
            var part = Vector<uint>.Count;
            for (; i <= count - step; i += step)
            {
                Vector.Widen(Vector.Load(source + i), out var low16, out var high16);
                Vector.Widen(low16, out var a, out var b);
                Vector.Widen(high16, out var c, out var d);
                Vector.ConvertToSingle(a).Store(destination + i);
                Vector.ConvertToSingle(b).Store(destination + i + part);
                Vector.ConvertToSingle(c).Store(destination + i + 2 * part);
                Vector.ConvertToSingle(d).Store(destination + i + 3 * part);
            }
        }
        for (; i < count; i++) destination[i] = source[i];
    }

    private static unsafe void Scale(float* destination, float* source, float weight, int count)
    {
        var i = 0;
        var w = new Vector<float>(weight);
        for (; i <= count - Vector<float>.Count; i += Vector<float>.Count) (w * Vector.Load(source + i)).Store(destination + i);
        for (; i < count; i++) destination[i] = weight * source[i];
    }

    private static unsafe void MultiplyAdd(float* destination, float* source, float weight, int count)
    {
        var i = 0;
        var w = new Vector<float>(weight);
        for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
            (Vector.Load(destination + i) + w * Vector.Load(source + i)).Store(destination + i);
        for (; i < count; i++) destination[i] += weight * source[i];
    }

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[Math.Max(length, 1024)];
        return buffer;
    }
}
