using TorchSharp;

namespace GalaxyMorphology.Models;

/// <summary>
/// The number type a <see cref="GalaxyNet"/> computes in while it trains. The weights, the optimizer's state, the
/// BatchNorm statistics, the loss and every checkpoint stay float32 either way; evaluation and prediction always run
/// in float32.
/// </summary>
public enum TrainingPrecision
{
    /// <summary>Float32 throughout (the default of a new recipe).</summary>
    Float32,

    /// <summary>
    /// Mixed precision, as PyTorch's <c>autocast</c> does it: the convolutions and dense layers run in bfloat16 on
    /// bfloat16 copies of the float32 weights (gradients flow back to the float32 weights through the cast), BatchNorm
    /// normalises bfloat16 activations with its float32 parameters, and the output head and loss are float32. On CPUs
    /// with AVX-512 BF16 or AMX a training step takes roughly half the time; elsewhere it can be slower (see
    /// docs/training.md).
    /// </summary>
    BFloat16,

    /// <summary>
    /// <see cref="BFloat16"/> where the CPU computes bfloat16 natively (AVX-512 BF16 or AMX, as Linux reports them),
    /// <see cref="Float32"/> on other CPUs and on CUDA devices (not measured there yet): the speed of bfloat16 where it
    /// is fast, never its emulation where it is slow. The <c>cpu</c> recipe's setting. What it comes to on a device:
    /// <see cref="TrainingPrecisionExtensions.Resolve(TrainingPrecision, torch.Device)"/>.
    /// </summary>
    Auto,
}

/// <summary>What a <see cref="TrainingPrecision"/> comes to on a device.</summary>
public static class TrainingPrecisionExtensions
{
    private static readonly Lazy<bool> NativeBFloat16 = new(() =>
    {
        try
        {
            return File.Exists("/proc/cpuinfo") && CpuInfoHasNativeBFloat16(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    });

    /// <summary>True when this machine's CPU computes bfloat16 natively (AVX-512 BF16 or AMX, read from Linux's <c>/proc/cpuinfo</c>; false elsewhere).</summary>
    public static bool CpuHasNativeBFloat16 => NativeBFloat16.Value;

    /// <summary>
    /// The precision <paramref name="precision"/> trains in on <paramref name="device"/>: <see cref="TrainingPrecision.Auto"/>
    /// becomes <see cref="TrainingPrecision.BFloat16"/> on a CPU with native bfloat16 and <see cref="TrainingPrecision.Float32"/>
    /// elsewhere; the others stay as they are.
    /// </summary>
    public static TrainingPrecision Resolve(this TrainingPrecision precision, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return precision.Resolve(device.type);
    }

    /// <summary>
    /// What <paramref name="precision"/> trains in on <paramref name="device"/>, for a console line: <c>float32</c> or
    /// <c>bfloat16</c>, followed by <c>(auto)</c> when the setting was <see cref="TrainingPrecision.Auto"/>.
    /// </summary>
    public static string Describe(this TrainingPrecision precision, torch.Device device) =>
        (precision.Resolve(device) == TrainingPrecision.BFloat16 ? "bfloat16" : "float32")
        + (precision == TrainingPrecision.Auto ? " (auto)" : "");

    /// <summary>The same on a device type (what <see cref="GalaxyNet"/> reads from its input without allocating a device object per batch).</summary>
    internal static TrainingPrecision Resolve(this TrainingPrecision precision, DeviceType deviceType) => precision switch
    {
        TrainingPrecision.Float32 or TrainingPrecision.BFloat16 => precision,
        TrainingPrecision.Auto => deviceType == DeviceType.CPU && CpuHasNativeBFloat16 ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown training precision"),
    };

    /// <summary>True when a <c>/proc/cpuinfo</c> text lists a bfloat16 instruction set (<c>avx512_bf16</c> or <c>amx_bf16</c>) among its flags.</summary>
    internal static bool CpuInfoHasNativeBFloat16(string cpuinfo) =>
        cpuinfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            .Any(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Any(flag => flag is "avx512_bf16" or "amx_bf16"));
}
