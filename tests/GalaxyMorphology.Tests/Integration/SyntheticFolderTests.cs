using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Tests.Integration;

/// <summary>The synthetic writer's folder goes through the same Kaggle loader as the real data, file by file.</summary>
public sealed class SyntheticFolderTests
{
    [Fact]
    public void A_written_synthetic_folder_loads_through_the_Kaggle_loader_joined_by_id()
    {
        using var temp = new TestModels.TempFolder();
        var options = new SyntheticWriterOptions { Count = 24, TestCount = 5, Seed = 8, FirstId = 500000 };
        var written = SyntheticKaggleWriter.Write(temp.Path, options);
        written.TrainingCount.Should().Be(24);

        var preprocessing = PreprocessingOptions.CompactCrop with { Scaling = PixelScaling.UnitRange };
        var dataset = KaggleGalaxyDataset.Open(temp.Path, preprocessing);
        dataset.Count.Should().Be(24);
        dataset.Ids.Should().BeEquivalentTo(Enumerable.Range(0, 24).Select(i => 500000L + i));
        dataset.Shape.Should().Be(new ImageShape(3, 64, 64));
        var generator = new SyntheticGalaxyGenerator(8);
        for (var i = 0; i < dataset.Count; i++)
        {
            var sample = dataset.Get(i);
            sample.Id.Should().Be(dataset.Ids[i]);
            sample.Pixels.Should().HaveCount(3 * 64 * 64).And.OnlyContain(v => v >= 0 && v <= 1);
            var expected = generator.Targets(sample.Id);
            for (var c = 0; c < GalaxyZooTaxonomy.OutputCount; c++)
                sample.Targets![c].Should().BeApproximately(expected[c], 1e-5f, $"GalaxyID {sample.Id}, {GalaxyZooTaxonomy.Columns[c]}");
            GalaxyZooTaxonomy.Validate(sample.Targets).Should().BeEmpty();
        }

        var (train, validation) = DatasetSplit.Random(dataset, 0.25, seed: 1);
        validation.ImagePathOf(0).Should().Be(Path.Combine(temp.Path, "images_training_rev1", $"{validation.Ids[0]}.jpg"));
        new CachedGalaxyDataset(train).ImagePathOf(1).Should().Be(dataset.ImagePath(dataset.Ids.ToList().IndexOf(train.Ids[1])));
        TestModels.Learnable(2, seed: 1).ImagePathOf(0).Should().BeNull();

        var test = GalaxyImageFolder.Open(Path.Combine(temp.Path, "images_test_rev1"), preprocessing);
        test.Count.Should().Be(5);
        ((IGalaxyDataset)test).HasTargets.Should().BeFalse();
    }

    [Fact]
    public void A_submission_file_round_trips_through_the_labels_reader()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        SyntheticKaggleWriter.Write(data, new SyntheticWriterOptions { Count = 4, TestCount = 9, Seed = 2, Size = 424 });
        var preprocessing = new PreprocessingOptions { Size = TestModels.Size };
        using var model = GalaxyModel.FromNetwork(TestModels.Small(), preprocessing);
        var images = GalaxyImageFolder.Open(Path.Combine(data, "images_test_rev1"), preprocessing);
        var predictions = model.Predict(images, tta: true);
        var submission = temp.File("submission.csv");
        SubmissionWriter.Write(submission, predictions);

        var back = GalaxyLabels.Load(submission, new GalaxyDatasetOptions { TreeSums = TreeSumPolicy.Warn });
        back.Ids.Should().Equal(predictions.Select(p => p.Id));
        for (var i = 0; i < predictions.Count; i++)
            for (var c = 0; c < GalaxyZooTaxonomy.OutputCount; c++)
                back.Targets[i][c].Should().BeApproximately(predictions[i].Votes[c], 1e-6f, $"row {i + 2}, {GalaxyZooTaxonomy.Columns[c]}");
        File.ReadLines(submission).First().Should().Be(SubmissionWriter.Header);
    }

    [Fact]
    public void The_mean_predictor_scores_what_a_hand_computation_gives()
    {
        var train = TestModels.Learnable(40, seed: 5);
        var evaluation = TestModels.Learnable(20, seed: 6);
        var mean = Baselines.MeanTargets(train);
        var squared = 0.0;
        for (var i = 0; i < evaluation.Count; i++)
            for (var c = 0; c < 37; c++)
            {
                var manualMean = Enumerable.Range(0, train.Count).Average(j => (double)train.Get(j).Targets![c]);
                mean[c].Should().BeApproximately((float)manualMean, 1e-5f);
                var d = manualMean - evaluation.Get(i).Targets![c];
                squared += d * d;
            }
        var report = Baselines.MeanPredictor(train, evaluation);
        report.Count.Should().Be(20);
        report.Rmse.Should().BeApproximately(Math.Sqrt(squared / (20 * 37)), 1e-6);
        var unlabelled = () => Baselines.MeanTargets(new InMemoryGalaxyDataset([new GalaxySample(1, new float[3], null)], new ImageShape(3, 1, 1)));
        unlabelled.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Recipes_are_the_documented_ones_and_refuse_bad_values()
    {
        TrainingRecipe.Notebook.Variant.Should().Be("batchnorm");
        TrainingRecipe.Notebook.Preprocessing.Size.Should().Be(224);
        TrainingRecipe.Notebook.Preprocessing.Scaling.Should().Be(PixelScaling.Raw255);
        TrainingRecipe.Notebook.Preprocessing.Filter.Should().Be(ResizeFilter.Lanczos3);
        TrainingRecipe.Notebook.BatchSize.Should().Be(128);
        TrainingRecipe.Notebook.Split.Should().Be(ValidationSplitKind.First);
        TrainingRecipe.Notebook.ValidationFraction.Should().Be(0.2);
        TrainingRecipe.Notebook.Augmentation.Should().BeNull();
        TrainingRecipe.Cpu.Validate();
        TrainingRecipe.Notebook.Validate();
        TrainingRecipe.Named("CPU").Should().BeSameAs(TrainingRecipe.Cpu);
        ((Action)(() => TrainingRecipe.Named("gpu"))).Should().Throw<ArgumentException>().WithMessage("*gpu*");
        ((Action)(() => (TrainingRecipe.Cpu with { Members = 0 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*members*0*");
        ((Action)(() => (TrainingRecipe.Cpu with { BatchSize = 0 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*batch size*0*");
        ((Action)(() => (TrainingRecipe.Cpu with { ValidationFraction = 1.5 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*1.5*");
        ((Action)(() => (TrainingRecipe.Cpu with { BestCheckpointFrom = 1.0 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*BestCheckpointFrom*1*");
        TrainingRecipe.Cpu.Model!.ProjectOntoTree.Should().BeTrue();
        TrainingRecipe.Notebook.BestCheckpointFrom.Should().Be(0, "the notebook kept the best val_loss of the whole run");
        ((Action)(() => (TrainingRecipe.Cpu with { Variant = "resnet", Model = null }).Validate())).Should().Throw<ArgumentException>().WithMessage("*resnet*");
    }
}
