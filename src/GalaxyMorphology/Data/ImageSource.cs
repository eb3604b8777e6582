using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Data;

/// <summary>Finds the image files behind a dataset, through views (subsets, splits, caches).</summary>
internal static class ImageSource
{
    /// <summary>The image file of item <paramref name="index"/>, or null when the dataset is not backed by files.</summary>
    public static string? PathOf(IGalaxyDataset source, int index) => Describe(source).Paths?.Invoke(index);

    /// <summary>The preprocessing options, image folder and per-index image path of a file-based source, or nulls.</summary>
    public static (PreprocessingOptions? Options, string? Folder, Func<int, string>? Paths) Describe(IGalaxyDataset source)
    {
        switch (source)
        {
            case KaggleGalaxyDataset kaggle:
                return (kaggle.Preprocessor.Options, kaggle.ImageFolder, kaggle.ImagePath);
            case GalaxyImageFolder folder:
                return (folder.Preprocessor.Options, folder.Folder, folder.ImagePath);
            case SubsetGalaxyDataset subset:
                var (options, imageFolder, paths) = Describe(subset.Source);
                return (options, imageFolder, paths is null ? null : i => paths(subset.Indices[i]));
            case CachedGalaxyDataset cached:
                return Describe(cached.Source);
            case DiskCachedGalaxyDataset disk:
                return Describe(disk.Source);
            default:
                return (null, null, null);
        }
    }
}
