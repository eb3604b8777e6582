using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Persistence;

namespace GalaxyMorphology.Data;

/// <summary>
/// Keeps preprocessed samples on disk (the notebook's resize-once step), one file per galaxy under
/// <c>cacheFolder/&lt;key&gt;/&lt;GalaxyID&gt;.gzc</c>. The key hashes the preprocessing options and the source's image
/// folder, so changing either uses a fresh folder; each entry also records its image file's size and time, so an
/// edited image is reprocessed. Entries are written to a temporary file and renamed, so a crash never leaves a torn
/// entry; <see cref="Build"/> is idempotent. Size: 4 × (3 × Size² + 37) bytes per galaxy (48 KB at 64², 600 KB at 224²).
/// Thread-safe.
/// </summary>
public sealed class DiskCachedGalaxyDataset : IGalaxyDataset
{
    private const int Magic = 0x31435A47; // "GZC1"
    private const int HeaderBytes = 4 + 8 + 4 + 4;
    private readonly Func<int, long> stamp;
    private int hits;
    private int misses;

    /// <summary>
    /// Caches <paramref name="source"/> under <paramref name="cacheFolder"/>. <paramref name="preprocessing"/> keys the cache; it may be
    /// omitted when the source is (a view of) a <see cref="KaggleGalaxyDataset"/> or <see cref="GalaxyImageFolder"/>, whose options are used.
    /// </summary>
    /// <exception cref="ArgumentException">No preprocessing options were given and the source does not carry them.</exception>
    /// <exception cref="IOException">The cache folder cannot be created.</exception>
    public DiskCachedGalaxyDataset(IGalaxyDataset source, string cacheFolder, PreprocessingOptions? preprocessing = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(cacheFolder);
        Source = source;
        var (options, imageFolder, paths) = ImageSource.Describe(source);
        preprocessing ??= options ?? throw new ArgumentException(
            "pass the PreprocessingOptions the source applies: they key the cache (only Kaggle and image-folder datasets carry their own)", nameof(preprocessing));
        var description = JsonSerializer.Serialize(new
        {
            preprocessing,
            imageFolder = imageFolder is null ? null : Path.GetFullPath(imageFolder),
            shape = source.Shape.ToString(),
            targets = source.TargetColumns.Count,
        });
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16];
        Folder = Path.Combine(Path.GetFullPath(cacheFolder), key);
        Directory.CreateDirectory(Folder);
        var descriptionFile = Path.Combine(Folder, "cache.json");
        if (!File.Exists(descriptionFile)) AtomicFile.WriteAllText(descriptionFile, description);
        stamp = paths is null ? _ => 0L : i => Stamp(paths(i));
    }

    /// <summary>The dataset cached.</summary>
    public IGalaxyDataset Source { get; }

    /// <summary>The folder holding this cache's entries (a subfolder of the cache folder, named by the key).</summary>
    public string Folder { get; }

    /// <summary>Reads served from disk so far.</summary>
    public int Hits => Volatile.Read(ref hits);

    /// <summary>Samples computed from the source (and written) so far.</summary>
    public int Misses => Volatile.Read(ref misses);

    /// <inheritdoc />
    public int Count => Source.Count;

    /// <inheritdoc />
    public IReadOnlyList<long> Ids => Source.Ids;

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns => Source.TargetColumns;

    /// <inheritdoc />
    public ImageShape Shape => Source.Shape;

    /// <inheritdoc />
    public float[]? TargetsOf(int index) => Source.TargetsOf(index);

    /// <inheritdoc />
    public GalaxySample Get(int index)
    {
        var id = Source.Ids[index];
        var path = EntryPath(id);
        var expected = stamp(index);
        if (TryRead(path, id, expected, out var cached))
        {
            Interlocked.Increment(ref hits);
            return cached;
        }
        var sample = Source.Get(index);
        Write(path, sample, expected);
        Interlocked.Increment(ref misses);
        return sample;
    }

    /// <summary>
    /// Writes every missing or stale entry, on <paramref name="maxDegreeOfParallelism"/> threads, reporting the number of galaxies
    /// checked. Returns how many entries were written: 0 when the cache was already complete.
    /// </summary>
    public int Build(int maxDegreeOfParallelism = -1, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var before = Misses;
        var done = 0;
        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken }, i =>
        {
            var id = Source.Ids[i];
            if (!IsCurrent(EntryPath(id), stamp(i))) Get(i);
            var n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 64 == 0 || n == Count)) progress.Report(n);
        });
        return Misses - before;
    }

    private string EntryPath(long id) => Path.Combine(Folder, id.ToString(CultureInfo.InvariantCulture) + ".gzc");

    private static long Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? info.LastWriteTimeUtc.Ticks ^ unchecked(info.Length * (long)0x9E3779B97F4A7C15UL) : 0L;
    }

    private bool IsCurrent(string path, long expected)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (stream.Read(header) != HeaderBytes) return false;
            var (ok, length) = CheckHeader(header, expected);
            return ok && stream.Length == length;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private (bool Ok, long Length) CheckHeader(ReadOnlySpan<byte> header, long expected)
    {
        var magic = MemoryMarshal.Read<int>(header);
        var storedStamp = MemoryMarshal.Read<long>(header[4..]);
        var pixels = MemoryMarshal.Read<int>(header[12..]);
        var targets = MemoryMarshal.Read<int>(header[16..]);
        var ok = magic == Magic && storedStamp == expected && pixels == Shape.Length && (targets == 0 || targets == TargetColumns.Count);
        return (ok, HeaderBytes + 4L * (pixels + targets));
    }

    private bool TryRead(string path, long id, long expected, out GalaxySample sample)
    {
        sample = null!;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (stream.Read(header) != HeaderBytes) return false;
            var (ok, length) = CheckHeader(header, expected);
            if (!ok || stream.Length != length) return false;
            var pixels = new float[MemoryMarshal.Read<int>(header[12..])];
            var targetCount = MemoryMarshal.Read<int>(header[16..]);
            stream.ReadExactly(MemoryMarshal.AsBytes(pixels.AsSpan()));
            float[]? targets = null;
            if (targetCount > 0)
            {
                targets = new float[targetCount];
                stream.ReadExactly(MemoryMarshal.AsBytes(targets.AsSpan()));
            }
            sample = new GalaxySample(id, pixels, targets);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // absent, torn by something outside us, or unreadable: recompute
        }
    }

    private static void Write(string path, GalaxySample sample, long stampValue)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> header = stackalloc byte[HeaderBytes];
                MemoryMarshal.Write(header, Magic);
                MemoryMarshal.Write(header[4..], stampValue);
                MemoryMarshal.Write(header[12..], sample.Pixels.Length);
                MemoryMarshal.Write(header[16..], sample.Targets?.Length ?? 0);
                stream.Write(header);
                stream.Write(MemoryMarshal.AsBytes(sample.Pixels.AsSpan()));
                if (sample.Targets is not null) stream.Write(MemoryMarshal.AsBytes(sample.Targets.AsSpan()));
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw new IOException($"cannot write the cache entry '{path}': {ex.Message}", ex);
        }
    }
}
