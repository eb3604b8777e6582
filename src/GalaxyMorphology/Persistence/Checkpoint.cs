using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Persistence;

/// <summary>
/// One checkpoint file: the model's weights, its <see cref="ModelSpec"/>, the preprocessing it was trained with,
/// and (unless weights-only) the optimizer state, the random generator state and the trainer's state, so that
/// <c>GalaxyModel.Load</c> rebuilds a predictor and training can resume with
/// nothing else given. The file is a ZIP archive, always written atomically (<see cref="AtomicFile"/>).
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Value of the <c>format</c> field that identifies our files.</summary>
    public const string FormatName = "galaxymorphology-checkpoint";

    /// <summary>Version of the file layout written by this library.</summary>
    public const int FormatVersion = 1;

    private const string MetaEntry = "checkpoint.json";
    private const string WeightsEntry = "weights.bin";
    private const string OptimizerEntry = "optimizer.bin";
    private const string RngEntry = "rng.bin";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    internal Checkpoint(ModelSpec spec, PreprocessingOptions preprocessing, int epoch, IReadOnlyDictionary<string, double> metrics,
        byte[] weights, byte[]? optimizerState, byte[]? rngState, JsonObject? trainerState, string libraryVersion, DateTimeOffset created, string? path)
    {
        Spec = spec;
        Preprocessing = preprocessing;
        Epoch = epoch;
        Metrics = metrics;
        Weights = weights;
        OptimizerState = optimizerState;
        RngState = rngState;
        TrainerState = trainerState;
        LibraryVersion = libraryVersion;
        CreatedUtc = created;
        Path = path;
    }

    /// <summary>The architecture; <see cref="ModelBuilder.FromSpec(ModelSpec)"/> rebuilds it.</summary>
    public ModelSpec Spec { get; }

    /// <summary>How images were turned into pixels for this model (size, crop, scaling and its statistics).</summary>
    public PreprocessingOptions Preprocessing { get; }

    /// <summary>Number of completed epochs when the checkpoint was written.</summary>
    public int Epoch { get; }

    /// <summary>The metrics of that epoch (e.g. <c>loss</c>, <c>val_loss</c>, <c>rmse</c>, <c>val_rmse</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Version of GalaxyMorphology that wrote the file.</summary>
    public string LibraryVersion { get; }

    /// <summary>When the file was written.</summary>
    public DateTimeOffset CreatedUtc { get; }

    /// <summary>The file this checkpoint was read from, if any.</summary>
    public string? Path { get; }

    /// <summary>Whether optimizer and trainer state are present (training can resume from it).</summary>
    public bool CanResume => OptimizerState is not null && TrainerState is not null;

    internal byte[] Weights { get; }
    internal byte[]? OptimizerState { get; }
    internal byte[]? RngState { get; }
    internal JsonObject? TrainerState { get; }

    /// <summary>The running library's version.</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(Checkpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Builds the model this checkpoint describes, with its weights, on <paramref name="device"/>.</summary>
    public GalaxyNet BuildModel(Device? device = null)
    {
        var model = ModelBuilder.FromSpec(Spec).Build();
        LoadWeightsInto(model);
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>Loads the weights into <paramref name="model"/>, which must have the same <see cref="ModelSpec"/>.</summary>
    /// <exception cref="InvalidDataException">The model's spec differs; the message names the differences.</exception>
    public void LoadWeightsInto(GalaxyNet model) => LoadWeightsInto(model, ignoreProjection: false);

    /// <summary>The same, where <paramref name="ignoreProjection"/> lets the tree projection (which has no weights) differ.</summary>
    internal void LoadWeightsInto(GalaxyNet model, bool ignoreProjection)
    {
        ArgumentNullException.ThrowIfNull(model);
        var differences = SpecDifferences(ignoreProjection ? Spec with { ProjectOntoTree = model.Spec.ProjectOntoTree } : Spec, model.Spec);
        if (differences.Count > 0)
            throw new InvalidDataException($"checkpoint{Where} was written for a different model: {string.Join("; ", differences)}");
        using var stream = new MemoryStream(Weights, writable: false);
        try
        {
            model.load(stream, strict: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"checkpoint{Where} has weights that do not fit the model: {ex.Message}", ex);
        }
    }

    private string Where => Path is null ? "" : $" '{Path}'";

    /// <summary>The fields in which two specs differ, as "field: a ≠ b" lines (empty when equal).</summary>
    public static IReadOnlyList<string> SpecDifferences(ModelSpec expected, ModelSpec actual)
    {
        var a = JsonNode.Parse(expected.ToJson())!.AsObject();
        var b = JsonNode.Parse(actual.ToJson())!.AsObject();
        var result = new List<string>();
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            var x = a[key]?.ToJsonString() ?? "null";
            var y = b[key]?.ToJsonString() ?? "null";
            if (x != y) result.Add($"{key}: checkpoint {x}, model {y}");
        }
        return result;
    }

    /// <summary>Writes a checkpoint atomically.</summary>
    internal static void Write(string path, GalaxyNet model, PreprocessingOptions preprocessing, int epoch,
        IReadOnlyDictionary<string, double> metrics, TorchSharp.Modules.OptimizerHelper? optimizer, JsonObject? trainerState)
    {
        var weights = new MemoryStream();
        model.save(weights);
        byte[]? optimizerBytes = null;
        byte[]? rngBytes = null;
        if (optimizer is not null)
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                optimizer.save_state_dict(writer);
            optimizerBytes = buffer.ToArray();
            using var rng = torch.random.get_rng_state();
            rngBytes = rng.data<byte>().ToArray();
        }
        WriteArchive(path, Meta(CurrentLibraryVersion, DateTimeOffset.UtcNow, epoch, metrics, model.Spec, preprocessing, trainerState),
            weights.ToArray(), optimizerBytes, rngBytes);
    }

    /// <summary>
    /// Writes this checkpoint without the optimizer, random generator and trainer state, atomically: a smaller file
    /// (about a third of a resumable one with Adam) for prediction or as a starting point (<c>InitialWeights</c>), like
    /// Keras's <c>include_optimizer=False</c>. Spec, preprocessing, epoch, metrics and library version are kept.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; nothing is left at <paramref name="path"/>.</exception>
    public void SaveWeightsOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        WriteArchive(path, Meta(LibraryVersion, CreatedUtc, Epoch, Metrics, Spec, Preprocessing, trainerState: null), Weights, null, null);
    }

    private static JsonObject Meta(string libraryVersion, DateTimeOffset created, int epoch, IReadOnlyDictionary<string, double> metrics,
        ModelSpec spec, PreprocessingOptions preprocessing, JsonObject? trainerState) => new()
    {
        ["format"] = FormatName,
        ["formatVersion"] = FormatVersion,
        ["libraryVersion"] = libraryVersion,
        ["createdUtc"] = created.ToString("O"),
        ["epoch"] = epoch,
        ["metrics"] = new JsonObject(metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(double.IsFinite(kv.Value) ? kv.Value : (double?)null)))),
        ["spec"] = JsonNode.Parse(spec.ToJson()),
        ["preprocessing"] = JsonSerializer.SerializeToNode(preprocessing),
        ["trainerState"] = trainerState?.DeepClone(),
    };

    private static void WriteArchive(string path, JsonObject meta, byte[] weights, byte[]? optimizerBytes, byte[]? rngBytes) =>
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, MetaEntry, System.Text.Encoding.UTF8.GetBytes(meta.ToJsonString(Json)));
            WriteEntry(zip, WeightsEntry, weights);
            if (optimizerBytes is not null) WriteEntry(zip, OptimizerEntry, optimizerBytes);
            if (rngBytes is not null) WriteEntry(zip, RngEntry, rngBytes);
        });

    private static void WriteEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(content);
    }

    /// <summary>Reads a checkpoint file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, or not a GalaxyMorphology checkpoint; the message names it.</exception>
    public static Checkpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        using var file = File.OpenRead(path);
        return Read(file, path, path);
    }

    /// <summary>
    /// Reads a checkpoint from a seekable <paramref name="stream"/> (an embedded resource, a blob download);
    /// <paramref name="name"/> names it in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The content is truncated, corrupt, or not a GalaxyMorphology checkpoint; the message names it.</exception>
    public static Checkpoint Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Read(stream, name, path: null);
    }

    private static Checkpoint Read(Stream stream, string name, string? path)
    {
        TorchRuntime.EnsureLoaded();
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var meta = JsonNode.Parse(ReadEntry(zip, MetaEntry, name) ?? throw Missing(name, MetaEntry))!.AsObject();
            if ((string?)meta["format"] != FormatName)
                throw new InvalidDataException($"'{name}' is not a GalaxyMorphology checkpoint (format '{meta["format"]}')");
            var version = (int?)meta["formatVersion"] ?? 0;
            if (version > FormatVersion)
                throw new InvalidDataException($"checkpoint '{name}' has format version {version}; this library reads up to {FormatVersion}: upgrade GalaxyMorphology");
            var spec = ModelSpec.FromJson(meta["spec"]?.ToJsonString() ?? throw Missing(name, "spec"));
            var preprocessing = meta["preprocessing"].Deserialize<PreprocessingOptions>() ?? throw Missing(name, "preprocessing");
            var metrics = new Dictionary<string, double>();
            if (meta["metrics"] is JsonObject m)
                foreach (var (k, v) in m) metrics[k] = v is null ? double.NaN : v.GetValue<double>();
            var weights = ReadEntry(zip, WeightsEntry, name) ?? throw Missing(name, WeightsEntry);
            return new Checkpoint(spec, preprocessing, (int?)meta["epoch"] ?? 0, metrics, weights,
                ReadEntry(zip, OptimizerEntry, name), ReadEntry(zip, RngEntry, name), meta["trainerState"] as JsonObject,
                (string?)meta["libraryVersion"] ?? "unknown", DateTimeOffset.TryParse((string?)meta["createdUtc"], out var created) ? created : default, path);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or EndOfStreamException or IOException or NotSupportedException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            if (ex is InvalidDataException { InnerException: null } && ex.Message.Contains(name, StringComparison.Ordinal)) throw;
            throw new InvalidDataException($"checkpoint '{name}' is truncated, corrupt or not a GalaxyMorphology checkpoint: {ex.Message}", ex);
        }
    }

    private static InvalidDataException Missing(string path, string what) =>
        new($"checkpoint '{path}' lacks '{what}': it is truncated, corrupt or not a GalaxyMorphology checkpoint");

    private static byte[]? ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name);
        if (entry is null) return null;
        using var s = entry.Open();
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Restores the optimizer's state (moments, step counts) from this checkpoint.</summary>
    internal void RestoreOptimizer(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        if (OptimizerState is null) throw new InvalidDataException($"checkpoint{Where} holds weights only: it cannot resume training");
        using var stream = new MemoryStream(OptimizerState, writable: false);
        using var reader = new BinaryReader(stream);
        optimizer.load_state_dict(reader);
    }

    /// <summary>Restores torch's global random generator (dropout draws) from this checkpoint.</summary>
    internal void RestoreRandomState()
    {
        if (RngState is null) return;
        using var state = torch.tensor(RngState, dtype: ScalarType.Byte);
        torch.random.set_rng_state(state);
    }
}
