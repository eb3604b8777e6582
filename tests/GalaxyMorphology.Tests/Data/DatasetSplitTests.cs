using GalaxyMorphology.Data;

namespace GalaxyMorphology.Tests.Data;

public class DatasetSplitTests
{
    private static readonly ImageShape Shape = new(3, 1, 1);

    private static InMemoryGalaxyDataset Dataset(int count) =>
        new(Enumerable.Range(0, count).Select(i => new GalaxySample(1000 + i, [i, i, i], null)), Shape);

    [Fact]
    public void Random_split_is_seeded_disjoint_and_complete()
    {
        var data = Dataset(101);
        var (train, validation) = DatasetSplit.Random(data, 0.2, seed: 5);
        validation.Count.Should().Be(20);
        train.Count.Should().Be(81);
        train.Ids.Intersect(validation.Ids).Should().BeEmpty();
        train.Ids.Concat(validation.Ids).Should().BeEquivalentTo(data.Ids);
        train.Ids.Should().BeInAscendingOrder();
        var again = DatasetSplit.Random(data, 0.2, seed: 5);
        again.Validation.Ids.Should().Equal(validation.Ids);
        DatasetSplit.Random(data, 0.2, seed: 6).Validation.Ids.Should().NotEqual(validation.Ids);
        validation.Get(0).Id.Should().Be(validation.Ids[0]);
        validation.Get(0).Pixels[0].Should().Be(validation.Ids[0] - 1000);
    }

    [Fact]
    public void First_takes_the_leading_fraction_like_the_notebook()
    {
        var (train, validation) = DatasetSplit.First(Dataset(10), 0.25);
        validation.Ids.Should().Equal([1000L, 1001L], "round(2.5) is 2, as Python rounds");
        train.Ids.Should().Equal(Enumerable.Range(1002, 8).Select(i => (long)i));
        var (_, v2) = DatasetSplit.First(Dataset(2069), 0.2);
        v2.Count.Should().Be(414);
    }

    [Fact]
    public void K_fold_validations_partition_the_data()
    {
        var data = Dataset(23);
        var validations = Enumerable.Range(0, 5).Select(f => DatasetSplit.KFold(data, 5, f, seed: 1)).ToList();
        validations.SelectMany(s => s.Validation.Ids).Should().BeEquivalentTo(data.Ids).And.OnlyHaveUniqueItems();
        validations.Should().OnlyContain(s => s.Validation.Count >= 4 && s.Validation.Count <= 5 && s.Train.Count + s.Validation.Count == 23);
        validations.Should().OnlyContain(s => !s.Train.Ids.Intersect(s.Validation.Ids).Any());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var data = Dataset(10);
        FluentActions.Invoking(() => DatasetSplit.Random(data, 0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => DatasetSplit.Random(data, 1.0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => DatasetSplit.First(data, 0.01)).Should().Throw<ArgumentException>().WithMessage("*no validation*");
        FluentActions.Invoking(() => DatasetSplit.KFold(data, 1, 0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => DatasetSplit.KFold(data, 3, 3, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new SubsetGalaxyDataset(data, [0, 10])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*10*");
    }
}

public class CachedGalaxyDatasetTests
{
    private sealed class CountingDataset(int count) : IGalaxyDataset
    {
        public int Calls;
        public int Count => count;
        public IReadOnlyList<long> Ids { get; } = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        public IReadOnlyList<string> TargetColumns => [];
        public ImageShape Shape => new(3, 1, 1);
        public GalaxySample Get(int index)
        {
            Interlocked.Increment(ref Calls);
            return new GalaxySample(index, [index, index, index], null);
        }
    }

    [Fact]
    public void Each_item_is_read_once_even_from_many_threads()
    {
        var source = new CountingDataset(50);
        var cached = new CachedGalaxyDataset(source);
        Parallel.For(0, 400, i => cached.Get(i % 50).Pixels[0].Should().Be(i % 50));
        cached.CachedCount.Should().Be(50);
        source.Calls.Should().BeInRange(50, 60);
        var calls = source.Calls;
        cached.Get(7).Should().BeSameAs(cached.Get(7));
        source.Calls.Should().Be(calls);
    }

    [Fact]
    public void Preload_reads_everything_and_reports_progress()
    {
        var cached = new CachedGalaxyDataset(new CountingDataset(130));
        var reports = new List<int>();
        cached.Preload(2, new SynchronousProgress(reports));
        cached.CachedCount.Should().Be(130);
        reports.Should().Contain(130);
    }

    private sealed class SynchronousProgress(List<int> sink) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (sink) sink.Add(value);
        }
    }
}
