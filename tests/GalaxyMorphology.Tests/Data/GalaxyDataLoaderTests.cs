using GalaxyMorphology.Data;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Data;

public class GalaxyDataLoaderTests
{
    private static readonly ImageShape Shape = new(3, 4, 5);

    private static InMemoryGalaxyDataset Dataset(int count, bool labelled = true) =>
        new(Enumerable.Range(0, count).Select(i => new GalaxySample(
            1000 + i,
            Enumerable.Range(0, Shape.Length).Select(p => i + p / 1000f).ToArray(),
            labelled ? Enumerable.Range(0, 37).Select(t => (i % 10) / 10f).ToArray() : null)), Shape);

    private static List<(long[] Ids, float[] Images, float[]? Targets)> Collect(GalaxyDataLoader loader, int epoch)
    {
        var result = new List<(long[], float[], float[]?)>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                result.Add((batch.Ids.ToArray(), batch.Images.data<float>().ToArray(), batch.Targets?.data<float>().ToArray()));
            }
        }
        return result;
    }

    [Fact]
    public void Batches_have_the_right_shapes_types_and_values()
    {
        using var loader = new GalaxyDataLoader(Dataset(10), new GalaxyDataLoaderOptions { BatchSize = 4, Shuffle = false, WorkerThreads = 2 });
        loader.BatchCount.Should().Be(3);
        var sizes = new List<int>();
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                batch.Images.dtype.Should().Be(ScalarType.Float32);
                batch.Images.shape.Should().Equal(batch.Count, 3, 4, 5);
                batch.Targets!.shape.Should().Equal(batch.Count, 37);
                sizes.Add(batch.Count);
                var first = batch.Ids[0] - 1000;
                batch.Images[0, 0, 0, 0].item<float>().Should().Be(first);
                batch.Images[0, 2, 3, 4].item<float>().Should().BeApproximately(first + 59 / 1000f, 1e-6f);
                batch.Targets[0, 36].item<float>().Should().BeApproximately((first % 10) / 10f, 1e-6f);
            }
        }
        sizes.Should().Equal(4, 4, 2);
    }

    [Fact]
    public void Drop_last_drops_the_partial_batch_and_unlabelled_sets_have_no_targets()
    {
        using var loader = new GalaxyDataLoader(Dataset(10, labelled: false), new GalaxyDataLoaderOptions { BatchSize = 4, DropLast = true, WorkerThreads = 1 });
        var batches = Collect(loader, 0);
        batches.Should().HaveCount(2);
        batches.Should().OnlyContain(b => b.Targets == null && b.Ids.Length == 4);
        loader.ImagesPerEpoch.Should().Be(8);
    }

    [Fact]
    public void Shuffle_covers_every_item_once_and_changes_with_epoch_but_not_with_threads()
    {
        var options = new GalaxyDataLoaderOptions { BatchSize = 3, Seed = 42, WorkerThreads = 0, Augmentation = new AddNoise() };
        using var sync = new GalaxyDataLoader(Dataset(11), options);
        using var one = new GalaxyDataLoader(Dataset(11), options with { WorkerThreads = 1 });
        using var two = new GalaxyDataLoader(Dataset(11), options with { WorkerThreads = 2, PrefetchBatches = 1 });
        var epoch0 = Collect(sync, 0);
        epoch0.SelectMany(b => b.Ids).Should().BeEquivalentTo(Enumerable.Range(1000, 11).Select(i => (long)i));
        foreach (var other in new[] { Collect(one, 0), Collect(two, 0) })
        {
            other.Select(b => b.Ids).Should().BeEquivalentTo(epoch0.Select(b => b.Ids), o => o.WithStrictOrdering());
            other.Select(b => b.Images).Should().BeEquivalentTo(epoch0.Select(b => b.Images), o => o.WithStrictOrdering());
        }
        Collect(sync, 1).SelectMany(b => b.Ids).Should().NotEqual(epoch0.SelectMany(b => b.Ids));
        // the augmentation changed pixels, differently in another epoch
        epoch0[0].Images[0].Should().NotBe(epoch0[0].Ids[0] - 1000f);
    }

    [Fact]
    public void Errors_in_workers_reach_the_training_thread()
    {
        using var loader = new GalaxyDataLoader(new Failing(Dataset(8), failAt: 5), new GalaxyDataLoaderOptions { BatchSize = 2, Shuffle = false, WorkerThreads = 2 });
        var act = () => Collect(loader, 0);
        act.Should().Throw<InvalidDataException>().WithMessage("*item 5*");
    }

    [Fact]
    public void Cancellation_stops_the_epoch()
    {
        using var cts = new CancellationTokenSource();
        using var loader = new GalaxyDataLoader(Dataset(20), new GalaxyDataLoaderOptions { BatchSize = 2, WorkerThreads = 2 });
        var seen = 0;
        var act = () =>
        {
            foreach (var batch in loader.Epoch(0, cts.Token))
            {
                batch.Dispose();
                if (++seen == 2) cts.Cancel();
            }
        };
        act.Should().Throw<OperationCanceledException>();
        seen.Should().Be(2);
    }

    [Fact]
    public void Prefetch_bounds_how_far_workers_run_ahead()
    {
        var counting = new Counting(Dataset(40));
        using var loader = new GalaxyDataLoader(counting, new GalaxyDataLoaderOptions { BatchSize = 2, Shuffle = false, WorkerThreads = 2, PrefetchBatches = 2 });
        using var enumerator = loader.Epoch(0).GetEnumerator();
        enumerator.MoveNext().Should().BeTrue();
        enumerator.Current.Dispose();
        Thread.Sleep(200);
        // one batch consumed, at most two more prepared (or being prepared): never the whole epoch
        counting.Calls.Should().BeLessThanOrEqualTo(2 * (1 + 2));
    }

    [Fact]
    public void A_loader_leaves_no_live_tensors_behind()
    {
        using var loader = new GalaxyDataLoader(Dataset(9), new GalaxyDataLoaderOptions { BatchSize = 4, WorkerThreads = 2 });
        using var scope = NewDisposeScope();
        for (var epoch = 0; epoch < 3; epoch++)
            foreach (var batch in loader.Epoch(epoch))
                batch.Dispose();
        scope.DisposablesCount.Should().Be(0);
    }

    private sealed class AddNoise : IImageAugmentation
    {
        public void Apply(Span<float> chw, ImageShape shape, Random random)
        {
            for (var i = 0; i < chw.Length; i++) chw[i] += (float)random.NextDouble();
        }
    }

    private sealed class Failing(IGalaxyDataset inner, int failAt) : IGalaxyDataset
    {
        public int Count => inner.Count;
        public IReadOnlyList<long> Ids => inner.Ids;
        public IReadOnlyList<string> TargetColumns => inner.TargetColumns;
        public ImageShape Shape => inner.Shape;
        public GalaxySample Get(int index) => index == failAt ? throw new InvalidDataException($"item {index} is broken") : inner.Get(index);
    }

    private sealed class Counting(IGalaxyDataset inner) : IGalaxyDataset
    {
        private int calls;
        public int Calls => Volatile.Read(ref calls);
        public int Count => inner.Count;
        public IReadOnlyList<long> Ids => inner.Ids;
        public IReadOnlyList<string> TargetColumns => inner.TargetColumns;
        public ImageShape Shape => inner.Shape;
        public GalaxySample Get(int index)
        {
            Interlocked.Increment(ref calls);
            return inner.Get(index);
        }
    }
}
