using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using GalaxyMorphology.Platform;
using GalaxyMorphology.Taxonomy;
using static TorchSharp.torch;

namespace GalaxyMorphology.Data;

/// <summary>
/// Batches of (N, 3, H, W) images and (N, 37) targets from an <see cref="IGalaxyDataset"/>. Worker threads decode
/// and augment into pooled managed buffers, at most <see cref="GalaxyDataLoaderOptions.PrefetchBatches"/> batches
/// ahead, so the training thread does not wait while compute is slower than decoding and memory stays bounded.
/// The order of each epoch and the augmentation of each image derive from the seed, the epoch and the image, so
/// the same seed gives the same batches whatever the number of threads.
/// </summary>
public sealed class GalaxyDataLoader : IDisposable
{
    private readonly IGalaxyDataset dataset;
    private readonly GalaxyDataLoaderOptions options;
    private readonly GalaxySample?[]? cache;
    private readonly ConcurrentBag<float[]> imageBuffers = [];
    private readonly ConcurrentBag<float[]> targetBuffers = [];
    private EpochRun? current;
    private bool disposed;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GalaxyDataLoader(IGalaxyDataset dataset, GalaxyDataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        this.dataset = dataset;
        this.options = options ?? new GalaxyDataLoaderOptions();
        this.options.Validate();
        if (this.options.CacheInMemory) cache = new GalaxySample?[dataset.Count];
    }

    /// <summary>The dataset this loader reads.</summary>
    public IGalaxyDataset Dataset => dataset;

    /// <summary>The options in force.</summary>
    public GalaxyDataLoaderOptions Options => options;

    /// <summary>Batches in one epoch.</summary>
    public int BatchCount => options.DropLast ? dataset.Count / options.BatchSize : (dataset.Count + options.BatchSize - 1) / options.BatchSize;

    /// <summary>Images in one epoch (all of them, less the dropped last batch when <see cref="GalaxyDataLoaderOptions.DropLast"/>).</summary>
    public int ImagesPerEpoch => options.DropLast ? BatchCount * options.BatchSize : dataset.Count;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (0-based), in order. Enumerate one epoch at a time; dispose each batch.
    /// Cancellation stops the workers and throws <see cref="OperationCanceledException"/> from the enumeration.
    /// </summary>
    public IEnumerable<GalaxyBatch> Epoch(int epoch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Enumerate(epoch, cancellationToken);
    }

