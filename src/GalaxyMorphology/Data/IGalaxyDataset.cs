namespace GalaxyMorphology.Data;

/// <summary>
/// A set of galaxies: preprocessed pixels in managed memory and, for labelled sets, the 37 Galaxy Zoo targets.
/// Implementations must be safe to call <see cref="Get"/> from several threads at once (the loader decodes in parallel).
/// </summary>
public interface IGalaxyDataset
{
    /// <summary>Number of galaxies.</summary>
    int Count { get; }

    /// <summary>The GalaxyIDs, in dataset order.</summary>
    IReadOnlyList<long> Ids { get; }

    /// <summary>The target column names (the 37 Kaggle columns in canonical order), or empty for an unlabelled set.</summary>
    IReadOnlyList<string> TargetColumns { get; }

    /// <summary>Whether <see cref="Get"/> returns targets.</summary>
    bool HasTargets => TargetColumns.Count > 0;

    /// <summary>Channels, height and width of every sample's pixels (3, H, W).</summary>
    ImageShape Shape { get; }

    /// <summary>The galaxy at <paramref name="index"/>: preprocessed CHW pixels and its targets (null when unlabelled).</summary>
    GalaxySample Get(int index);

    /// <summary>
    /// The targets of item <paramref name="index"/> without its pixels (null for unlabelled sets). The default decodes the
    /// image through <see cref="Get"/>; labelled datasets override it to answer from their labels alone.
    /// </summary>
    float[]? TargetsOf(int index) => Get(index).Targets;

    /// <summary>
    /// Writes the pixels of item <paramref name="index"/> into <paramref name="pixels"/> (length <see cref="ImageShape.Length"/>)
    /// and returns its GalaxyID and targets (null when unlabelled). <see cref="GalaxyDataLoader"/> calls this so that
    /// file-backed datasets decode straight into its batch buffer instead of allocating a 0.6 MB array per 224 px image
    /// for the garbage collector; the default copies from <see cref="Get"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The item's pixel count differs from the length of <paramref name="pixels"/>.</exception>
    (long Id, float[]? Targets) GetInto(int index, Span<float> pixels) => Get(index).CopyInto(index, pixels);
}

/// <summary>The shape of a preprocessed image in CHW order.</summary>
/// <param name="Channels">Channels (3 for RGB).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Number of floats in one image.</summary>
    public int Length => Channels * Height * Width;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

/// <summary>One galaxy as a dataset hands it out.</summary>
/// <param name="Id">The GalaxyID.</param>
/// <param name="Pixels">Preprocessed pixels, CHW float, length <see cref="ImageShape.Length"/>.</param>
/// <param name="Targets">The 37 vote fractions in Kaggle column order, or null for unlabelled sets.</param>
public sealed record GalaxySample(long Id, float[] Pixels, float[]? Targets)
{
    /// <summary>Copies the pixels of dataset item <paramref name="index"/> (this sample) into <paramref name="pixels"/>; returns its id and targets.</summary>
    internal (long Id, float[]? Targets) CopyInto(int index, Span<float> pixels)
    {
        if (Pixels.Length != pixels.Length)
            throw new InvalidDataException($"dataset item {index} (GalaxyID {Id}) has {Pixels.Length} pixel values, expected {pixels.Length}");
        Pixels.CopyTo(pixels);
        return (Id, Targets);
    }
}
