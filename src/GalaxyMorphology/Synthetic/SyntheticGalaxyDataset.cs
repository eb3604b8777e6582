using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Synthetic;

/// <summary>
/// An endless supply of labelled galaxies without files: sample <c>i</c> is galaxy <c>firstId + i</c> of a
/// <see cref="SyntheticGalaxyGenerator"/>, rendered at 424 pixels on demand (so the loader's worker threads render
/// in parallel) and preprocessed like a real Kaggle JPEG. Deterministic for a seed; thread-safe.
/// </summary>
public sealed class SyntheticGalaxyDataset : IGalaxyDataset
{
    private readonly SyntheticGalaxyGenerator generator;
    private readonly ImagePreprocessor preprocessor;
    private readonly long firstId;

    /// <summary>Creates the dataset.</summary>
    /// <param name="count">Number of galaxies.</param>
    /// <param name="preprocessing">How each rendered image becomes pixels (size, crop, normalisation).</param>
    /// <param name="seed">Population seed.</param>
    /// <param name="difficulty">Noise, faintness and size.</param>
    /// <param name="firstId">GalaxyID of sample 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> negative or <paramref name="firstId"/> leaves no room.</exception>
    public SyntheticGalaxyDataset(int count, PreprocessingOptions preprocessing, int seed = 1,
        SyntheticDifficulty difficulty = SyntheticDifficulty.Standard, long firstId = 100000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentOutOfRangeException.ThrowIfNegative(firstId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstId, long.MaxValue - count);
        if (preprocessing.Size < 1) throw new ArgumentException($"preprocessing size must be positive, got {preprocessing.Size}", nameof(preprocessing));
        generator = new SyntheticGalaxyGenerator(seed, difficulty);
        preprocessor = new ImagePreprocessor(preprocessing);
        this.firstId = firstId;
        Count = count;
        Ids = new IdList(firstId, count);
        Shape = new ImageShape(3, preprocessing.Size, preprocessing.Size);
    }

    /// <summary>The generator behind the samples.</summary>
    public SyntheticGalaxyGenerator Generator => generator;

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> Ids { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns => GalaxyZooTaxonomy.Columns;

    /// <inheritdoc />
    public ImageShape Shape { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside 0..Count-1.</exception>
    public GalaxySample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var id = firstId + index;
        using var bitmap = generator.Render(id);
        var pixels = preprocessor.Process(bitmap);
        if (pixels.Length != Shape.Length)
            throw new InvalidOperationException($"the preprocessor returned {pixels.Length} values for galaxy {id}, expected {Shape.Length} ({Shape})");
        return new GalaxySample(id, pixels, generator.Targets(id));
    }

    /// <summary>The consecutive IDs without storing them.</summary>
    private sealed class IdList(long first, int count) : IReadOnlyList<long>
    {
        public long this[int index] => (uint)index < (uint)count ? first + index : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => count;
        public IEnumerator<long> GetEnumerator()
        {
            for (var i = 0; i < count; i++) yield return first + i;
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
