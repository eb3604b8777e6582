using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Data;

/// <summary>How <see cref="GalaxyLabels"/>, <see cref="KaggleGalaxyDataset"/> and <see cref="GalaxyImageFolder"/> check their input.</summary>
public sealed record GalaxyDatasetOptions
{
    /// <summary>What to do with a bad row or image (unparsable, out of range, duplicate, missing partner, undecodable header).</summary>
    public BadInputPolicy BadInput { get; init; } = BadInputPolicy.Throw;

    /// <summary>What to do with a label row whose answers do not sum to their parent answer.</summary>
    public TreeSumPolicy TreeSums { get; init; } = TreeSumPolicy.Throw;

    /// <summary>Allowed difference between a question's answer sum and its parent answer (the Kaggle file is rounded to 6 decimals).</summary>
    public double TreeSumTolerance { get; init; } = GalaxyZooTaxonomy.DefaultTolerance;

    /// <summary>Read every image's header when the dataset opens, so empty, non-image, oversized or wrong-size files surface then rather than mid-epoch.</summary>
    public bool CheckImages { get; init; } = true;

    /// <summary>When set (with <see cref="CheckImages"/>), every image must be this many pixels wide and high (424 for Kaggle).</summary>
    public int? ExpectedImageSize { get; init; }

    /// <summary>File extensions (case-insensitive, with the dot) taken as images; other files in an image folder are counted as ignored.</summary>
    public IReadOnlyList<string> ImageExtensions { get; init; } = [".jpg", ".jpeg", ".png"];

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(BadInput)) throw new ArgumentException($"GalaxyDatasetOptions.BadInput {(int)BadInput} is not a BadInputPolicy", nameof(BadInput));
        if (!Enum.IsDefined(TreeSums)) throw new ArgumentException($"GalaxyDatasetOptions.TreeSums {(int)TreeSums} is not a TreeSumPolicy", nameof(TreeSums));
        if (!double.IsFinite(TreeSumTolerance) || TreeSumTolerance < 0)
            throw new ArgumentException($"GalaxyDatasetOptions.TreeSumTolerance must be finite and non-negative, got {TreeSumTolerance}", nameof(TreeSumTolerance));
        if (ExpectedImageSize is < 1)
            throw new ArgumentException($"GalaxyDatasetOptions.ExpectedImageSize must be positive or null, got {ExpectedImageSize}", nameof(ExpectedImageSize));
        if (ImageExtensions is null || ImageExtensions.Count == 0 || ImageExtensions.Any(e => string.IsNullOrEmpty(e) || e[0] != '.'))
            throw new ArgumentException("GalaxyDatasetOptions.ImageExtensions must list extensions starting with '.', e.g. \".jpg\"", nameof(ImageExtensions));
    }
}

/// <summary>What a dataset does with a bad row or image.</summary>
public enum BadInputPolicy
{
    /// <summary>Throw a <see cref="GalaxyDataException"/> naming the file, line and column.</summary>
    Throw,
    /// <summary>Leave the item out and record it, with the reason, in the dataset's report (and log a warning).</summary>
    Skip,
}

/// <summary>What a dataset does with label rows that break the decision-tree sums.</summary>
public enum TreeSumPolicy
{
    /// <summary>Throw a <see cref="GalaxyDataException"/> naming the line and the question.</summary>
    Throw,
    /// <summary>Keep the row, count it and log a warning.</summary>
    Warn,
}
