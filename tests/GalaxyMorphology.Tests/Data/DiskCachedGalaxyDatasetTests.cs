using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Tests.ImagingTests;
using SkiaSharp;

namespace GalaxyMorphology.Tests.Data;

public sealed class DiskCachedGalaxyDatasetTests : IDisposable
{
    private static readonly PreprocessingOptions Small = new() { Size = 6 };
    private readonly TestImages.TempFolder root = new();

    public DiskCachedGalaxyDatasetTests()
    {
        Directory.CreateDirectory(Images);
        var ids = new long[] { 3, 1, 2, 4 };
        File.WriteAllText(root.File(KaggleGalaxyDataset.LabelsFileName), LabelCsv.Text(ids));
        foreach (var id in ids) WriteImage(id, (byte)(id * 40));
    }

    public void Dispose() => root.Dispose();

    private string Images => root.File(KaggleGalaxyDataset.ImagesFolderName);
    private string Cache => root.File("cache");

    private void WriteImage(long id, byte level)
    {
        using var bitmap = TestImages.Bitmap(12, 12, (x, y) => new SKColor(level, (byte)(x * 10), (byte)(y * 10)));
        TestImages.Write(Path.Combine(Images, id + ".jpg"), bitmap, SKEncodedImageFormat.Png);
    }

    [Fact]
    public void Build_is_idempotent_and_entries_equal_the_source()
    {
        var source = KaggleGalaxyDataset.Open(root.Path, Small);
        var cached = new DiskCachedGalaxyDataset(source, Cache);
        var progress = new List<int>();
        cached.Build(progress: new Collect(progress)).Should().Be(4);
        progress.Should().Contain(4);
        new DiskCachedGalaxyDataset(source, Cache).Build().Should().Be(0, "a complete cache is left alone");
        var again = new DiskCachedGalaxyDataset(source, Cache);
        for (var i = 0; i < source.Count; i++)
        {
            var expected = source.Get(i);
            var hit = again.Get(i);
            hit.Id.Should().Be(expected.Id);
            hit.Pixels.Should().Equal(expected.Pixels);
            hit.Targets.Should().Equal(expected.Targets);
        }
        (again.Hits, again.Misses).Should().Be((4, 0));
        File.Exists(Path.Combine(again.Folder, "cache.json")).Should().BeTrue();
    }

    [Fact]
    public void Changed_options_use_another_folder_and_changed_or_corrupt_entries_are_recomputed()
    {
        var source = KaggleGalaxyDataset.Open(root.Path, Small);
        var cached = new DiskCachedGalaxyDataset(source, Cache);
        cached.Build();
        var other = new DiskCachedGalaxyDataset(KaggleGalaxyDataset.Open(root.Path, Small with { Size = 5 }), Cache);
        other.Folder.Should().NotBe(cached.Folder);
        other.Build().Should().Be(4);

        File.WriteAllBytes(Path.Combine(cached.Folder, "1.gzc"), [1, 2, 3]);
        WriteImage(2, 250);
        File.SetLastWriteTimeUtc(Path.Combine(Images, "2.jpg"), DateTime.UtcNow.AddMinutes(5));
        var fresh = new DiskCachedGalaxyDataset(source, Cache);
        fresh.Build().Should().Be(2);
        var index = source.Ids.ToList().IndexOf(2);
        fresh.Get(index).Pixels[0].Should().BeApproximately(250 / 255f, 1e-5f);
    }

    [Fact]
    public void Views_of_a_file_dataset_carry_their_options_and_other_sources_need_them()
    {
        var source = KaggleGalaxyDataset.Open(root.Path, Small);
        var (train, _) = DatasetSplit.First(source, 0.25);
        var cached = new DiskCachedGalaxyDataset(train, Cache);
        cached.Get(0).Id.Should().Be(train.Ids[0]);
        var memory = new InMemoryGalaxyDataset([new GalaxySample(1, new float[3], null)], new ImageShape(3, 1, 1));
        var act = () => new DiskCachedGalaxyDataset(memory, Cache);
        act.Should().Throw<ArgumentException>().WithMessage("*PreprocessingOptions*");
        new DiskCachedGalaxyDataset(memory, Cache, new PreprocessingOptions { Size = 1 }).Get(0).Targets.Should().BeNull();
    }

    [Fact]
    public void Pixel_statistics_come_from_the_images_of_a_split()
    {
        var source = KaggleGalaxyDataset.Open(root.Path, Small);
        var (train, _) = DatasetSplit.First(source, 0.25);
        var fromSplit = PixelStatistics.Compute(train, Small);
        var fromPaths = PixelStatistics.Compute(train.Ids.Select(id => Path.Combine(Images, id + ".jpg")), Small);
        fromSplit.Should().BeEquivalentTo(fromPaths);
        fromSplit.ImageCount.Should().Be(3);
        var standardized = source.WithPreprocessing(fromSplit.ApplyTo(PreprocessingOptions.CompactCrop with { CropSize = null, Size = 6 }));
        var (train2, _) = DatasetSplit.First(standardized, 0.25);
        train2.Ids.Should().Equal(train.Ids);
        var pixels = train2.Get(0).Pixels;
        pixels.Should().HaveCount(3 * 36);
        pixels.Should().NotEqual(train.Get(0).Pixels);
        var memory = new InMemoryGalaxyDataset([new GalaxySample(1, new float[3], null)], new ImageShape(3, 1, 1));
        var act = () => PixelStatistics.Compute(memory, Small);
        act.Should().Throw<ArgumentException>().WithMessage("*not backed by image files*");
    }

    private sealed class Collect(List<int> sink) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (sink) sink.Add(value);
        }
    }
}
