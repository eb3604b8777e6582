using System.Text.Json.Nodes;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Training;

[Collection(SerialCollection.Name)]
public class PretrainedWeightsTests
{
    [Fact]
    public void The_shipped_weights_fit_the_cpu_recipes_model_and_predict_unseen_synthetic_galaxies_better_than_the_mean()
    {
        var weights = PretrainedWeights.Load(PretrainedWeights.CpuNetSynthetic);
        Checkpoint.SpecDifferences(weights.Spec, TrainingRecipe.Cpu.CreateModelBuilder().Spec).Should().BeEmpty();
        PretrainedWeights.SpecDifferences(PretrainedWeights.CpuNetSynthetic, TrainingRecipe.Cpu.CreateModelBuilder().Spec).Should().BeEmpty();
        PretrainedWeights.SpecDifferences(PretrainedWeights.CpuNetSynthetic, TrainingRecipe.Cpu.CreateModelBuilder().WithInputSize(48).Spec)
            .Should().ContainSingle().Which.Should().StartWith("inputSize");
        PretrainedWeights.Load(PretrainedWeights.CpuNetSynthetic).Should().BeSameAs(weights, "the package's weights are read once");
        weights.CanResume.Should().BeFalse("they ship without optimizer state");
        weights.Path.Should().BeNull();

        using var network = TrainingRecipe.Cpu.CreateModelBuilder().Build();
        weights.LoadWeightsInto(network);
        using var model = GalaxyModel.FromNetwork(network, weights.Preprocessing);
        // Galaxies of another seed than the 6,000 the weights were trained on.
        var unseen = new SyntheticGalaxyDataset(48, weights.Preprocessing, seed: 987);
        var trainedRmse = model.Evaluate(unseen).Rmse;
        var meanRmse = Baselines.MeanPredictor(new SyntheticGalaxyDataset(200, weights.Preprocessing, seed: 988), unseen).Rmse;
        trainedRmse.Should().BeLessThan(0.8 * meanRmse, "trained weights read the galaxies; random ones would not beat the mean");
    }

    [Fact]
    public void Unknown_names_are_refused_with_the_list_of_names()
    {
        ((Action)(() => PretrainedWeights.Load("resnet-imagenet"))).Should().Throw<ArgumentException>().WithMessage("*resnet-imagenet*cpunet-synthetic*");
        ((Action)(() => (TrainingRecipe.Cpu with { PretrainedWeights = "resnet-imagenet" }).Validate())).Should().Throw<ArgumentException>()
            .WithMessage("*resnet-imagenet*cpunet-synthetic*");
        TrainingRecipe.Cpu.PretrainedWeights.Should().Be(PretrainedWeights.CpuNetSynthetic);
        TrainingRecipe.Notebook.PretrainedWeights.Should().BeNull();
    }

    [Fact]
    public void A_recipe_whose_model_differs_from_its_pretrained_weights_is_refused_before_any_data_is_read()
    {
        using var temp = new TestModels.TempFolder();
        var recipe = TrainingRecipe.Cpu with { Preprocessing = TrainingRecipe.Cpu.Preprocessing with { Size = 48 }, Epochs = 1 };
        var run = () => TrainingRun.Run(recipe, temp.File("no-such-data"), temp.File("run"));
        run.Should().Throw<ArgumentException>().WithMessage("*pretrained weights 'cpunet-synthetic'*inputSize*PretrainedWeights to null*");
    }

    [Fact]
    public void A_run_of_the_cpu_recipe_starts_from_the_pretrained_weights_and_one_without_them_does_not()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        SyntheticKaggleWriter.Write(data, new SyntheticWriterOptions { Count = 24, Seed = 5 });
        // A learning rate of 1e-12 leaves the weights where they started.
        var recipe = TrainingRecipe.Cpu with { Epochs = 1, TimeBudget = null, BatchSize = 8, ValidationFraction = 0.25, LearningRate = 1e-12 };
        var pretrained = TrainingRun.Run(recipe, data, temp.File("pretrained"));
        var random = TrainingRun.Run(recipe with { PretrainedWeights = null }, data, temp.File("random"));

