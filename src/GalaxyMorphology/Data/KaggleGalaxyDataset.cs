using GalaxyMorphology.Imaging;
using GalaxyMorphology.Taxonomy;
using Microsoft.Data.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Data;

/// <summary>
/// The Kaggle training layout: <c>training_solutions_rev1.csv</c> and <c>images_training_rev1/&lt;GalaxyID&gt;.jpg</c>.
/// Labels and images are joined by GalaxyID, never by position; the dataset keeps the CSV's row order. Every label
/// without an image and every image without a label is an error under <see cref="BadInputPolicy.Throw"/>, or left out
/// and counted in <see cref="Report"/> under <see cref="BadInputPolicy.Skip"/>. Pixels are decoded on each
/// <see cref="Get"/> (thread-safe); wrap it in <see cref="CachedGalaxyDataset"/> to decode once.
/// </summary>
public sealed class KaggleGalaxyDataset : IGalaxyDataset
{
    /// <summary>Name of the labels file in the Kaggle download.</summary>
    public const string LabelsFileName = "training_solutions_rev1.csv";

    /// <summary>Name of the training image folder in the Kaggle download.</summary>
    public const string ImagesFolderName = "images_training_rev1";

    private readonly long[] ids;
    private readonly int[] labelRows;
    private readonly string[] paths;

    private KaggleGalaxyDataset(GalaxyLabels labels, ImagePreprocessor preprocessor, long[] ids, int[] labelRows, string[] paths, string imageFolder, DatasetReport report)
    {
        Labels = labels;
        Preprocessor = preprocessor;
        this.ids = ids;
        this.labelRows = labelRows;
        this.paths = paths;
        ImageFolder = imageFolder;
        Report = report;
    }

