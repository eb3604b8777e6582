using System.Globalization;
using GalaxyMorphology.Imaging;
using Microsoft.Extensions.Logging;

namespace GalaxyMorphology.Data;

/// <summary>Lists the <c>&lt;GalaxyID&gt;.&lt;ext&gt;</c> images of a folder, applying the bad-input policy to bad names, duplicates and (optionally) headers.</summary>
internal sealed class ImageFolderScan
{
    private ImageFolderScan(Dictionary<long, string> paths, int ignored) => (Paths, IgnoredFiles) = (paths, ignored);

    /// <summary>Usable images by GalaxyID.</summary>
    public Dictionary<long, string> Paths { get; }

    /// <summary>Files whose extension is not an image extension.</summary>
    public int IgnoredFiles { get; }

    public static ImageFolderScan Run(string folder, GalaxyDatasetOptions options, PreprocessingOptions preprocessing, List<SkippedItem> skipped, ILogger logger)
    {
        if (!Directory.Exists(folder))
            throw new GalaxyDataException(File.Exists(folder) ? "expected an image folder, found a file" : "the image folder does not exist", folder);
        var extensions = new HashSet<string>(options.ImageExtensions, StringComparer.OrdinalIgnoreCase);
        var files = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).ToArray();
        var paths = new Dictionary<long, string>(files.Length);
        var ignored = 0;
        void Bad(string file, long? id, string reason)
        {
            if (options.BadInput == BadInputPolicy.Throw) throw new InvalidImageException(reason + " (BadInputPolicy.Skip leaves such files out)", file);
            skipped.Add(new SkippedItem(file, null, id, reason));
            logger.LogWarning("skipped {File}: {Reason}", file, reason);
        }
        foreach (var file in files)
        {
            if (!extensions.Contains(Path.GetExtension(file)))
            {
                ignored++;
                continue;
            }
            var stem = Path.GetFileNameWithoutExtension(file);
            if (!long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                Bad(file, null, $"the file name '{Path.GetFileName(file)}' is not <GalaxyID>{Path.GetExtension(file)}");
                continue;
            }
            if (paths.TryGetValue(id, out var other))
            {
                Bad(file, id, $"GalaxyID {id} has two images: '{Path.GetFileName(other)}' and '{Path.GetFileName(file)}'");
                continue;
            }
            paths[id] = file;
        }
        if (options.CheckImages) CheckHeaders(paths, options, preprocessing, Bad);
        return new ImageFolderScan(paths, ignored);
    }

    private static void CheckHeaders(Dictionary<long, string> paths, GalaxyDatasetOptions options, PreprocessingOptions preprocessing, Action<string, long?, string> bad)
    {
        var entries = paths.OrderBy(p => p.Key).ToArray();
        var problems = new string?[entries.Length];
        Parallel.For(0, entries.Length, i =>
        {
            try
            {
                var (w, h) = ImagePreprocessor.ReadSize(entries[i].Value, preprocessing.MaxImagePixels);
                if (options.ExpectedImageSize is int size && (w != size || h != size))
                    problems[i] = $"the image is {w}x{h}, expected {size}x{size} (GalaxyDatasetOptions.ExpectedImageSize)";
                else if (preprocessing.CropSize is int crop && (crop > w || crop > h))
                    problems[i] = $"the image is {w}x{h}, smaller than the {crop}x{crop} centre crop (PreprocessingOptions.CropSize)";
            }
            catch (InvalidImageException ex)
            {
                problems[i] = ex.Reason;
            }
        });
        for (var i = 0; i < entries.Length; i++)
        {
            if (problems[i] is not { } problem) continue;
            bad(entries[i].Value, entries[i].Key, problem);
            paths.Remove(entries[i].Key);
        }
    }
}
