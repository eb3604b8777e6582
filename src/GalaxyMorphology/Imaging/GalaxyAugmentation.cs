using GalaxyMorphology.Data;

namespace GalaxyMorphology.Imaging;

/// <summary>
/// Random flips, 90° rotations, any-angle rotation, zoom, shift and brightness, composed into one affine map and
/// applied in place with bilinear sampling (exact copies when only flips and 90° turns are drawn). Thread-safe;
/// uses per-thread scratch memory, so a call allocates nothing; the same <see cref="Random"/> state gives the same result.
/// </summary>
public sealed class GalaxyAugmentation : IImageAugmentation
{
    [ThreadStatic] private static float[]? scratch;

    /// <summary>Creates the augmentation.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public GalaxyAugmentation(AugmentationOptions? options = null)
    {
        Options = options ?? AugmentationOptions.Dihedral;
        Options.Validate();
    }

    /// <summary>The options in force.</summary>
    public AugmentationOptions Options { get; }

    /// <inheritdoc />
    public void Apply(Span<float> chw, ImageShape shape, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (chw.Length != shape.Length)
            throw new ArgumentException($"image has {chw.Length} floats, expected {shape.Length} ({shape})", nameof(chw));
        var o = Options;
        // Draw in a fixed order, only for enabled transforms: the result depends on the options and the Random alone.
        var flip = o.Flip && random.Next(2) == 1;
        var quarter = o.Rotate90 ? random.Next(4) : 0;
        var angle = o.MaxRotationDegrees > 0 ? (random.NextDouble() * 2 - 1) * o.MaxRotationDegrees * Math.PI / 180 : 0.0;
        var zoom = o.MaxZoom > 0 ? Math.Exp((random.NextDouble() * 2 - 1) * Math.Log(1 + o.MaxZoom)) : 1.0;
        var shiftX = o.MaxShiftFraction > 0 ? (random.NextDouble() * 2 - 1) * o.MaxShiftFraction * shape.Width : 0.0;
        var shiftY = o.MaxShiftFraction > 0 ? (random.NextDouble() * 2 - 1) * o.MaxShiftFraction * shape.Height : 0.0;
        var brightness = o.BrightnessJitter > 0 ? 1 + (random.NextDouble() * 2 - 1) * o.BrightnessJitter : 1.0;

        if (flip || quarter != 0 || angle != 0 || zoom != 1 || shiftX != 0 || shiftY != 0)
            Transform(chw, shape, flip, quarter, angle, zoom, shiftX, shiftY);
        if (brightness != 1)
        {
            var factor = (float)brightness;
            foreach (ref var v in chw) v *= factor;
        }
    }

    /// <summary>
    /// Output pixel p reads input at M·(p − c − shift) + c, where M inverts "flip, then quarter turns, then rotate by angle, then zoom".
    /// </summary>
    private void Transform(Span<float> chw, ImageShape shape, bool flip, int quarter, double angle, double zoom, double shiftX, double shiftY)
    {
        var (h, w) = (shape.Height, shape.Width);
        if (quarter % 2 == 1 && h != w) quarter = (quarter + 1) % 4 / 2 * 2; // 90° turns need a square: use 0 or 180 instead
        // Forward map F = Z · R(angle) · Q(quarter) · Flip; inverse M = Flip · Q(-quarter) · R(-angle) / zoom.
        var cos = Math.Cos(angle) / zoom;
        var sin = Math.Sin(angle) / zoom;
        // R(-angle)/zoom = [[cos, sin], [-sin, cos]]
        double a = cos, b = sin, c = -sin, d = cos;
        for (var q = 0; q < quarter; q++)
        {
            // Q(-90°) = [[0, 1], [-1, 0]] applied on the left: rows (c, d), (-a, -b)
            (a, b, c, d) = (c, d, -a, -b);
        }
        if (flip)
        {
            a = -a;
            b = -b;
        }
        var exact = angle == 0 && zoom == 1 && shiftX == Math.Round(shiftX) && shiftY == Math.Round(shiftY);
        var cx = (w - 1) / 2.0;
        var cy = (h - 1) / 2.0;
        var plane = h * w;
        var source = scratch is { } s && s.Length >= chw.Length ? s : scratch = new float[Math.Max(chw.Length, 3 * 64 * 64)];
        chw.CopyTo(source);
        Span<float> fill = stackalloc float[shape.Channels];
        FillValues(source, shape, fill);

        for (var ch = 0; ch < shape.Channels; ch++)
        {
            var src = source.AsSpan(ch * plane, plane);
            var dst = chw.Slice(ch * plane, plane);
            var f = fill[ch];
            for (var y = 0; y < h; y++)
            {
                var dy = y - cy - shiftY;
                for (var x = 0; x < w; x++)
                {
                    var dx = x - cx - shiftX;
                    var sx = a * dx + b * dy + cx;
                    var sy = c * dx + d * dy + cy;
                    dst[y * w + x] = exact ? Nearest(src, w, h, sx, sy, f) : Bilinear(src, w, h, sx, sy, f);
                }
            }
        }
    }

    private static float Nearest(ReadOnlySpan<float> src, int w, int h, double sx, double sy, float fill)
    {
        var x = (int)Math.Round(sx);
        var y = (int)Math.Round(sy);
        return (uint)x < (uint)w && (uint)y < (uint)h ? src[y * w + x] : fill;
    }

    private static float Bilinear(ReadOnlySpan<float> src, int w, int h, double sx, double sy, float fill)
    {
        // Points within half a pixel of the image still sample it (clamped), so a small rotation keeps the corners' own colour.
        if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) return fill;
        sx = Math.Clamp(sx, 0, w - 1);
        sy = Math.Clamp(sy, 0, h - 1);
        var x0 = Math.Min((int)sx, w - 1);
        var y0 = Math.Min((int)sy, h - 1);
        var x1 = Math.Min(x0 + 1, w - 1);
        var y1 = Math.Min(y0 + 1, h - 1);
        var fx = (float)(sx - x0);
        var fy = (float)(sy - y0);
        var top = src[y0 * w + x0] + (src[y0 * w + x1] - src[y0 * w + x0]) * fx;
        var bottom = src[y1 * w + x0] + (src[y1 * w + x1] - src[y1 * w + x0]) * fx;
        return top + (bottom - top) * fy;
    }

    private void FillValues(ReadOnlySpan<float> source, ImageShape shape, Span<float> fill)
    {
        if (Options.Fill == BorderFill.Zero)
        {
            fill.Clear();
            return;
        }
        var (h, w) = (shape.Height, shape.Width);
        var plane = h * w;
        for (var ch = 0; ch < shape.Channels; ch++)
        {
            var p = source.Slice(ch * plane, plane);
            double sum = 0;
            var n = 0;
            for (var x = 0; x < w; x++)
            {
                sum += p[x] + p[(h - 1) * w + x];
                n += 2;
            }
            for (var y = 1; y < h - 1; y++)
            {
                sum += p[y * w] + p[y * w + w - 1];
                n += 2;
            }
            fill[ch] = (float)(sum / n);
        }
    }
}
