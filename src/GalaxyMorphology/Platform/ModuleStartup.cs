using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GalaxyMorphology.Platform;

internal static class ModuleStartup
{
    /// <summary>Applies <see cref="NativeMemoryTuning"/> when the library is first used, before libtorch allocates.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The malloc tuning must be in place before the first tensor is allocated.")]
    internal static void Initialize() => NativeMemoryTuning.Apply();
}
