namespace GalaxyMorphology.Data;

/// <summary>Train/validation splits as views (<see cref="SubsetGalaxyDataset"/>) of one dataset; disjoint, together complete.</summary>
public static class DatasetSplit
{
    /// <summary>
    /// A seeded random split: round(Count × <paramref name="validationFraction"/>) items (half to even, like Python's round)
    /// for validation. Both parts keep the source order.
    /// </summary>
    /// <exception cref="ArgumentException">The fraction is not in (0, 1) or leaves a part empty.</exception>
    public static (IGalaxyDataset Train, IGalaxyDataset Validation) Random(IGalaxyDataset dataset, double validationFraction, int seed)
    {
        var count = ValidationCount(dataset, validationFraction);
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        new System.Random(seed).Shuffle(order);
        var validation = order[..count];
        var train = order[count..];
        Array.Sort(validation);
        Array.Sort(train);
        return (new SubsetGalaxyDataset(dataset, train), new SubsetGalaxyDataset(dataset, validation));
    }

    /// <summary>
    /// The notebook's split: the first round(Count × <paramref name="validationFraction"/>) items are validation, the rest training
    /// (for <see cref="KaggleGalaxyDataset"/> that is CSV order). For reproduction; prefer <see cref="Random"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The fraction is not in (0, 1) or leaves a part empty.</exception>
    public static (IGalaxyDataset Train, IGalaxyDataset Validation) First(IGalaxyDataset dataset, double validationFraction)
    {
        var count = ValidationCount(dataset, validationFraction);
        return (new SubsetGalaxyDataset(dataset, Enumerable.Range(count, dataset.Count - count).ToArray()),
            new SubsetGalaxyDataset(dataset, Enumerable.Range(0, count).ToArray()));
    }

    /// <summary>
    /// Fold <paramref name="fold"/> of a seeded <paramref name="k"/>-fold split: a random permutation cut into k parts whose sizes
    /// differ by at most one; part <paramref name="fold"/> is validation. Every item is validation in exactly one fold.
    /// </summary>
    /// <exception cref="ArgumentException">k is below 2 or above Count, or fold is not in 0..k-1.</exception>
    public static (IGalaxyDataset Train, IGalaxyDataset Validation) KFold(IGalaxyDataset dataset, int k, int fold, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (k < 2 || k > dataset.Count)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 2..{dataset.Count} (the dataset's size)");
        if (fold < 0 || fold >= k)
            throw new ArgumentOutOfRangeException(nameof(fold), fold, $"fold must be in 0..{k - 1}");
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        new System.Random(seed).Shuffle(order);
        var start = (int)((long)dataset.Count * fold / k);
        var end = (int)((long)dataset.Count * (fold + 1) / k);
        var validation = order[start..end];
        var train = order[..start].Concat(order[end..]).ToArray();
        Array.Sort(validation);
        Array.Sort(train);
        return (new SubsetGalaxyDataset(dataset, train), new SubsetGalaxyDataset(dataset, validation));
    }

    private static int ValidationCount(IGalaxyDataset dataset, double validationFraction)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be strictly between 0 and 1");
        var count = (int)Math.Round(dataset.Count * validationFraction, MidpointRounding.ToEven);
        if (count == 0 || count == dataset.Count)
            throw new ArgumentException($"a validation fraction of {validationFraction} of {dataset.Count} items leaves {(count == 0 ? "no validation" : "no training")} items", nameof(validationFraction));
        return count;
    }
}
