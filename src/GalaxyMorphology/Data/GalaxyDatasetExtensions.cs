namespace GalaxyMorphology.Data;

/// <summary>Helpers over any <see cref="IGalaxyDataset"/>.</summary>
public static class GalaxyDatasetExtensions
{
    /// <summary>
    /// The image file behind item <paramref name="index"/> of a file-backed dataset (<see cref="KaggleGalaxyDataset"/>,
    /// <see cref="GalaxyImageFolder"/>, or a split, subset or cache of one); null for in-memory or rendered datasets.
    /// </summary>
    public static string? ImagePathOf(this IGalaxyDataset dataset, int index)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, dataset.Count);
        return ImageSource.PathOf(dataset, index);
    }
}
