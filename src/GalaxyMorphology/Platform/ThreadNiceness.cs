using System.Runtime.InteropServices;

namespace GalaxyMorphology.Platform;

/// <summary>
/// Lowers the scheduling priority of the calling thread on Linux (its "nice" value; threads have their own there).
/// The data loader's workers use it so that decoding takes only the CPU the training threads leave idle: libtorch's
/// OpenMP threads wait for the slowest of them at every parallel region, so a worker that pre-empts one of them
/// costs far more than its own CPU time when threads outnumber cores.
/// </summary>
internal static partial class ThreadNiceness
{
    private static bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>Raises the calling thread's nice value to <paramref name="niceness"/> (1..19); false where that is not possible.</summary>
    public static bool TryLowerCurrentThread(int niceness)
    {
        if (niceness <= 0 || Volatile.Read(ref unavailable)) return false;
        try
        {
            // PRIO_PROCESS with a thread id applies to that thread only on Linux; raising one's own nice value needs no privilege.
            return setpriority(0, (uint)gettid(), Math.Min(niceness, 19)) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref unavailable, true);
            return false;
        }
    }

    /// <summary>The calling thread's nice value (Linux), or null.</summary>
    public static int? CurrentThread()
    {
        if (Volatile.Read(ref unavailable)) return null;
        try
        {
            Marshal.SetLastPInvokeError(0);
            var value = getpriority(0, (uint)gettid());
            return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "gettid")]
    private static partial int gettid();

    [LibraryImport("libc.so.6", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int setpriority(int which, uint who, int prio);

    [LibraryImport("libc.so.6", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int getpriority(int which, uint who);
}
