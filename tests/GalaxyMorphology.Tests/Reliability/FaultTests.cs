using System.Diagnostics;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;

namespace GalaxyMorphology.Tests.Reliability;

/// <summary>Faults lose nothing: truncated and foreign checkpoints, unwritable and full outputs, divergence, concurrent prediction.</summary>
public sealed class FaultTests
{
    private static readonly GalaxyMorphology.Data.InMemoryGalaxyDataset Train = TestModels.Learnable(48, seed: 3);
    private static readonly GalaxyMorphology.Data.InMemoryGalaxyDataset Validation = TestModels.Learnable(16, seed: 4);

    private static string TrainedCheckpoint(TestModels.TempFolder temp, string name = "model.ckpt")
    {
        using var model = TestModels.Small();
        var path = temp.File(name);
        using var trainer = Trainer.For(model).WithBatchSize(16).WithEpochs(1).WithWorkers(1).WithCallbacks(new ModelCheckpoint(path)).Build();
        trainer.Fit(Train, Validation);
        return path;
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_naming_the_file()
    {
        using var temp = new TestModels.TempFolder();
        var path = TrainedCheckpoint(temp);
        var bytes = File.ReadAllBytes(path);
        foreach (var keep in new[] { 0, 10, bytes.Length / 2, bytes.Length - 5 })
        {
            var cut = temp.File($"cut-{keep}.ckpt");
            File.WriteAllBytes(cut, bytes[..keep]);
            var act = () => GalaxyModel.Load(cut);
            act.Should().Throw<InvalidDataException>().WithMessage($"*{cut}*");
        }
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_names_the_mismatch()
    {
        using var temp = new TestModels.TempFolder();
        var path = TrainedCheckpoint(temp);
        using var other = ModelBuilder.FromSpec(TestModels.SmallSpec with { InputSize = 20 }).Build();
        var act = () => Checkpoint.Read(path).LoadWeightsInto(other);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*inputSize*16*20*");
    }

    [Fact]
    public void An_output_folder_that_cannot_exist_is_a_clear_error_and_leaves_nothing()
    {
        using var temp = new TestModels.TempFolder();
        var blocker = temp.File("not-a-folder");
        File.WriteAllText(blocker, "a file where the run folder should go");
        using var model = TestModels.Small();
        var target = Path.Combine(blocker, "run", "best.ckpt");
        using var trainer = Trainer.For(model).WithBatchSize(16).WithEpochs(1).WithWorkers(1).WithCallbacks(new ModelCheckpoint(target)).Build();
        var act = () => trainer.Fit(Train, Validation);
        act.Should().Throw<IOException>().WithMessage($"*{blocker}*");
        Directory.GetFileSystemEntries(temp.Path).Should().ContainSingle().Which.Should().Be(blocker);
    }

    [SkippableFact]
    public void A_full_disk_keeps_the_previous_checkpoint_and_leaves_no_partial_file()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "mounting a tiny tmpfs needs root on Linux; the simulated stream failure test covers the rest");
        using var temp = new TestModels.TempFolder();
        var mount = temp.File("tiny");
        Directory.CreateDirectory(mount);
        if (!Run("mount", $"-t tmpfs -o size=1200k tmpfs {mount}")) { Skip.If(true, "this machine does not allow mounting tmpfs"); }
        try
        {
            var path = Path.Combine(mount, "model.ckpt");
            File.Copy(TrainedCheckpoint(temp), path);
            var before = File.ReadAllBytes(path);
            File.WriteAllBytes(Path.Combine(mount, "filler"), new byte[1200 * 1024 - before.Length - 64 * 1024]);
            using var model = TestModels.Small(seed: 9);
            using var trainer = Trainer.For(model).WithBatchSize(16).WithEpochs(1).WithWorkers(1).WithCallbacks(new ModelCheckpoint(path)).Build();
            var act = () => trainer.Fit(Train, Validation);
            act.Should().Throw<IOException>().WithMessage($"*{path}*");
            File.ReadAllBytes(path).Should().Equal(before);
            Directory.GetFiles(mount).Select(Path.GetFileName).Should().BeEquivalentTo("model.ckpt", "filler");
            using var loaded = GalaxyModel.Load(path);
            loaded.Checkpoint!.Epoch.Should().Be(1);
        }
        finally
        {
            Run("umount", mount);
        }
    }

    [Fact]
    public void A_diverging_learning_rate_is_reported_with_the_batch_not_hidden()
    {
        using var model = ModelBuilder.FromSpec(TestModels.SmallSpec with { Head = OutputHead.Linear }).Build();
        using var trainer = Trainer.For(model).WithBatchSize(16).WithEpochs(3).WithWorkers(1)
            .WithOptimizer(OptimizerKind.Sgd, learningRate: 1e12).WithCallbacks(new TerminateOnNaN()).Build();
        var history = trainer.Fit(Train, Validation);
        history.StopReason.Should().Be(StopReason.NonFiniteLoss);
        history.StopMessage.Should().Contain("batch").And.Contain("learning rate");
    }

    [Fact]
    public void Predict_from_several_threads_on_one_model_matches_serial_prediction()
    {
        using var model = GalaxyModel.FromNetwork(TestModels.Small(), new Imaging.PreprocessingOptions { Size = TestModels.Size });
        var serial = Enumerable.Range(0, Validation.Count).Select(i => model.PredictPixels(Validation.Get(i).Pixels).Values.ToArray()).ToArray();
        var parallel = new float[Validation.Count][];
        Parallel.For(0, Validation.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var i = k % Validation.Count;
            var round = k / Validation.Count;
            var values = model.PredictPixels(Validation.Get(i).Pixels, tta: round % 2 == 0).Values.ToArray();
            if (round == 1) parallel[i] = values;
        });
        for (var i = 0; i < serial.Length; i++) parallel[i].Should().Equal(serial[i]);
    }

    private static bool Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