    /// <summary>Opens <paramref name="root"/>/<see cref="LabelsFileName"/> with <paramref name="root"/>/<see cref="ImagesFolderName"/>.</summary>
    /// <exception cref="GalaxyDataException">A file is missing or bad under <see cref="BadInputPolicy.Throw"/>; the message names it.</exception>
    public static KaggleGalaxyDataset Open(string root, PreprocessingOptions preprocessing, GalaxyDatasetOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root)) throw new GalaxyDataException("the Kaggle data folder does not exist", root);
        return Open(Path.Combine(root, LabelsFileName), Path.Combine(root, ImagesFolderName), preprocessing, options, logger);
    }

    /// <summary>Opens the labels CSV <paramref name="csvPath"/> with the images in <paramref name="imageFolder"/>.</summary>
    /// <exception cref="GalaxyDataException">A file is missing or bad under <see cref="BadInputPolicy.Throw"/>; the message names it.</exception>
    public static KaggleGalaxyDataset Open(string csvPath, string imageFolder, PreprocessingOptions preprocessing, GalaxyDatasetOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        ArgumentException.ThrowIfNullOrEmpty(imageFolder);
        ArgumentNullException.ThrowIfNull(preprocessing);
        options ??= new GalaxyDatasetOptions();
        options.Validate();
        logger ??= NullLogger.Instance;
        var preprocessor = new ImagePreprocessor(preprocessing);
        var labels = GalaxyLabels.Load(csvPath, options, logger);
        var skipped = new List<SkippedItem>(labels.Skipped);
        var scan = ImageFolderScan.Run(imageFolder, options, preprocessing, skipped, logger);

        var ids = new List<long>(labels.Count);
        var rows = new List<int>(labels.Count);
        var paths = new List<string>(labels.Count);
        var missing = 0;
        for (var r = 0; r < labels.Count; r++)
        {
            var id = labels.Ids[r];
            if (scan.Paths.TryGetValue(id, out var path))
            {
                ids.Add(id);
                rows.Add(r);
                paths.Add(path);
                continue;
            }
            missing++;
            var reason = $"GalaxyID {id} has no usable image {id}.jpg in '{imageFolder}'";
            if (options.BadInput == BadInputPolicy.Throw)
                throw new GalaxyDataException(reason + " (BadInputPolicy.Skip leaves such rows out)", csvPath, labels.Lines[r], GalaxyZooTaxonomy.IdColumn);
            skipped.Add(new SkippedItem(csvPath, labels.Lines[r], id, reason));
        }
        var labelled = new HashSet<long>(labels.Ids);
        var unlabelled = scan.Paths.Where(p => !labelled.Contains(p.Key)).OrderBy(p => p.Key).ToList();
        foreach (var (id, path) in unlabelled)
        {
            var reason = $"GalaxyID {id} has no row in '{csvPath}'";
            if (options.BadInput == BadInputPolicy.Throw)
                throw new InvalidImageException($"{reason}{(unlabelled.Count > 1 ? $" ({unlabelled.Count} images have none)" : "")} (BadInputPolicy.Skip leaves such images out)", path);
            skipped.Add(new SkippedItem(path, null, id, reason));
        }
        if (missing > 0) logger.LogWarning("{Count} label rows of {File} have no image and were left out", missing, csvPath);
        if (unlabelled.Count > 0) logger.LogWarning("{Count} images in {Folder} have no label and were left out", unlabelled.Count, imageFolder);
        var report = new DatasetReport(labels.Count, scan.Paths.Count, ids.Count, missing, unlabelled.Count, scan.IgnoredFiles, labels.TreeSumViolations, skipped);
        logger.LogInformation("opened {Csv} with {Folder}: {Report}", csvPath, imageFolder, report);
        return new KaggleGalaxyDataset(labels, preprocessor, ids.ToArray(), rows.ToArray(), paths.ToArray(), imageFolder, report);
    }

    /// <summary>
    /// The same galaxies prepared with other options (no re-scan of the files): e.g. open with unit scaling, split, compute
    /// <see cref="PixelStatistics"/> on the training part, then switch to standardised pixels and split again with the same seed.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public KaggleGalaxyDataset WithPreprocessing(PreprocessingOptions preprocessing) =>
        new(Labels, new ImagePreprocessor(preprocessing), ids, labelRows, paths, ImageFolder, Report);

    /// <summary>The labels file as read (all usable rows, including those without an image).</summary>
    public GalaxyLabels Labels { get; }

    /// <summary>The preprocessor applied by <see cref="Get"/>.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>The image folder.</summary>
    public string ImageFolder { get; }

    /// <summary>What opening found: counts and skipped items.</summary>
    public DatasetReport Report { get; }

    /// <inheritdoc />
    public int Count => ids.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> Ids => ids;

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns => GalaxyZooTaxonomy.Columns;

    /// <inheritdoc />
    public ImageShape Shape => Preprocessor.Shape;

    /// <summary>The image file of the galaxy at <paramref name="index"/>.</summary>
    public string ImagePath(int index) => paths[index];

    /// <summary>The 37 targets of the galaxy at <paramref name="index"/> (a copy).</summary>
    public float[] Targets(int index) => (float[])Labels.Targets[labelRows[index]].Clone();

    /// <inheritdoc />
    /// <exception cref="InvalidImageException">The image cannot be decoded; the message names the file.</exception>
    public GalaxySample Get(int index) => new(ids[index], Preprocessor.Process(paths[index]), Targets(index));

    /// <inheritdoc />
    public float[]? TargetsOf(int index) => Targets(index);

    /// <inheritdoc />
    /// <exception cref="InvalidImageException">The image cannot be decoded; the message names the file.</exception>
    public (long Id, float[]? Targets) GetInto(int index, Span<float> pixels)
    {
        Preprocessor.ProcessInto(paths[index], pixels);
        return (ids[index], Targets(index));
    }

    /// <summary>The dataset's labels as a DataFrame: <c>GalaxyID</c>, the 37 columns, then <c>ImagePath</c>.</summary>
    public DataFrame ToDataFrame()
    {
        var frame = Labels.ToDataFrame(labelRows);
        frame.Columns.Add(new StringDataFrameColumn("ImagePath", paths));
        return frame;
    }
}
