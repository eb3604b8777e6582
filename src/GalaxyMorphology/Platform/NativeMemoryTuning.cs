using System.Runtime.InteropServices;

namespace GalaxyMorphology.Platform;

/// <summary>
/// Keeps freed native memory in the glibc heap. By default glibc returns each batch's large activation buffers to
/// the OS (munmap / trim) and faults them back in on the next batch, which made training 2-3x slower on our
/// machines. Applied once, automatically, before TorchSharp is first used (Linux with glibc only). Opt out by
/// setting the environment variable <c>GALAXYMORPHOLOGY_MALLOC_TUNING=0</c> before the process starts.
/// </summary>
public static partial class NativeMemoryTuning
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_MAX = -4;
    private static int applied; // 0 = not tried, 1 = applied, 2 = skipped

    /// <summary>Name of the opt-out environment variable.</summary>
    public const string OptOutVariable = "GALAXYMORPHOLOGY_MALLOC_TUNING";

    /// <summary>Whether the tuning is in effect in this process.</summary>
    public static bool IsApplied => Volatile.Read(ref applied) == 1;

    /// <summary>Applies the tuning once (idempotent). Returns whether it is in effect.</summary>
    public static bool Apply()
    {
        if (Volatile.Read(ref applied) != 0) return IsApplied;
        var ok = false;
        if (Environment.GetEnvironmentVariable(OptOutVariable) is not ("0" or "false" or "off") && TorchRuntime.IsLinuxGlibc)
        {
            try
            {
                // Serve large blocks from the heap (no mmap) and never trim it back to the OS.
                ok = mallopt(M_MMAP_MAX, 0) == 1 & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                ok = false;
            }
        }
        Interlocked.CompareExchange(ref applied, ok ? 1 : 2, 0);
        return IsApplied;
    }

    /// <summary>
    /// Hands the free pages inside the glibc heap back to the OS (<c>malloc_trim(0)</c>), keeping the heap's address
    /// space. With the tuning in effect freed memory is never returned on its own, so as the heap fragments the pages of
    /// blocks that training no longer reuses would stay resident. <see cref="Training.Trainer"/> does this at the start
    /// of an epoch when the heap grew during the previous one; it costs one page fault per page of the next batch's
    /// working set. Does nothing (returns false) when the tuning is not in effect.
    /// </summary>
    public static bool ReleaseFreeMemory()
    {
        if (!IsApplied) return false;
        malloc_trim(0);
        return true;
    }

    private static long heapHighWater;

    /// <summary>
    /// <see cref="ReleaseFreeMemory"/>, but only when the heap's address space has grown past its largest size at any
    /// earlier call (the first call only records it): a heap that stopped growing reuses its free pages, and handing
    /// them back would only cost page faults. Where glibc cannot report the heap's size (before 2.33) it always releases.
    /// </summary>
    internal static bool ReleaseFreeMemoryIfHeapGrew()
    {
        if (!IsApplied) return false;
        if (HeapBytes() is long size && !GrewPastHighWater(size, ref heapHighWater)) return false;
        return ReleaseFreeMemory();
    }

    /// <summary>Whether <paramref name="size"/> exceeds <paramref name="highWater"/> (raised to it); the first size only sets the mark.</summary>
    internal static bool GrewPastHighWater(long size, ref long highWater)
    {
        var previous = highWater;
        if (size <= previous) return false;
        highWater = size;
        return previous > 0;
    }

    /// <summary>The address space glibc's heap holds in bytes, all arenas (<c>mallinfo2</c>), or null where glibc cannot say.</summary>
    public static long? HeapBytes()
    {
        try
        {
            return (long)mallinfo2().Arena;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs the .NET finalizers that are due at a fixed point (a gen-0 collection, then waiting for the finalizer
    /// thread). TorchSharp objects that nobody disposed, such as the <c>Scalar</c>s made from every <c>double</c>
    /// passed to a tensor operation, free their native memory from the finalizer thread whenever a collection happens
    /// to run; those frees, at random moments between the allocations of a training step, were enough to change where
    /// glibc placed the step's large blocks, and the heap grew by tens of MB at a time. Called once per batch by the
    /// trainer (about 1 ms against a step of hundreds), it makes every step start from the same heap. Like the rest of
    /// the tuning, it does nothing where the tuning is not in effect.
    /// </summary>
    internal static void RunDueFinalizers()
    {
        if (!IsApplied) return;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        public readonly nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 mallinfo2();

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
