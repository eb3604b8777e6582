using System.Globalization;

namespace GalaxyMorphology.Data;

/// <summary>What opening a dataset found: counts, and every item left out with its reason.</summary>
/// <param name="LabelledRows">Usable label rows (after skipping bad ones); 0 for unlabelled folders.</param>
/// <param name="ImageFiles">Image files with a usable <c>&lt;GalaxyID&gt;</c> name (after skipping bad ones).</param>
/// <param name="Matched">Galaxies in the dataset: labels with an image (or every image, for unlabelled folders).</param>
/// <param name="MissingImages">Label rows without an image file.</param>
/// <param name="UnlabelledImages">Image files without a label row (0 for unlabelled folders).</param>
/// <param name="IgnoredFiles">Files in the image folder whose extension is not an image extension.</param>
/// <param name="TreeSumViolations">Label rows kept despite breaking the tree sums (<see cref="TreeSumPolicy.Warn"/>).</param>
/// <param name="Skipped">Every row or file left out, with its reason.</param>
public sealed record DatasetReport(int LabelledRows, int ImageFiles, int Matched, int MissingImages, int UnlabelledImages,
    int IgnoredFiles, int TreeSumViolations, IReadOnlyList<SkippedItem> Skipped)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Matched} galaxies: {LabelledRows} labelled rows, {ImageFiles} images, {MissingImages} labels without image, {UnlabelledImages} images without label, {IgnoredFiles} other files ignored, {Skipped.Count} skipped, {TreeSumViolations} tree-sum warnings");
}

/// <summary>A label row or image file left out under <see cref="BadInputPolicy.Skip"/>.</summary>
/// <param name="File">The labels file or the image file.</param>
/// <param name="Line">The 1-based line, for label rows.</param>
/// <param name="GalaxyId">The GalaxyID, when known.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record SkippedItem(string File, int? Line, long? GalaxyId, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => Line is int l ? $"{File}, line {l}: {Reason}" : $"{File}: {Reason}";
}
