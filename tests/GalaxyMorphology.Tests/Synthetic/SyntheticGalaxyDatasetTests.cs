using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Tests.Synthetic;

public class SyntheticGalaxyDatasetTests
{
    [Fact]
    public void Has_the_shape_ids_and_targets_of_a_labelled_set()
    {
        var dataset = new SyntheticGalaxyDataset(5, new PreprocessingOptions { Size = 32 }, seed: 3, firstId: 700);
        IGalaxyDataset d = dataset;
        d.Count.Should().Be(5);
        d.Ids.Should().Equal(700L, 701L, 702L, 703L, 704L);
        d.HasTargets.Should().BeTrue();
        d.TargetColumns.Should().Equal(GalaxyZooTaxonomy.Columns);
        d.Shape.Should().Be(new ImageShape(3, 32, 32));

        var sample = d.Get(2);
        sample.Id.Should().Be(702);
        sample.Pixels.Should().HaveCount(3 * 32 * 32);
        sample.Pixels.Should().OnlyContain(v => v >= 0 && v <= 1);
        sample.Pixels.Max().Should().BeGreaterThan(0.3f, "the galaxy is visible");
        sample.Targets.Should().Equal(new SyntheticGalaxyGenerator(3).Targets(702));
        GalaxyZooTaxonomy.Validate(sample.Targets).Should().BeEmpty();
    }

    [Fact]
    public void Parallel_gets_match_sequential_ones()
    {
        var dataset = new SyntheticGalaxyDataset(6, new PreprocessingOptions { Size = 24 }, seed: 8, difficulty: SyntheticDifficulty.Easy);
        var sequential = Enumerable.Range(0, 6).Select(dataset.Get).ToArray();
        var parallel = new GalaxySample[6];
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i => parallel[5 - i] = dataset.Get(5 - i));
        for (var i = 0; i < 6; i++)
        {
            parallel[i].Pixels.Should().Equal(sequential[i].Pixels);
            parallel[i].Targets.Should().Equal(sequential[i].Targets);
        }
    }

    [Fact]
    public void Feeds_the_data_loader()
    {
        var dataset = new SyntheticGalaxyDataset(4, new PreprocessingOptions { Size = 16 });
        using var loader = new GalaxyDataLoader(dataset, new GalaxyDataLoaderOptions { BatchSize = 4, Shuffle = false, WorkerThreads = 2 });
        var batches = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                batch.Images.shape.Should().Equal(4, 3, 16, 16);
                batch.Targets!.shape.Should().Equal(4, 37);
                batch.Ids.ToArray().Should().Equal(100000L, 100001L, 100002L, 100003L);
                batches++;
            }
        }
        batches.Should().Be(1);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        FluentActions.Invoking(() => new SyntheticGalaxyDataset(-1, new PreprocessingOptions())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");
        var dataset = new SyntheticGalaxyDataset(2, new PreprocessingOptions { Size = 8 });
        dataset.Invoking(d => d.Get(2)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
        dataset.Invoking(d => d.Get(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
