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
