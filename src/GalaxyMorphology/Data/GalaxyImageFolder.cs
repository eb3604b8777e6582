using GalaxyMorphology.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Data;

/// <summary>
/// Unlabelled images named <c>&lt;GalaxyID&gt;.jpg</c> (e.g. Kaggle's <c>images_test_rev1</c>), sorted by GalaxyID,
/// for prediction. Bad names, duplicate IDs and (with <see cref="GalaxyDatasetOptions.CheckImages"/>) unreadable
/// headers follow <see cref="GalaxyDatasetOptions.BadInput"/>.
/// </summary>
public sealed class GalaxyImageFolder : IGalaxyDataset
{
    private readonly long[] ids;
    private readonly string[] paths;

    private GalaxyImageFolder(string folder, ImagePreprocessor preprocessor, long[] ids, string[] paths, DatasetReport report)
    {
        Folder = folder;
        Preprocessor = preprocessor;
        this.ids = ids;
        this.paths = paths;
        Report = report;
    }

    /// <summary>Lists the images of <paramref name="folder"/>.</summary>
    /// <exception cref="GalaxyDataException">The folder is missing, or a file is bad under <see cref="BadInputPolicy.Throw"/>.</exception>
    public static GalaxyImageFolder Open(string folder, PreprocessingOptions preprocessing, GalaxyDatasetOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(preprocessing);
        options ??= new GalaxyDatasetOptions();
        options.Validate();
        logger ??= NullLogger.Instance;
        var preprocessor = new ImagePreprocessor(preprocessing);
        var skipped = new List<SkippedItem>();
        var scan = ImageFolderScan.Run(folder, options, preprocessing, skipped, logger);
        var sorted = scan.Paths.OrderBy(p => p.Key).ToArray();
        var report = new DatasetReport(0, sorted.Length, sorted.Length, 0, 0, scan.IgnoredFiles, 0, skipped);
        logger.LogInformation("opened {Folder}: {Report}", folder, report);
        return new GalaxyImageFolder(folder, preprocessor, sorted.Select(p => p.Key).ToArray(), sorted.Select(p => p.Value).ToArray(), report);
    }

    /// <summary>The same images prepared with other options (no re-scan of the folder).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public GalaxyImageFolder WithPreprocessing(PreprocessingOptions preprocessing) =>
        new(Folder, new ImagePreprocessor(preprocessing), ids, paths, Report);

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The preprocessor applied by <see cref="Get"/>.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>What opening found: counts and skipped files.</summary>
    public DatasetReport Report { get; }

    /// <inheritdoc />
    public int Count => ids.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> Ids => ids;

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns => [];

    /// <inheritdoc />
    public ImageShape Shape => Preprocessor.Shape;

    /// <summary>The image file of the galaxy at <paramref name="index"/>.</summary>
    public string ImagePath(int index) => paths[index];

    /// <inheritdoc />
    /// <exception cref="InvalidImageException">The image cannot be decoded; the message names the file.</exception>
    public GalaxySample Get(int index) => new(ids[index], Preprocessor.Process(paths[index]), null);

    /// <inheritdoc />
    public float[]? TargetsOf(int index) => null;

    /// <inheritdoc />
    /// <exception cref="InvalidImageException">The image cannot be decoded; the message names the file.</exception>
    public (long Id, float[]? Targets) GetInto(int index, Span<float> pixels)
    {
        Preprocessor.ProcessInto(paths[index], pixels);
        return (ids[index], null);
    }
}
