using GalaxyMorphology.Data;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Training;

[Collection(SerialCollection.Name)]
public class TrainerTests
{
    private static readonly InMemoryGalaxyDataset Train = TestModels.Learnable(96, seed: 1);
    private static readonly InMemoryGalaxyDataset Validation = TestModels.Learnable(32, seed: 2);

    private static TrainerBuilder Builder(GalaxyMorphology.Models.GalaxyNet model) =>
        Trainer.For(model).WithBatchSize(16).WithSeed(7).WithWorkers(1).WithLearningRate(3e-3);

    private static double MeanPredictorRmse(IGalaxyDataset train, IGalaxyDataset test)
    {
        var mean = new double[37];
        for (var i = 0; i < train.Count; i++) for (var c = 0; c < 37; c++) mean[c] += train.Get(i).Targets![c] / train.Count;
        var acc = new RmseAccumulator();
        for (var i = 0; i < test.Count; i++) acc.Add(mean.Select(m => (float)m).ToArray(), test.Get(i).Targets!);
        return acc.Rmse;
    }

    [Fact]
    public void A_small_model_fits_a_small_set()
    {
        using var model = TestModels.Small();
        using var trainer = Builder(model).WithEpochs(8).Build();
        var history = trainer.Fit(Train, Validation);
        history.Epochs.Should().HaveCount(8);
        history.StopReason.Should().Be(StopReason.Completed);
        history.Epochs[^1].Loss.Should().BeLessThan(history.Epochs[0].Loss);
        history.Epochs[^1].Rmse.Should().BeLessThan(MeanPredictorRmse(Train, Train));
        history.Epochs[^1].ValRmse.Should().BeLessThan(MeanPredictorRmse(Train, Validation));
        history.Epochs.Should().OnlyContain(e => e.ImagesPerSecond > 0 && e.Seconds > 0 && e.LearningRate == 3e-3);
        var report = trainer.Evaluate(Validation);
        report.Count.Should().Be(32);
        report.Rmse.Should().BeApproximately(history.Epochs[^1].ValRmse, 1e-4);
        report.Questions.Should().HaveCount(11);
        report.ToDataFrame().Rows.Count.Should().Be(1 + 11 + 37);
    }

    [Fact]
    public void Time_spent_waiting_for_a_slow_loader_is_reported_per_epoch()
    {
        using var model = TestModels.Small();
        var slow = new Slow(TestModels.Learnable(16, seed: 3), TimeSpan.FromMilliseconds(20));
        using var trainer = Builder(model).WithBatchSize(8).WithEpochs(2).Build();
        var history = trainer.Fit(slow);
        // One worker decodes 8 images of 20 ms for each of the 2 batches per epoch, and training a tiny batch takes far
        // less, so most of the epoch is spent waiting: at least the first batch's 160 ms, never more than the epoch.
        history.Epochs.Should().HaveCount(2).And.OnlyContain(e => e.DataWaitSeconds >= 0.15 && e.DataWaitSeconds <= e.Seconds);
    }

    private sealed class Slow(IGalaxyDataset inner, TimeSpan delay) : IGalaxyDataset
    {
        public int Count => inner.Count;
        public IReadOnlyList<long> Ids => inner.Ids;
        public IReadOnlyList<string> TargetColumns => inner.TargetColumns;
        public ImageShape Shape => inner.Shape;
        public GalaxySample Get(int index)
        {
            Thread.Sleep(delay);
            return inner.Get(index);
        }
    }

