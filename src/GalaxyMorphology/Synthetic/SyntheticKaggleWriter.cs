using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Synthetic;

/// <summary>
/// Writes a synthetic data set in the exact layout of the Kaggle "Galaxy Zoo – The Galaxy Challenge" download, so
/// every loader path runs on real files: <c>images_training_rev1/&lt;GalaxyID&gt;.jpg</c>,
/// <c>training_solutions_rev1.csv</c>, optionally <c>images_test_rev1/</c> with <c>test_solutions_rev1.csv</c>, and
/// <c>synthetic.json</c> recording the options. Output is identical for any thread count.
/// </summary>
public static class SyntheticKaggleWriter
{
    /// <summary>Folder of the training images.</summary>
    public const string TrainingImagesFolder = "images_training_rev1";

    /// <summary>File of the training labels.</summary>
    public const string TrainingSolutionsFile = "training_solutions_rev1.csv";

    /// <summary>Folder of the test images.</summary>
    public const string TestImagesFolder = "images_test_rev1";

    /// <summary>File of the test labels (Kaggle kept these private; synthetic sets publish them).</summary>
    public const string TestSolutionsFile = "test_solutions_rev1.csv";

    /// <summary>The marker and record of a synthetic folder.</summary>
    public const string ManifestFile = "synthetic.json";

    private const string TempSuffix = ".tmp";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Renders and writes the data set into <paramref name="folder"/> (created if missing). Images go to temporary
    /// names and are renamed when complete; the CSV files are written atomically after all images.
    /// </summary>
    /// <param name="folder">Output folder: missing, empty, a previous synthetic output, or anything when <see cref="SyntheticWriterOptions.Overwrite"/> is set.</param>
    /// <param name="options">What to write.</param>
    /// <param name="progress">Receives the number of images written so far.</param>
    /// <param name="logger">Start and summary messages; default none.</param>
    /// <param name="cancellationToken">Stops between images; images already written stay, no temporary file is left.</param>
    /// <exception cref="ArgumentException">An invalid option (the message names it).</exception>
    /// <exception cref="IOException">The folder holds other files and overwriting was not requested, or it cannot be written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static SyntheticWriteResult Write(string folder, SyntheticWriterOptions options, IProgress<int>? progress = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        var root = Path.GetFullPath(folder);
        var clock = Stopwatch.StartNew();

        Prepare(root, options);
        WriteManifest(root, options, complete: false, 0);
        logger.LogInformation("Writing {Training} training and {Test} test synthetic galaxies ({Size}px, seed {Seed}, {Difficulty}) to {Folder} on {Threads} threads",
            options.Count, options.TestCount, options.Size, options.Seed, options.Difficulty, root, options.Threads);

        var generator = new SyntheticGalaxyGenerator(options.Seed, options.Difficulty);
        var written = 0;
        void Written() => progress?.Report(Interlocked.Increment(ref written));

        var training = WriteSet(generator, Path.Combine(root, TrainingImagesFolder), options.FirstId, options.Count, options, Written, cancellationToken);
        AtomicFile.Write(Path.Combine(root, TrainingSolutionsFile), s => WriteCsv(s, options.FirstId, training));
        if (options.TestCount > 0)
        {
            var firstTest = options.FirstId + options.Count;
            var test = WriteSet(generator, Path.Combine(root, TestImagesFolder), firstTest, options.TestCount, options, Written, cancellationToken);
            AtomicFile.Write(Path.Combine(root, TestSolutionsFile), s => WriteCsv(s, firstTest, test));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        WriteManifest(root, options, complete: true, seconds);
        var total = options.Count + options.TestCount;
        logger.LogInformation("Wrote {Count} synthetic galaxies to {Folder} in {Seconds:0.0}s ({Rate:0} images/s)",
            total, root, seconds, total / Math.Max(seconds, 1e-9));
        return new SyntheticWriteResult(root, options.Count, options.TestCount, seconds);
    }

    /// <summary>Whether <paramref name="folder"/> holds a synthetic data set (its <c>synthetic.json</c>).</summary>
    public static bool IsSyntheticFolder(string folder) => File.Exists(Path.Combine(folder, ManifestFile));

    private static void Prepare(string root, SyntheticWriterOptions options)
    {
        if (File.Exists(root)) throw new IOException($"'{root}' is a file, not a folder for the synthetic data set");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() && !IsSyntheticFolder(root) && !options.Overwrite)
            throw new IOException(
                $"'{root}' is not empty and is not a previous synthetic output (no {ManifestFile}); choose an empty folder or set Overwrite to replace its Kaggle-layout files");
        try
        {
            Directory.CreateDirectory(root);
            // Replace a previous output completely, so that no image of an older, larger set survives.
            foreach (var sub in new[] { TrainingImagesFolder, TestImagesFolder })
            {
                var path = Path.Combine(root, sub);
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
            foreach (var file in new[] { TrainingSolutionsFile, TestSolutionsFile })
                File.Delete(Path.Combine(root, file));
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot prepare the output folder '{root}': {ex.Message}", ex);
        }
    }

    private static float[][] WriteSet(SyntheticGalaxyGenerator generator, string imageFolder, long firstId, int count,
        SyntheticWriterOptions options, Action written, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(imageFolder);
        var targets = new float[count][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken };
        Parallel.For(0, count, parallel, i =>
        {
            var id = firstId + i;
            targets[i] = generator.Targets(id);
            var jpeg = generator.RenderJpeg(id, options.Size, options.JpegQuality);
            var final = Path.Combine(imageFolder, id.ToString(CultureInfo.InvariantCulture) + ".jpg");
            var temp = Path.Combine(imageFolder, "." + Path.GetFileName(final) + TempSuffix);
            try
            {
                File.WriteAllBytes(temp, jpeg);
                File.Move(temp, final, overwrite: true);
            }
            catch (Exception ex)
            {
                TryDelete(temp);
                if (ex is UnauthorizedAccessException or IOException)
                    throw new IOException($"could not write '{final}': {ex.Message}", ex);
                throw;
            }
            written();
        });
        return targets;
    }

    private static void WriteCsv(Stream stream, long firstId, float[][] rows)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.Write(GalaxyZooTaxonomy.IdColumn);
        foreach (var column in GalaxyZooTaxonomy.Columns) writer.Write(',' + column);
        writer.WriteLine();
        for (var i = 0; i < rows.Length; i++)
        {
            writer.Write((firstId + i).ToString(CultureInfo.InvariantCulture));
            foreach (var v in rows[i])
            {
                writer.Write(',');
                writer.Write(v.ToString("0.######", CultureInfo.InvariantCulture));
            }
            writer.WriteLine();
        }
    }

    private static void WriteManifest(string root, SyntheticWriterOptions options, bool complete, double seconds)
    {
        var manifest = new SyntheticManifest("GalaxyMorphology.Synthetic", 1, complete, Math.Round(seconds, 3), options);
        AtomicFile.WriteAllText(Path.Combine(root, ManifestFile), JsonSerializer.Serialize(manifest, Json));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record SyntheticManifest(string Generator, int FormatVersion, bool Complete, double Seconds, SyntheticWriterOptions Options);
}
