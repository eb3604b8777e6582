using GalaxyMorphology.Data;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;

namespace GalaxyMorphology.Tests.Training;

/// <summary>
/// Runs given only a time budget: they time themselves, plan their epochs and then train like a run given that many
/// epochs. The clock is a fake that moves only when a batch is done (a fixed time per training batch and per validation
/// batch), so the plans are the same on any machine.
/// </summary>
[Collection(SerialCollection.Name)]
public class TimeBudgetTests
{
    /// <summary>A clock that stands still until a batch is reported done: each one takes <see cref="TrainBatch"/> or <see cref="ValidationBatch"/>.</summary>
    private sealed class BatchClock(double trainBatchSeconds, double validationBatchSeconds) : TimeProvider, IProgress<TrainingProgress>
    {
        private long now;
        public TimeSpan TrainBatch { get; set; } = TimeSpan.FromSeconds(trainBatchSeconds);
        public TimeSpan ValidationBatch { get; } = TimeSpan.FromSeconds(validationBatchSeconds);
        public TimeSpan Now => TimeSpan.FromTicks(Interlocked.Read(ref now));
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref now);

        /// <summary>The planned epochs the first training batch reported (0: none planned), and where the timing stopped.</summary>
        public int? FirstTrainTotalEpochs { get; private set; }
        public (int Epoch, int Batch) LastTiming { get; private set; }

        /// <summary>Moves the clock on by <paramref name="time"/> (work that reports no batch, such as a checkpoint write).</summary>
        public void Advance(TimeSpan time) => Interlocked.Add(ref now, time.Ticks);