    [Fact]
    public void Save_best_only_writes_exactly_on_improvement_and_the_best_file_loads()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        var checkpoint = new ModelCheckpoint(temp.File("best-{epoch}.ckpt"), monitor: "val_rmse", saveBestOnly: true);
        using var trainer = Builder(model).WithEpochs(6).WithLearningRate(3e-2).WithCallbacks(checkpoint).Build();
        var history = trainer.Fit(Train, Validation);
        var best = double.PositiveInfinity;
        var expected = new List<string>();
        foreach (var e in history.Epochs)
            if (e.ValRmse < best) { best = e.ValRmse; expected.Add($"best-{e.Epoch}.ckpt"); }
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().BeEquivalentTo(expected);
        history.BestCheckpoint.Should().Be(temp.File(expected[^1]));
        using var loaded = GalaxyModel.Load(history.BestCheckpoint!);
        loaded.Checkpoint!.Metrics["val_rmse"].Should().BeApproximately(best, 1e-9);
    }

    [Fact]
    public void Best_from_forgets_the_early_best_once_the_run_passes_the_fraction()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        // monitor the training loss in max mode: epoch 1 is the "best" an ordinary checkpoint would keep for ever
        var checkpoint = new ModelCheckpoint(temp.File("best-{epoch}.ckpt"), monitor: "loss", mode: MonitorMode.Max, saveBestOnly: true, bestFrom: 0.5);
        using var trainer = Builder(model).WithEpochs(6).WithCallbacks(checkpoint).Build();
        var history = trainer.Fit(Train, Validation);
        history.Epochs[0].Loss.Should().BeGreaterThan(history.Epochs.Skip(1).Max(e => e.Loss), "the loss falls after the first epoch");
        // epochs 1..2 end before half of the 6 epochs; epoch 3 re-arms the tracker and epochs 3..6 compete among themselves
        var late = history.Epochs.Skip(2).MaxBy(e => e.Loss)!;
        checkpoint.BestEpoch.Should().Be(late.Epoch);
        history.BestCheckpoint.Should().Be(temp.File($"best-{late.Epoch}.ckpt"));
        File.Exists(temp.File("best-1.ckpt")).Should().BeTrue("the early file stays until a later epoch replaces it");
        var act = () => new ModelCheckpoint(temp.File("x.ckpt"), bestFrom: 1.0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*bestFrom*");
    }

    [Fact]
    public void A_failure_mid_write_leaves_the_previous_checkpoint_loadable()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        var path = temp.File("model.ckpt");
        using var trainer = Builder(model).WithEpochs(1).WithCallbacks(new ModelCheckpoint(path)).Build();
        trainer.Fit(Train, Validation);
        var before = File.ReadAllBytes(path);
        var act = () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        });
        act.Should().Throw<IOException>().WithMessage($"*{path}*disk full*");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(temp.Path).Should().ContainSingle();
        using var loaded = GalaxyModel.Load(path);
        loaded.Checkpoint!.Epoch.Should().Be(1);
    }

    [Fact]
    public void Two_epochs_then_resume_for_two_more_equal_four_uninterrupted()
    {
        using var temp = new TestModels.TempFolder();
        Dictionary<string, float[]> Weights(GalaxyMorphology.Models.GalaxyNet m) =>
            m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu().to(ScalarType.Float32).data<float>().ToArray());

        using var straight = TestModels.Small();
        using (var trainer = Builder(straight).WithEpochs(4).WithSchedule(LearningRateSchedule.Step(1, 0.5)).Build())
            trainer.Fit(Train, Validation);

        var path = temp.File("last.ckpt");
        using var first = TestModels.Small();
        using (var trainer = Builder(first).WithEpochs(2).WithSchedule(LearningRateSchedule.Step(1, 0.5)).WithCallbacks(new ModelCheckpoint(path)).Build())
            trainer.Fit(Train, Validation);
        // ...a new process would build a fresh model; its initial weights are replaced by the checkpoint's
        using var resumed = TestModels.Small(seed: 99);
        TrainingHistory history;
        using (var trainer = Builder(resumed).WithEpochs(4).WithSchedule(LearningRateSchedule.Step(1, 0.5)).ResumeFrom(path).Build())
            history = trainer.Fit(Train, Validation);

        history.Epochs.Select(e => e.Epoch).Should().Equal(3, 4);
        var expected = Weights(straight);
        var actual = Weights(resumed);
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, values) in expected) actual[name].Should().Equal(values, name);
    }

    [Fact]
    public void Cancellation_stops_after_the_current_batch_and_keeps_the_best_checkpoint()
    {
        using var temp = new TestModels.TempFolder();
        using var cts = new CancellationTokenSource();
        using var model = TestModels.Small();
        var ends = new Recorder();
        var canceller = new CancelAt(cts, epoch: 2, batch: 1);
        using var trainer = Builder(model).WithEpochs(5)
            .WithCallbacks(new ModelCheckpoint(temp.File("best.ckpt"), saveBestOnly: true), canceller, ends).Build();
        var history = trainer.Fit(Train, Validation, cancellationToken: cts.Token);
        history.StopReason.Should().Be(StopReason.Cancelled);
        history.Epochs.Should().ContainSingle();
        canceller.BatchesAfterCancel.Should().Be(0);
        ends.TrainEnded.Should().BeTrue();
        using var loaded = GalaxyModel.Load(temp.File("best.ckpt"));
        loaded.Checkpoint!.Epoch.Should().Be(1);
    }

    [Fact]
    public void Early_stopping_stops_and_restores_the_best_weights()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        // mode Max on a falling loss: only epoch 1 "improves", so patience 1 stops at epoch 3
        using var stopper = new EarlyStopping("loss", patience: 1, mode: MonitorMode.Max, restoreBestWeights: true);
        var best = new ModelCheckpoint(temp.File("best.ckpt"), monitor: "loss", mode: MonitorMode.Max, saveBestOnly: true);
        using var trainer = Builder(model).WithEpochs(10).WithCallbacks(best, stopper).Build();
        var history = trainer.Fit(Train, Validation);
        history.Epochs.Should().HaveCount(3);
        history.StopReason.Should().Be(StopReason.Callback);
        history.StopMessage.Should().Contain("early stopping at epoch 3");
        using var bestModel = GalaxyModel.Load(temp.File("best.ckpt"));
        var sample = Validation.Get(0).Pixels;
        using var current = GalaxyModel.FromNetwork(model, bestModel.Preprocessing);
        current.PredictPixels(sample).Values.ToArray().Should().Equal(bestModel.PredictPixels(sample).Values.ToArray());
    }

    [Fact]
    public void Terminate_on_NaN_names_the_batch_and_never_applies_the_bad_update()
    {
        var samples = Enumerable.Range(0, Train.Count).Select(i => Train.Get(i)).ToList();
        var poisoned = samples[5].Pixels.ToArray();
        poisoned[3] = float.NaN;
        samples[5] = samples[5] with { Pixels = poisoned };
        var dirty = new InMemoryGalaxyDataset(samples, Train.Shape);
        using var model = TestModels.Small();
        using var trainer = Builder(model).WithEpochs(3).WithCallbacks(new TerminateOnNaN()).Build();
        var history = trainer.Fit(dirty, Validation);
        history.StopReason.Should().Be(StopReason.NonFiniteLoss);
        history.StopMessage.Should().MatchRegex(@"loss became NaN at epoch 1, batch \d+ \(learning rate");
        model.parameters().Should().OnlyContain(p => p.isfinite().all().item<bool>());
    }

    [Fact]
    public void Live_tensors_return_to_their_starting_count_after_every_epoch()
    {
        using var model = TestModels.Small();
        var counter = new LiveTensors();
        using var trainer = Builder(model).WithEpochs(4).WithCallbacks(counter).Build();
        trainer.Fit(Train, Validation);
        counter.AtEpochEnd.Should().HaveCount(4);
        counter.AtEpochEnd.Distinct().Should().ContainSingle("live tensors must not grow from epoch to epoch: {0}", string.Join(", ", counter.AtEpochEnd));
    }

    [Fact]
    public void Load_then_predict_equals_in_memory_prediction()
    {
        using var temp = new TestModels.TempFolder();
        using var model = TestModels.Small();
        var path = temp.File("m.ckpt");
        using var trainer = Builder(model).WithEpochs(1).WithCallbacks(new ModelCheckpoint(path, saveWeightsOnly: true)).Build();
        trainer.Fit(Train, Validation);
        using var inMemory = GalaxyModel.FromNetwork(model, Checkpoint.Read(path).Preprocessing);
        using var loaded = GalaxyModel.Load(path);
        var a = inMemory.Predict(Validation, tta: true);
        var b = loaded.Predict(Validation, tta: true);
        b.Select(p => p.Id).Should().Equal(Validation.Ids);
        for (var i = 0; i < a.Count; i++) b[i].Votes.Values.ToArray().Should().Equal(a[i].Votes.Values.ToArray());
        var act = () => Trainer.For(TestModels.Small()).WithEpochs(1).ResumeFrom(path);
        act.Should().Throw<ArgumentException>().WithMessage("*weights only*");
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_value()
    {
        using var model = TestModels.Small();
        var noLength = () => Trainer.For(model).Build();
        noLength.Should().Throw<ArgumentException>().WithMessage("*Epochs*time budget*");
        var badRate = () => Trainer.For(model).WithEpochs(1).WithLearningRate(-1).Build();
        badRate.Should().Throw<ArgumentException>().WithMessage("*LearningRate*-1*");
        var builder = Trainer.For(model).WithEpochs(1);
        using (builder.Build()) { }
        var twice = () => builder.Build();
        twice.Should().Throw<InvalidOperationException>().WithMessage("*single-use*");
        var wrongSize = () => Trainer.For(model).WithEpochs(1).Build().Fit(TestModels.Learnable(4, 1, size: 8));
        wrongSize.Should().Throw<ArgumentException>().WithMessage("*3x8x8*expects 3x16x16*");
    }

    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int batch) : TrainingCallback
    {
        public int BatchesAfterCancel { get; private set; }

        public override void OnBatchEnd(TrainingContext context, int e, int b, double loss)
        {
            if (cts.IsCancellationRequested) BatchesAfterCancel++;
            if (e == epoch && b == batch) cts.Cancel();
        }
    }

    private sealed class Recorder : TrainingCallback
    {
        public bool TrainEnded { get; private set; }
        public override void OnTrainEnd(TrainingContext context) => TrainEnded = true;
    }

    private sealed class LiveTensors : TrainingCallback
    {
        public List<long> AtEpochEnd { get; } = [];
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            AtEpochEnd.Add(Tensor.TotalCount);
        }
    }
}
