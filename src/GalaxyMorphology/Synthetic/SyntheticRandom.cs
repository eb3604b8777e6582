namespace GalaxyMorphology.Synthetic;

/// <summary>
/// A small, fast, seedable generator (xoshiro256**) whose sequence depends only on its seed, never on the .NET
/// version or the thread: every synthetic galaxy draws from its own instance keyed by (seed, difficulty, id, stream).
/// </summary>
internal struct SyntheticRandom
{
    private ulong s0, s1, s2, s3;

    /// <summary>Streams keep the parameter, pixel-noise and crowd draws independent of each other.</summary>
    internal const int ParameterStream = 1, NoiseStream = 2, CrowdStream = 3;

    public SyntheticRandom(int seed, SyntheticDifficulty difficulty, long id, int stream)
    {
        var x = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)id ^ ((ulong)difficulty << 56) ^ ((ulong)stream << 48));
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)((NextUInt64() >> 33) % (ulong)(max - min));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box-Muller; one value per call keeps the state simple).</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Approximately normal, cheap enough for every pixel: the centred sum of four 16-bit uniforms.</summary>
    public float FastGaussian()
    {
        var r = NextUInt64();
        var sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
        // Four uniforms on [0, 65536): mean 131070, standard deviation 65536 * sqrt(4/12).
        return (sum - 131070f) * (1f / 37837.23f);
    }

    // Standard normal quantiles at the midpoints of 65,536 equal-probability bins: four draws per 64-bit word.
    private static readonly float[] NormalTable = BuildNormalTable();

    private static float[] BuildNormalTable()
    {
        var table = new float[1 << 16];
        for (var i = 0; i < table.Length; i++) table[i] = (float)InverseNormal((i + 0.5) / table.Length);
        return table;
    }

    /// <summary>Fills <paramref name="values"/> with normal draws of standard deviation <paramref name="sigma"/> (table-based, 16-bit resolution).</summary>
    public void FillGaussian(Span<float> values, float sigma)
    {
        var table = NormalTable;
        var i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            var r = NextUInt64();
            values[i] = sigma * table[(int)(r & 0xFFFF)];
            values[i + 1] = sigma * table[(int)((r >> 16) & 0xFFFF)];
            values[i + 2] = sigma * table[(int)((r >> 32) & 0xFFFF)];
            values[i + 3] = sigma * table[(int)(r >> 48)];
        }
        for (; i < values.Length; i++) values[i] = sigma * FastGaussian();
    }

    /// <summary>Acklam's rational approximation of the normal quantile (relative error below 1.2e-9).</summary>
    private static double InverseNormal(double p)
    {
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        var u = p - 0.5;
        var r = u * u;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * u / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public int Categorical(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        var x = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        for (var i = weights.Length - 1; i >= 0; i--)
            if (weights[i] > 0) return i;
        return weights.Length - 1;
    }
}
