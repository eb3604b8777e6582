namespace GalaxyMorphology.Imaging;

/// <summary>
/// Per-channel mean and standard deviation of preprocessed pixels on the 0..1 scale, for
/// <see cref="PixelScaling.Standardize"/>. Compute them from the training images only.
/// </summary>
/// <param name="Mean">R, G, B means in [0, 1].</param>
/// <param name="Std">R, G, B standard deviations (population) on the same scale.</param>
/// <param name="ImageCount">How many images they were computed from.</param>
public sealed record PixelStatistics(float[] Mean, float[] Std, int ImageCount)
{
    /// <summary>
    /// Computes the statistics of the images at <paramref name="imagePaths"/> prepared with <paramref name="options"/>'s
    /// geometry (size, crop, filter; its scaling is ignored), from at most <paramref name="maxImages"/> images evenly spread over the list.
    /// </summary>
    /// <exception cref="ArgumentException">No paths, or <paramref name="maxImages"/> is not positive.</exception>
    /// <exception cref="InvalidImageException">An image cannot be used.</exception>
    public static PixelStatistics Compute(IEnumerable<string> imagePaths, PreprocessingOptions options, int maxImages = 500,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxImages);
        var paths = imagePaths.ToArray();
        if (paths.Length == 0) throw new ArgumentException("no image paths to compute pixel statistics from", nameof(imagePaths));
        var count = Math.Min(maxImages, paths.Length);
        var chosen = Enumerable.Range(0, count).Select(i => paths[(int)((long)i * paths.Length / count)]).ToArray();
        var unit = new ImagePreprocessor(options with { Scaling = PixelScaling.UnitRange, Mean = null, Std = null });
        var plane = unit.Options.Size * unit.Options.Size;
        var sums = new double[chosen.Length, 6];
        Parallel.For(0, chosen.Length, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            var pixels = unit.Process(chosen[i]);
            for (var c = 0; c < 3; c++)
            {
                double s = 0, s2 = 0;
                foreach (var v in pixels.AsSpan(c * plane, plane))
                {
                    s += v;
                    s2 += (double)v * v;
                }
                sums[i, c] = s;
                sums[i, 3 + c] = s2;
            }
        });
        var mean = new float[3];
        var std = new float[3];
        double n = (double)plane * chosen.Length;
        for (var c = 0; c < 3; c++)
        {
            double s = 0, s2 = 0;
            for (var i = 0; i < chosen.Length; i++)
            {
                s += sums[i, c];
                s2 += sums[i, 3 + c];
            }
            var m = s / n;
            mean[c] = (float)m;
            // A blank image set would give 0: keep Std positive so Standardize stays defined.
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(s2 / n - m * m, 0)), 1e-6);
        }
        return new PixelStatistics(mean, std, chosen.Length);
    }

    /// <summary><paramref name="options"/> with these statistics and <see cref="PixelScaling.Standardize"/>.</summary>
    public PreprocessingOptions ApplyTo(PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Scaling = PixelScaling.Standardize, Mean = (float[])Mean.Clone(), Std = (float[])Std.Clone() };
    }
}