    /// <summary>The dataset indices of epoch <paramref name="epoch"/> in the order the loader visits them.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        if (options.Shuffle) new Random(SeedMix.Combine(options.Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    private IEnumerable<GalaxyBatch> Enumerate(int epoch, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureLoaded();
        var order = Order(epoch);
        var batches = BatchCount;
        var run = new EpochRun(this, epoch, order, batches, cancellationToken);
        var previous = Interlocked.Exchange(ref current, run);
        previous?.Dispose();
        try
        {
            run.Start();
            for (var b = 0; b < batches; b++)
            {
                var prepared = run.Take(b);
                yield return ToBatch(prepared);
            }
        }
        finally
        {
            run.Dispose();
            Interlocked.CompareExchange(ref current, null, run);
        }
    }

    private GalaxyBatch ToBatch(PreparedBatch prepared)
    {
        var shape = dataset.Shape;
        var n = prepared.Ids.Length;
        Tensor images = empty(n, shape.Channels, shape.Height, shape.Width);
        Tensor? targets = null;
        try
        {
            CopyInto(images, prepared.Images.AsSpan(0, n * shape.Length));
            if (prepared.Targets is not null)
            {
                targets = empty(n, GalaxyZooTaxonomy.OutputCount);
                CopyInto(targets, prepared.Targets.AsSpan(0, n * GalaxyZooTaxonomy.OutputCount));
            }
        }
        catch
        {
            images.Dispose();
            targets?.Dispose();
            throw;
        }
        finally
        {
            imageBuffers.Add(prepared.Images);
            if (prepared.Targets is not null) targetBuffers.Add(prepared.Targets);
        }
        return new GalaxyBatch(prepared.Index, images, targets, prepared.Ids);
    }

    // Tensor.bytes is a view of the (contiguous, CPU) tensor's native memory: one memcpy, no intermediate copy.
    private static void CopyInto(Tensor tensor, ReadOnlySpan<float> source) =>
        source.CopyTo(MemoryMarshal.Cast<byte, float>(tensor.bytes));

    /// <summary>Fills the buffers for batch <paramref name="b"/>: decode (or cache), copy, augment. Runs on worker threads.</summary>
    private PreparedBatch Prepare(int epoch, int[] order, int b, CancellationToken cancellationToken)
    {
        var shape = dataset.Shape;
        var start = b * options.BatchSize;
        var n = Math.Min(options.BatchSize, order.Length - start);
        var images = Rent(imageBuffers, options.BatchSize * shape.Length);
        var targets = dataset.HasTargets ? Rent(targetBuffers, options.BatchSize * GalaxyZooTaxonomy.OutputCount) : null;
        var ids = new long[n];
        for (var i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = order[start + i];
            var slot = images.AsSpan(i * shape.Length, shape.Length);
            var (id, sampleTargets) = Read(index, slot);
            options.Augmentation?.Apply(slot, shape, new Random(SeedMix.Combine(options.Seed, epoch, index)));
            if (targets is not null)
            {
                if (sampleTargets is not { Length: GalaxyZooTaxonomy.OutputCount })
                    throw new InvalidDataException($"dataset item {index} (GalaxyID {id}) has no 37 targets");
                sampleTargets.CopyTo(targets.AsSpan(i * GalaxyZooTaxonomy.OutputCount));
            }
            ids[i] = id;
        }
        return new PreparedBatch(b, images, targets, ids);
    }

    // Without the in-memory cache the dataset decodes straight into the batch buffer (no per-image array).
    private (long Id, float[]? Targets) Read(int index, Span<float> slot)
    {
        if (cache is null) return dataset.GetInto(index, slot);
        return (Volatile.Read(ref cache[index]) ?? (cache[index] = dataset.Get(index))).CopyInto(index, slot);
    }

    private static float[] Rent(ConcurrentBag<float[]> pool, int length) =>
        pool.TryTake(out var buffer) && buffer.Length == length ? buffer : new float[length];

    /// <summary>Stops any epoch in progress and releases the buffers.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Interlocked.Exchange(ref current, null)?.Dispose();
        imageBuffers.Clear();
        targetBuffers.Clear();
    }

    private sealed record PreparedBatch(int Index, float[] Images, float[]? Targets, long[] Ids);

    /// <summary>One epoch's pipeline: workers claim batches in order, at most PrefetchBatches ahead of the consumer.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly GalaxyDataLoader loader;
        private readonly int epoch;
        private readonly int[] order;
        private readonly int batches;
        private readonly CancellationTokenSource stop;
        private readonly SemaphoreSlim slots;
        private readonly PreparedBatch?[] ready;
        private readonly object gate = new();
        private readonly List<Thread> workers = [];
        private ExceptionDispatchInfo? failure;
        private int next;
        private bool disposed;

        public EpochRun(GalaxyDataLoader loader, int epoch, int[] order, int batches, CancellationToken cancellationToken)
        {
            this.loader = loader;
            this.epoch = epoch;
            this.order = order;
            this.batches = batches;
            stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            slots = new SemaphoreSlim(loader.options.PrefetchBatches);
            ready = new PreparedBatch?[batches];
        }

        public void Start()
        {
            for (var w = 0; w < loader.options.WorkerThreads; w++)
            {
                var thread = new Thread(Work) { IsBackground = true, Name = $"galaxy-loader-{w}" };
                workers.Add(thread);
                thread.Start();
            }
        }

        private void Work()
        {
            try
            {
                while (true)
                {
                    slots.Wait(stop.Token);
                    var b = Interlocked.Increment(ref next) - 1;
                    if (b >= batches) return;
                    var prepared = loader.Prepare(epoch, order, b, stop.Token);
                    lock (gate)
                    {
                        ready[b] = prepared;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                lock (gate)
                {
                    failure ??= ExceptionDispatchInfo.Capture(ex);
                    Monitor.PulseAll(gate);
                }
            }
        }

        public PreparedBatch Take(int b)
        {
            var token = stop.Token;
            token.ThrowIfCancellationRequested();
            if (workers.Count == 0)
            {
                return loader.Prepare(epoch, order, b, token);
            }
            lock (gate)
            {
                while (ready[b] is null)
                {
                    failure?.Throw();
                    token.ThrowIfCancellationRequested();
                    Monitor.Wait(gate, 50);
                }
                var prepared = ready[b]!;
                ready[b] = null;
                slots.Release();
                return prepared;
            }
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            stop.Cancel();
            foreach (var t in workers) t.Join();
            stop.Dispose();
            slots.Dispose();
        }
    }
}

/// <summary>Deterministic seed mixing (SplitMix64), independent of process and platform.</summary>
internal static class SeedMix
{
    public static int Combine(int seed, int a, int b)
    {
        var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        x = Mix(x ^ (ulong)(uint)a);
        x = Mix(x ^ ((ulong)(uint)b << 32 | 0x5bd1e995UL));
        return (int)(x & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
