using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GalaxyMorphology.Benchmarks;

/// <summary>One benchmark scenario, found by reflection: add a class, nothing else to register.</summary>
public interface IBenchmarkScenario
{
    /// <summary>The name given on the command line (decode, loader, step, fit, predict).</summary>
    string Name { get; }

    /// <summary>One line on what it measures, for --help.</summary>
    string Description { get; }

    /// <summary>Runs the scenario, writing one JSON object per result line through <see cref="BenchmarkArgs.Emit"/>.</summary>
    int Run(BenchmarkArgs args);
}

/// <summary>Command-line options shared by every scenario: --data DIR --threads N --variant V --batch B --size S.</summary>
public sealed class BenchmarkArgs
{
    private readonly Dictionary<string, string> values;

    public BenchmarkArgs(Dictionary<string, string> values) => this.values = values;

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public int? GetInt(string name) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    /// <summary>--data, or ../shared/realdata beside the repository.</summary>
    public string? DataDir => Get("data") ?? FindRealData();

    public int? Threads => GetInt("threads");
    public string? Variant => Get("variant");
    public int? Batch => GetInt("batch");
    public int? Size => GetInt("size");

    /// <summary>Prints one result as a single JSON line; keys: scenario, variant, batch, size, threads, imagesPerSecond, msPerStep, bareMsPerStep, peakRssMb, rssMbByEpoch.</summary>
    public static void Emit(JsonObject result)
    {
        Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        Console.Out.Flush();
    }

    /// <summary>Address space the glibc heap holds (all arenas), in MB; NaN where there is no glibc.</summary>
    public static double NativeHeapMb() => Platform.NativeMemoryTuning.HeapBytes() is long bytes ? bytes / 1048576.0 : double.NaN;

    /// <summary>Peak resident set size of this process so far, in MB (VmHWM).</summary>
    public static double PeakRssMb() => ReadStatusKb("VmHWM:") / 1024.0;

    /// <summary>Resets the peak RSS (VmHWM) to the current RSS (Linux: writes 5 to /proc/self/clear_refs); false where unsupported.</summary>
    public static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Current resident set size of this process, in MB (VmRSS).</summary>
    public static double RssMb() => ReadStatusKb("VmRSS:") / 1024.0;

    private static double ReadStatusKb(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return double.NaN;
    }

    private static string? FindRealData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GalaxyMorphology.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "realdata"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        return null;
    }

    /// <summary>
    /// Unit-scaled preprocessing for a benchmark size: the notebook's whole-image Lanczos resize from 128 px up (the
    /// AlexNets), the 207 px centre crop below (the small nets).
    /// </summary>
    public static GalaxyMorphology.Imaging.PreprocessingOptions PreprocessingFor(int size) => size >= 128
        ? GalaxyMorphology.Imaging.PreprocessingOptions.Notebook with { Size = size, Scaling = GalaxyMorphology.Imaging.PixelScaling.UnitRange }
        : GalaxyMorphology.Imaging.PreprocessingOptions.CompactCrop with { Size = size, Scaling = GalaxyMorphology.Imaging.PixelScaling.UnitRange };

    /// <summary>Median of a list of timings.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Times <paramref name="action"/> in milliseconds.</summary>
    public static double TimeMs(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }
}
