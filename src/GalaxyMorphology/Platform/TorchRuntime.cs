using System.Runtime.InteropServices;
using TorchSharp;

namespace GalaxyMorphology.Platform;

/// <summary>
/// Loads TorchSharp's native runtime once and resolves device names, turning native load failures into a
/// <see cref="TorchRuntimeException"/> that says what is missing and how to fix it.
/// </summary>
public static class TorchRuntime
{
    private const string NeededGlibcxx = "GLIBCXX_3.4.32";
    private static readonly Lock Gate = new();
    private static bool loaded;

    /// <summary>Makes sure the native runtime is loaded; throws <see cref="TorchRuntimeException"/> when it cannot be.</summary>
    public static void EnsureLoaded()
    {
        if (loaded) return;
        lock (Gate)
        {
            if (loaded) return;
            NativeMemoryTuning.Apply();
            try
            {
                // Touching torch initialises the native library (TorchSharp's static constructor).
                using var probe = torch.zeros(1);
                NnpackGuard.Apply();
                loaded = true;
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw Explain(ex);
            }
        }
    }

    /// <summary>
    /// Resolves a device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>) after loading the runtime; throws
    /// <see cref="TorchRuntimeException"/> when CUDA is asked for and not available, and
    /// <see cref="ArgumentException"/> for a name that is not a device.
    /// </summary>
    public static torch.Device Device(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized != "cpu" && normalized != "cuda" && !normalized.StartsWith("cuda:", StringComparison.Ordinal))
            throw new ArgumentException($"device '{name}' is not supported: use 'cpu', 'cuda' or 'cuda:N'", nameof(name));
        EnsureLoaded();
        if (normalized == "cpu") return torch.CPU;
        if (!torch.cuda.is_available())
            throw new TorchRuntimeException(TorchRuntimeProblem.CudaUnavailable,
                $"device '{name}' was asked for but CUDA is not available: the application references a CPU-only libtorch " +
                "(TorchSharp-cpu) or the machine has no NVIDIA driver/GPU. Reference a CUDA runtime package (see docs/gpu.md) " +
                "and run on a machine with a GPU, or use device 'cpu'.");
        var device = torch.device(normalized);
        if (device.index >= torch.cuda.device_count())
            throw new TorchRuntimeException(TorchRuntimeProblem.CudaUnavailable,
                $"device '{name}' was asked for but only {torch.cuda.device_count()} CUDA device(s) exist.");
        return device;
    }

    internal static TorchRuntimeException Explain(Exception ex)
    {
        var all = string.Join(" | ", Chain(ex).Select(e => e.Message));
        if (OperatingSystem.IsLinux() && (all.Contains("GLIBCXX", StringComparison.Ordinal) || !LibStdCxxHas(NeededGlibcxx)))
            return new TorchRuntimeException(TorchRuntimeProblem.LibStdCxxTooOld,
                $"TorchSharp's native library needs libstdc++ from GCC 13 or newer (symbol {NeededGlibcxx}), and this system's is older. " +
                "On Debian 12 run 'bash eng/setup.sh' from the GalaxyMorphology repository as root (it installs libstdc++6 from Debian 13 'trixie', pinned); " +
                "Ubuntu 24.04+, Debian 13+ and Fedora 39+ already have it. Native error: " + all, ex);
        if (all.Contains("libtorch", StringComparison.OrdinalIgnoreCase) || all.Contains("LibTorchSharp", StringComparison.Ordinal)
            || ex is DllNotFoundException || Chain(ex).Any(e => e is DllNotFoundException))
            return new TorchRuntimeException(TorchRuntimeProblem.NoLibTorchRuntime,
                "TorchSharp's native runtime (libtorch) was not found. The GalaxyMorphology package references the managed TorchSharp only: " +
                "add a runtime package to your application, e.g. 'dotnet add package TorchSharp-cpu --version 0.107.0' (or a CUDA one, see docs/gpu.md). " +
                "Native error: " + all, ex);
        return new TorchRuntimeException(TorchRuntimeProblem.Other, "TorchSharp's native runtime failed to load: " + all, ex);
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException) yield return e;
    }

    /// <summary>Whether the process's libstdc++ (found the way the dynamic loader would) contains <paramref name="symbol"/>.</summary>
    internal static bool LibStdCxxHas(string symbol)
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        ];
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null) return true; // cannot tell: do not blame libstdc++
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(symbol)) >= 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    internal static bool IsLinuxGlibc => OperatingSystem.IsLinux() && RuntimeInformation.RuntimeIdentifier.StartsWith("linux-", StringComparison.Ordinal)
        && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
}
