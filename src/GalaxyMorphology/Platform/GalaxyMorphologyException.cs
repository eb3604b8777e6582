namespace GalaxyMorphology.Platform;

/// <summary>
/// TorchSharp's native runtime could not be used. The message names the cause (libstdc++ too old, no libtorch
/// runtime package referenced, no CUDA runtime when cuda was asked for) and the fix, instead of TorchSharp's
/// nested <see cref="TypeInitializationException"/>.
/// </summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>What went wrong.</summary>
    public TorchRuntimeProblem Problem { get; }

    /// <summary>Creates the exception.</summary>
    public TorchRuntimeException(TorchRuntimeProblem problem, string message, Exception? inner = null) : base(message, inner) => Problem = problem;
}

/// <summary>The causes <see cref="TorchRuntimeException"/> tells apart.</summary>
public enum TorchRuntimeProblem
{
    /// <summary>libstdc++ lacks GLIBCXX_3.4.32 (GCC 13+ runtime), which libLibTorchSharp.so needs.</summary>
    LibStdCxxTooOld,
    /// <summary>No libtorch runtime package (e.g. TorchSharp-cpu) is referenced by the application.</summary>
    NoLibTorchRuntime,
    /// <summary>CUDA was asked for but no CUDA-enabled libtorch and device are available.</summary>
    CudaUnavailable,
    /// <summary>Another native load failure; see the inner exception.</summary>
    Other,
}

/// <summary>Base class of the exceptions GalaxyMorphology throws for problems in the user's data or set-up.</summary>
public class GalaxyMorphologyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GalaxyMorphologyException(string message, Exception? inner = null) : base(message, inner) { }
}
