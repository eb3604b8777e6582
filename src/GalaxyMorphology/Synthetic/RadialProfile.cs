using System.Buffers;

namespace GalaxyMorphology.Synthetic;

/// <summary>A radial light profile tabulated at quarter-pixel steps and read with linear interpolation.</summary>
internal sealed class RadialProfile : IDisposable
{
    private const float StepsPerPixel = 4f;
    private readonly float[] table;
    private readonly int last;

    public RadialProfile(float maxRadius, Func<float, float> profile)
    {
        var count = (int)MathF.Ceiling(Math.Clamp(maxRadius, 1f, 20000f) * StepsPerPixel) + 2;
        table = ArrayPool<float>.Shared.Rent(count);
        last = count - 1;
        for (var i = 0; i < count; i++) table[i] = profile(i / StepsPerPixel);
    }

    /// <summary>The profile at <paramref name="radius"/> (held at the last entry beyond the table).</summary>
    public float At(float radius)
    {
        var x = radius * StepsPerPixel;
        if (x >= last) return table[last];
        var i = (int)x;
        var t = x - i;
        return table[i] + (table[i + 1] - table[i]) * t;
    }

    public void Dispose() => ArrayPool<float>.Shared.Return(table);
}