        using var shipped = TrainingRecipe.Cpu.CreateModelBuilder().Build();
        PretrainedWeights.Load(PretrainedWeights.CpuNetSynthetic).LoadWeightsInto(shipped);
        using var fromPretrained = GalaxyModel.Load(pretrained.LastCheckpoint!);
        using var fromRandom = GalaxyModel.Load(random.LastCheckpoint!);
        var convWeight = shipped.parameters().First();
        fromPretrained.Network.parameters().First().allclose(convWeight, 1e-5, 1e-6).Should().BeTrue();
        fromRandom.Network.parameters().First().allclose(convWeight, 1e-2, 1e-2).Should().BeFalse();

        JsonNode.Parse(File.ReadAllText(temp.File("pretrained/recipe.json")))!["pretrainedWeights"]!.GetValue<string>().Should().Be("cpunet-synthetic");
        JsonNode.Parse(File.ReadAllText(temp.File("random/recipe.json")))!["pretrainedWeights"].Should().BeNull();
    }

    [Fact]
    public void The_cpu_recipe_gives_identical_weights_for_a_seed_and_different_ones_for_another_seed()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        SyntheticKaggleWriter.Write(data, new SyntheticWriterOptions { Count = 72, Seed = 6 });
        // Epochs, not minutes: a time budget makes the schedule follow the clock.
        var recipe = TrainingRecipe.Cpu with { Epochs = 2, TimeBudget = null, BatchSize = 16, ValidationFraction = 0.1, PretrainedWeights = null };
        byte[] Weights(string run, int seed)
        {
            var result = TrainingRun.Run(recipe, data, temp.File(run), new TrainingRunOptions { Seed = seed });
            using var model = GalaxyModel.Load(result.LastCheckpoint!);
            return [.. model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).SelectMany(BitConverter.GetBytes)];
        }
        var first = Weights("a", seed: 3);
        Weights("b", seed: 3).Should().Equal(first, "the same seed must give bit-identical weights");
        Weights("c", seed: 4).Should().NotEqual(first);
    }

    [Fact]
    public void A_weights_only_copy_is_smaller_cannot_resume_and_holds_the_same_weights()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        using var trainer = Trainer.For(model).WithBatchSize(16).WithEpochs(1).WithWorkers(1)
            .WithCallbacks(new GalaxyMorphology.Training.Callbacks.ModelCheckpoint(temp.File("full.ckpt"))).Build();
        trainer.Fit(TestModels.Learnable(32, seed: 4));
        var full = Checkpoint.Read(temp.File("full.ckpt"));
        full.CanResume.Should().BeTrue();

        full.SaveWeightsOnly(temp.File("weights.ckpt"));
        var weightsOnly = Checkpoint.Read(temp.File("weights.ckpt"));
        weightsOnly.CanResume.Should().BeFalse();
        new FileInfo(temp.File("weights.ckpt")).Length.Should().BeLessThan(new FileInfo(temp.File("full.ckpt")).Length / 2);
        weightsOnly.Spec.ToJson().Should().Be(full.Spec.ToJson());
        weightsOnly.Epoch.Should().Be(full.Epoch);
        weightsOnly.Preprocessing.Should().BeEquivalentTo(full.Preprocessing);
        using var reloaded = weightsOnly.BuildModel();
        reloaded.parameters().Zip(model.parameters()).Should().OnlyContain(p => p.First.equal(p.Second).all().item<bool>());

        using (var stream = File.OpenRead(temp.File("weights.ckpt")))
            Checkpoint.Read(stream, "a stream").Spec.ToJson().Should().Be(full.Spec.ToJson());
        using var junk = new MemoryStream([1, 2, 3]);
        ((Action)(() => Checkpoint.Read(junk, "the junk stream"))).Should().Throw<InvalidDataException>().WithMessage("*the junk stream*");
    }
}