        public void Report(TrainingProgress value)
        {
            if (value.Phase == "train") FirstTrainTotalEpochs ??= value.TotalEpochs;
            if (value.Phase == "timing") LastTiming = (value.Epoch, value.Batch);
            Advance(value.Phase switch { "train" or "timing" => TrainBatch, "validate" => ValidationBatch, _ => TimeSpan.Zero });
        }
    }

    private static readonly InMemoryGalaxyDataset Train = TestModels.Learnable(64, seed: 11);
    private static readonly InMemoryGalaxyDataset Validation = TestModels.Learnable(16, seed: 12);

    private static TrainerBuilder Builder(GalaxyMorphology.Models.GalaxyNet model, TimeProvider clock) =>
        Trainer.For(model).WithBatchSize(16).WithSeed(5).WithWorkers(1).WithLearningRate(3e-3)
            .WithSchedule(LearningRateSchedule.Cosine()).WithOptions(o => o with { TimeProvider = clock });

    /// <summary>
    /// Trains the small model with only a budget on a clock of 0.1 s a training batch and 0.04 s a validation batch
    /// (4 + 1 batches: 0.44 s an epoch); <paramref name="callback"/> may change the clock's speed.
    /// </summary>
    private static (TrainingHistory History, BatchClock Clock) FitWithBudget(double budgetSeconds, Func<BatchClock, ITrainingCallback>? callback = null)
    {
        using var model = TestModels.Small();
        var clock = new BatchClock(0.1, 0.04);
        var builder = Builder(model, clock).WithTimeBudget(TimeSpan.FromSeconds(budgetSeconds));
        if (callback is not null) builder = builder.WithCallbacks(callback(clock));
        using var trainer = builder.Build();
        return (trainer.Fit(Train, Validation, clock), clock);
    }

    [Fact]
    public void The_cpu_recipe_with_only_a_budget_plans_its_epochs_and_that_many_epochs_repeat_it_bit_for_bit()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        SyntheticKaggleWriter.Write(data, new SyntheticWriterOptions { Count = 72, Seed = 8 });
        var recipe = TrainingRecipe.Cpu with { TimeBudget = TimeSpan.FromSeconds(2.5), BatchSize = 16, ValidationFraction = 0.1, PretrainedWeights = null };
        // 4 training batches and 1 validation batch an epoch: 0.11 s of the clock's time.
        var clock = new BatchClock(0.025, 0.01);

        var budgeted = TrainingRun.Run(recipe, data, temp.File("budget"), new TrainingRunOptions { Seed = 3, TimeProvider = clock }, clock);
        var history = budgeted.History;
        // (2.5 s - 0.21 s of timing) * 0.9 / 0.11 s
        history.PlannedEpochs.Should().Be(18);
        history.Replanned.Should().BeFalse();
        history.Epochs.Should().HaveCount(history.PlannedEpochs!.Value, "the timing epochs are thrown away, then the plan runs to its end");
        history.Epochs.Select(e => e.Epoch).Should().Equal(Enumerable.Range(1, history.PlannedEpochs.Value));
        history.StopReason.Should().Be(StopReason.Completed);
        history.StopMessage.Should().Contain($"all {history.PlannedEpochs} planned epochs completed");
        clock.Now.Should().BeLessThan(recipe.TimeBudget!.Value, "the plan leaves a tenth of the remaining budget spare");
        history.Epochs[^1].LearningRate.Should().BeLessThan(history.Epochs[0].LearningRate * 0.05, "the cosine anneals over the planned epochs");
        File.ReadAllLines(budgeted.HistoryCsv).Should().HaveCount(1 + history.PlannedEpochs.Value, "callbacks never see the timing epochs");

        var epochs = TrainingRun.Run(recipe with { TimeBudget = null, Epochs = history.PlannedEpochs }, data, temp.File("epochs"),
            new TrainingRunOptions { Seed = 3 });
        epochs.History.PlannedEpochs.Should().BeNull("its epochs were given");
        Weights(epochs.LastCheckpoint!).Should().Equal(Weights(budgeted.LastCheckpoint!), "the budgeted run is the run of its planned epochs");
        Weights(epochs.BestCheckpoint!).Should().Equal(Weights(budgeted.BestCheckpoint!));
        epochs.History.Epochs.Select(e => e.ValLoss).Should().Equal(history.Epochs.Select(e => e.ValLoss));
    }

    private static byte[] Weights(string checkpoint)
    {
        using var model = GalaxyModel.Load(checkpoint);
        return [.. model.Network.state_dict().Values.SelectMany(t => t.to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray()).SelectMany(BitConverter.GetBytes)];
    }

    [Fact]
    public void A_plan_counts_the_timing_against_the_budget_and_fills_nine_tenths_of_what_is_left()
    {
        // 0.44 s an epoch, 0.84 s for the two timed (the first without validation).
        var (history, clock) = FitWithBudget(10);
        history.PlannedEpochs.Should().Be((int)(0.9 * (10 - 0.84) / 0.44));
        clock.FirstTrainTotalEpochs.Should().Be(18, "progress reports the plan from the first batch on");
        history.Epochs.Should().HaveCount(18).And.OnlyContain(e => Math.Abs(e.Seconds - 0.44) < 1e-9);
        clock.Now.TotalSeconds.Should().BeApproximately(0.84 + 18 * 0.44, 1e-9);
    }

    [Fact]
    public void A_budget_too_short_to_plan_follows_the_clock_and_stops_within_it()
    {
        // 0.44 s an epoch: timing two would take more than a quarter of a 3.1 s budget (0.775 s), so the run stops timing
        // after the eighth batch (0.8 s), keeps that training and follows the clock.
        var (history, clock) = FitWithBudget(3.1);
        history.PlannedEpochs.Should().BeNull();
        clock.LastTiming.Should().Be((2, 4), "the timing ran out of its share in the last batch of its last epoch");
        clock.FirstTrainTotalEpochs.Should().Be(0, "a run that follows the clock has no plan to report (the CLI reads this to say so)");
        history.Epochs.Should().HaveCount(5, "after 0.8 s of timing, five epochs end at 3.0 s and a sixth would not fit");
        history.StopReason.Should().Be(StopReason.TimeBudget);
        clock.Now.Should().Be(TimeSpan.FromSeconds(3.0), "validation is inside the budget");
        history.Epochs.Should().OnlyContain(e => e.LearningRate < 3e-3, "the cosine follows the share of the budget spent");
    }

    [Fact]
    public void An_epoch_cut_short_by_the_budget_keeps_time_for_checkpoints_as_slow_as_the_last_epochs()
    {
        // 100 epochs and a 3.45 s budget (the epochs are the plan, the budget a limit); each epoch's end writes checkpoints
        // that take 0.3 s, so an epoch takes 0.4 s of training, 0.04 s of validation and 0.3 s at its end: 0.74 s. After
        // four (2.96 s) half an epoch still fits, so a fifth starts. Keeping only the validation estimate (0.04 s), it would
        // train all four batches and end at 3.70 s; keeping the 0.34 s the last epoch's end took, it stops after two
        // batches (3.16 s + 0.34 s reaches the budget) and ends at 3.50 s: over by less than one batch.
        using var model = TestModels.Small();
        var clock = new BatchClock(0.1, 0.04);
        using var trainer = Builder(model, clock).WithEpochs(100).WithTimeBudget(TimeSpan.FromSeconds(3.45))
            .WithCallbacks(new SlowEpochEnd(clock, TimeSpan.FromSeconds(0.3))).Build();
        var history = trainer.Fit(Train, Validation, clock);
        history.StopReason.Should().Be(StopReason.TimeBudget);
        history.StopMessage.Should().Be("time budget of 0.06 min spent during epoch 5 (after 2 of 4 batches)");
        history.Epochs.Should().HaveCount(5);
        clock.Now.TotalSeconds.Should().BeApproximately(3.50, 1e-9);
        clock.Now.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(3.45) + clock.TrainBatch, "a budget is exceeded by no more than the last batch");
    }

    private sealed class SlowEpochEnd(BatchClock clock, TimeSpan time) : TrainingCallback
    {
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => clock.Advance(time);
    }

    [Fact]
    public void A_planned_run_whose_machine_slows_down_plans_again_and_still_ends_annealed_within_its_budget()
    {
        SlowDownAfter? slowDown = null;
        var (history, clock) = FitWithBudget(10, c => slowDown = new SlowDownAfter(epoch: 3, c));
        // 18 planned at 0.44 s an epoch. After epoch 4 (the mean epoch 0.64 s) the 14 left would need 8.96 s of the 6.6 s
        // left: 13 in all. After epoch 7 (the three since then took 1.24 s each) 6 more would need 7.44 s of 2.88 s: 9 in all.
        slowDown!.PlannedBefore.Should().Be(18);
        history.PlannedEpochs.Should().Be(9);
        history.Replanned.Should().BeTrue();
        ShouldRunItsPlanAndEndAnnealedWithinTheBudget(history, clock, lastRateBelow: 3e-3 * 0.1);
    }

    [Fact]
    public void A_planned_run_stopped_and_resumed_keeps_its_plan_and_ends_with_the_weights_of_an_uninterrupted_one()
    {
        using var temp = new TestModels.TempFolder();
        float[] Weights(GalaxyMorphology.Models.GalaxyNet m) =>
            [.. m.state_dict().Values.SelectMany(t => t.to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray())];

        using var straight = TestModels.Small();
        var straightClock = new BatchClock(0.1, 0.04);
        using (var trainer = Builder(straight, straightClock).WithTimeBudget(TimeSpan.FromSeconds(10)).Build())
            trainer.Fit(Train, Validation, straightClock).PlannedEpochs.Should().Be(18);

        var path = temp.File("last.ckpt");
        using var first = TestModels.Small();
        var clock = new BatchClock(0.1, 0.04);
        using (var trainer = Builder(first, clock).WithTimeBudget(TimeSpan.FromSeconds(10)).WithCallbacks(new ModelCheckpoint(path), new StopAfter(5)).Build())
            trainer.Fit(Train, Validation, clock).Epochs.Should().HaveCount(5);
        using var resumed = TestModels.Small(seed: 99);
        TrainingHistory history;
        using (var trainer = Builder(resumed, clock).WithTimeBudget(TimeSpan.FromSeconds(10)).ResumeFrom(path).Build())
            history = trainer.Fit(Train, Validation, clock);

        history.PlannedEpochs.Should().Be(18, "the plan is saved in the checkpoint; the resumed run does not time itself again");
        history.Epochs.Select(e => e.Epoch).Should().Equal(Enumerable.Range(6, 13));
        Weights(resumed).Should().Equal(Weights(straight));
    }

    private sealed class StopAfter(int epochs) : TrainingCallback
    {
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            if (metrics.Epoch == epochs) context.StopTraining = true;
        }
    }

    [Fact]
    public void A_machine_a_little_faster_than_when_it_was_timed_finishes_early_and_keeps_the_plan_so_the_run_stays_repeatable()
    {
        var (history, clock) = FitWithBudget(10, c => new SlowDownAfter(epoch: 1, c, factor: 0.9));
        history.Replanned.Should().BeFalse();
        history.PlannedEpochs.Should().Be(18);
        history.Epochs.Should().HaveCount(18);
        // 0.84 s of timing, one epoch of 0.44 s, then 17 of 0.40 s: 8.08 s of the 10 (at most 19% of it left unused on the way).
        clock.Now.TotalSeconds.Should().BeApproximately(8.08, 1e-9);
    }

    [Fact]
    public void A_plan_timed_while_the_machine_was_slow_plans_up_instead_of_leaving_much_of_the_budget_unused()
    {
        // The timing epochs ran at full length; from epoch 2 on training batches take half as long (0.24 s an epoch).
        var (history, clock) = FitWithBudget(10, c => new SlowDownAfter(epoch: 1, c, factor: 0.5));
        // 18 planned would end at 5.36 s. After epoch 3 (mean 0.3067 s an epoch since the plan) the 15 left would leave
        // 3.64 s of the 8.24 s unused, more than a quarter of the budget: 3 + floor(0.9 * 8.24 / 0.3067) = 27 in all.
        history.Replanned.Should().BeTrue();
        history.PlannedEpochs.Should().Be(27);
        ShouldRunItsPlanAndEndAnnealedWithinTheBudget(history, clock, lastRateBelow: 3e-3 * 0.02);
        clock.Now.TotalSeconds.Should().BeApproximately(0.84 + 0.44 + 26 * 0.24, 1e-9);
    }

    [Fact]
    public void A_planned_run_plans_up_again_when_a_slowdown_passes_and_its_learning_rate_never_jumps_back_up()
    {
        // Training batches take 0.3 s instead of 0.1 s in epochs 4 and 5 only.
        var (history, clock) = FitWithBudget(10, c => new SlowDownAfter(epoch: 3, c, until: 5));
        // 18 planned; 13 after epoch 4 (as above); after epoch 11 the 2 left would leave 1.61 s (more than 15% of the
        // budget) of the 2.72 s unused at the mean 0.554 s an epoch since then: 15 in all.
        history.Replanned.Should().BeTrue();
        history.PlannedEpochs.Should().Be(15);
        ShouldRunItsPlanAndEndAnnealedWithinTheBudget(history, clock, lastRateBelow: 3e-3 * 0.02);
    }

    /// <summary>A re-planned run of <see cref="FitWithBudget"/> trains all of its last plan, ends inside its 10 s, and its cosine never jumps back up.</summary>
    private static void ShouldRunItsPlanAndEndAnnealedWithinTheBudget(TrainingHistory history, BatchClock clock, double lastRateBelow)
    {
        history.Epochs.Should().HaveCount(history.PlannedEpochs!.Value);
        history.StopReason.Should().Be(StopReason.Completed);
        clock.Now.Should().BeLessThan(TimeSpan.FromSeconds(10));
        history.Epochs.Select(e => e.LearningRate).Should().BeInDescendingOrder("a new plan continues the cosine from where it was");
        history.Epochs[^1].LearningRate.Should().BeLessThan(lastRateBelow);
    }

    /// <summary>Makes every training batch <c>factor</c> times as long from the end of one epoch until the end of another.</summary>
    private sealed class SlowDownAfter(int epoch, BatchClock clock, int until = int.MaxValue, double factor = 3) : TrainingCallback
    {
        public int PlannedBefore { get; private set; }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            if (metrics.Epoch == epoch)
            {
                PlannedBefore = context.PlannedEpochs;
                clock.TrainBatch *= factor;
            }
            if (metrics.Epoch == until) clock.TrainBatch /= factor;
        }
    }

    [Fact]
    public void Cancelling_while_the_run_times_itself_trains_nothing_and_says_so()
    {
        using var model = TestModels.Small();
        var before = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        using var cancel = new CancellationTokenSource();
        var progress = new CancelOnPhase("timing", cancel);
        using var trainer = Builder(model, new BatchClock(0.1, 0.04)).WithTimeBudget(TimeSpan.FromSeconds(5)).Build();
        var history = trainer.Fit(Train, Validation, progress, cancel.Token);
        history.StopReason.Should().Be(StopReason.Cancelled);
        history.StopMessage.Should().Contain("timing");
        history.Epochs.Should().BeEmpty();
        model.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(before, "the timing epochs are thrown away");
    }

    private sealed class CancelOnPhase(string phase, CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Phase == phase) cancel.Cancel();
        }
    }
}
