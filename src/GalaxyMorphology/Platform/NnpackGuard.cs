using System.Runtime.InteropServices;

namespace GalaxyMorphology.Platform;

/// <summary>
/// Turns libtorch's NNPACK convolution path off where NNPACK cannot initialise. On such CPUs (or virtual machines whose
/// CPU detection fails) libtorch 2.10 checks NNPACK on every convolution and prints "Could not initialize NNPACK! Reason:
/// Unsupported hardware." each time: thousands of lines per training run. NNPACK is never used there, so switching it off
/// (<c>at::globalContext().setUserEnabledNNPACK(false)</c>, what PyTorch's <c>torch.backends.nnpack.set_flags(False)</c>
/// does) changes no result. Where NNPACK works it is left on. Linux and macOS only (Windows builds have no NNPACK);
/// any failure to find the symbols leaves libtorch as it is.
/// </summary>
internal static unsafe class NnpackGuard
{
    private const string GlobalContext = "_ZN2at13globalContextEv";
    private const string SetUserEnabledNnpack = "_ZN2at7Context20setUserEnabledNNPACKEb";

    /// <summary>Whether NNPACK was switched off in this process.</summary>
    public static bool Disabled { get; private set; }

    /// <summary>Call once, after libtorch is loaded and before training threads start.</summary>
    public static void Apply()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        try
        {
            // The bare name returns the copy TorchSharp already loaded (by its SONAME), so the global context is the one in use.
            var name = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            if (!NativeLibrary.TryLoad(name, out var library)) return;
            if (!NativeLibrary.TryGetExport(library, "nnp_initialize", out var initialize)
                || !NativeLibrary.TryGetExport(library, GlobalContext, out var globalContext)
                || !NativeLibrary.TryGetExport(library, SetUserEnabledNnpack, out var setEnabled))
                return;
            // nnp_initialize is idempotent and silent; 0 is nnp_status_success.
            if (((delegate* unmanaged<int>)initialize)() == 0) return;
            var context = ((delegate* unmanaged<IntPtr>)globalContext)();
            if (context == IntPtr.Zero) return;
            ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
            Disabled = true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
        }
    }
}
