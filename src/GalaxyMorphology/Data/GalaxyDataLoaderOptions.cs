namespace GalaxyMorphology.Data;

/// <summary>Options of <see cref="GalaxyDataLoader"/>.</summary>
public sealed record GalaxyDataLoaderOptions
{
    /// <summary>Images per batch (128, as in the notebook).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Whether each epoch visits the images in a new random order (derived from <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed for the per-epoch order and the per-image augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to drop the last, smaller batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Threads that decode and augment images; 0 does the work on the calling thread. Results do not depend on it.
    /// Default: the processor count.
    /// </summary>
    public int WorkerThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Batches prepared ahead of the training thread; bounds the loader's memory.</summary>
    public int PrefetchBatches { get; init; } = 3;

    /// <summary>Random transformation applied to each image of each epoch (training only), or null.</summary>
    public IImageAugmentation? Augmentation { get; init; }

    /// <summary>Keep every decoded image in memory after its first use (for small sets that fit in RAM).</summary>
    public bool CacheInMemory { get; init; }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, got {BatchSize}", nameof(BatchSize));
        if (WorkerThreads < 0) throw new ArgumentException($"WorkerThreads must be 0 or more, got {WorkerThreads}", nameof(WorkerThreads));
        if (PrefetchBatches < 1) throw new ArgumentException($"PrefetchBatches must be at least 1, got {PrefetchBatches}", nameof(PrefetchBatches));
    }
}
