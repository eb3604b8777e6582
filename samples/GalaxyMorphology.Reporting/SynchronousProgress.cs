namespace GalaxyMorphology.Reporting;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread, under a lock. <see cref="Progress{T}"/> posts to the
/// thread pool, so its last reports can arrive after the work has returned and lines come out of order.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock gate = new();

    /// <inheritdoc />
    public void Report(T value)
    {
        lock (gate) report(value);
    }
}
