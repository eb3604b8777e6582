using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Platform;
using GalaxyMorphology.Training.Callbacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GalaxyMorphology.Training;

/// <summary>
/// Trains a <see cref="GalaxyNet"/>: the loop of a Keras <c>fit</c> (optimizer, loss, RMSE metric, validation,
/// callbacks, checkpoints), with a wall-clock budget, cancellation after the current batch, and resume. Create one
/// with <see cref="For(GalaxyNet)"/>. Every batch's tensors live in a dispose scope, so native memory stays flat.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Device device;
    private readonly TimeProvider time;
    private OptimizerHelper optimizer;
    private readonly Checkpoint? resume;
    private int completedEpochs;
    private int plannedEpochs;
    private long globalStep;
    private double plateauRate;
    private double plateauBest = double.PositiveInfinity;
    private int plateauWait;
    private EpochMetrics? lastMetrics;
    private bool fitted;
    private double budgetSecondsBefore;
    private long? fitStart;
    private BudgetPlan budgetPlan;
    private int estimatedEpochs;
    // Seconds the last epoch spent after its last training batch (validation, checkpoints and other callbacks): the
    // budget check keeps at least this much for the end of an epoch it cuts short, since on a busy machine the end can
    // take longer than the validation estimate, and checkpoint writes are not in that estimate at all.
    private double epochEndSeconds;
    private long planStep;        // the step of the last re-plan
    private double planProgress;  // the schedule's progress (0..1) at that step
    private int planEpoch;        // the epochs completed at the last plan
    private int planCeiling;      // the highest plan made from a timing (after timing, or on a machine found much faster); a win-back never goes beyond it
    private bool replanned;

    /// <summary>How a run with only a time budget decides its length and its schedule.</summary>
    private enum BudgetPlan
    {
        /// <summary>Not decided yet, or not a budget-only run.</summary>
        None,
        /// <summary>The first epochs were timed and thrown away; the run trains the planned epochs as an epoch-count run would.</summary>
        Planned,
        /// <summary>Epochs too long to time within a quarter of the budget: the schedule follows the clock (not reproducible).</summary>
        Clock,
    }

    /// <summary>Epochs a budget-only run trains and throws away to time itself before it plans.</summary>
    internal const int TimedEpochs = 2;

    /// <summary>Share of the budget the timing may take; beyond it (epochs too long) the schedule follows the clock.</summary>
    internal const double TimingShare = 0.25;

    /// <summary>Share of the remaining budget a plan fills, leaving room for the machine to slow down.</summary>
    internal const double PlanShare = 0.9;

    /// <summary>Share of the budget that a planned run's remaining epochs may leave unused before it plans up (a plan timed while the machine was slow).</summary>
    internal const double UnusedShareToPlanUp = 0.25;

    /// <summary>Starts building a trainer for <paramref name="model"/>.</summary>
    public static TrainerBuilder For(GalaxyNet model) => new(model);

    internal Trainer(GalaxyNet model, TrainerOptions options, Checkpoint? resume)
    {
        Model = model;
        Options = options;
        this.resume = resume;
        time = options.TimeProvider;
        device = TorchRuntime.Device(options.Device);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        if (resume is not null) resume.LoadWeightsInto(model);
        model.to(device);
        optimizer = CreateOptimizer();
        plateauRate = options.LearningRate;
        if (resume is not null) RestoreState(resume);
    }

    private OptimizerHelper CreateOptimizer()
    {
        var parameters = Model.parameters();
        return Options.Optimizer switch
        {
            OptimizerKind.AdamW => optim.AdamW(parameters, Options.LearningRate, weight_decay: Options.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(parameters, Options.LearningRate, momentum: Options.Momentum, weight_decay: Options.WeightDecay, nesterov: Options.Nesterov && Options.Momentum > 0),
            _ => new Adam(parameters, Options.LearningRate, Options.WeightDecay),
        };
    }

    /// <summary>The model being trained.</summary>
    public GalaxyNet Model { get; }

    /// <summary>The options in force.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Epochs completed so far (counting those before a resume).</summary>
    public int CompletedEpochs => completedEpochs;

    /// <summary>
    /// Trains on <paramref name="train"/>, validating on <paramref name="validation"/> after every epoch, until the
    /// planned epochs are done, the time budget is spent, a callback stops it, or <paramref name="cancellationToken"/>
    /// fires (then it stops after the current batch, runs the end-of-training callbacks, and returns the history so far).
    /// </summary>
    public TrainingHistory Fit(IGalaxyDataset train, IGalaxyDataset? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (fitted) throw new InvalidOperationException("Fit has already run on this Trainer; build a new one (ResumeFrom a checkpoint to continue)");
        fitted = true;
        if (!train.HasTargets) throw new ArgumentException("the training set has no targets", nameof(train));
        if (validation is { HasTargets: false }) throw new ArgumentException("the validation set has no targets", nameof(validation));
        CheckShape(train, nameof(train));
        if (validation is not null) CheckShape(validation, nameof(validation));

        var history = new TrainingHistory();
        var context = new TrainingContext(this, history) { CompletedEpochs = completedEpochs };
        var clock = new Timer(time);
        fitStart = clock.Start;
        if (resume is null) torch.manual_seed(Options.Seed);

        using var trainLoader = new GalaxyDataLoader(train, new GalaxyDataLoaderOptions
        {
            BatchSize = Options.BatchSize, Shuffle = true, Seed = Options.Seed, DropLast = train.Count > Options.BatchSize,
            WorkerThreads = Options.WorkerThreads, PrefetchBatches = Options.PrefetchBatches, Augmentation = Options.Augmentation,
            CacheInMemory = Options.CacheInMemory,
        });
        using var validationLoader = validation is null ? null : ValidationLoader(validation);
        if (plannedEpochs == 0 || Options.Epochs is not null) plannedEpochs = Options.Epochs ?? int.MaxValue;
        context.PlannedEpochs = plannedEpochs;

        foreach (var c in Options.Callbacks) c.OnTrainBegin(context);
        try
        {
            var go = resume is not null || Options.TimeBudget is null || Options.Epochs is not null
                || PlanBudget(history, trainLoader, validationLoader, clock, progress, cancellationToken);
            context.PlannedEpochs = plannedEpochs;
            while (go && (TimeDriven || completedEpochs < plannedEpochs) && !context.StopTraining)
            {
                if (!RunEpoch(context, trainLoader, validationLoader, clock, progress, cancellationToken)) break;
            }
            if (budgetPlan == BudgetPlan.Planned && history.StopReason == StopReason.Completed && completedEpochs >= plannedEpochs)
                history.StopMessage = $"all {plannedEpochs} planned epochs completed within the time budget of {Options.TimeBudget!.Value.TotalMinutes:0.##} min";
        }
        finally
        {
            history.Seconds = clock.Elapsed.TotalSeconds;
            if (budgetPlan == BudgetPlan.Planned) (history.PlannedEpochs, history.Replanned) = (plannedEpochs, replanned);
            if (context.StopTraining && history.StopReason == StopReason.Completed)
            {
                history.StopReason = context.StopReason ?? StopReason.Callback;
                history.StopMessage = context.StopMessage ?? "a callback stopped training";
            }
            foreach (var c in Options.Callbacks) c.OnTrainEnd(context);
            Model.eval();
        }
        Options.Logger.LogEpoch($"training ended: {history.StopMessage} ({history.Epochs.Count} epochs, {history.Seconds:0.0}s)");
        return history;
    }

    private GalaxyDataLoader ValidationLoader(IGalaxyDataset dataset) => new(dataset, new GalaxyDataLoaderOptions
    {
        BatchSize = Options.BatchSize, Shuffle = false, WorkerThreads = Options.WorkerThreads, PrefetchBatches = Options.PrefetchBatches,
        CacheInMemory = Options.CacheInMemory,
    });

    private void CheckShape(IGalaxyDataset dataset, string name)
    {
        var size = Model.Spec.InputSize;
        if (dataset.Shape.Channels != 3 || dataset.Shape.Height != size || dataset.Shape.Width != size)
            throw new ArgumentException($"the {name} set gives {dataset.Shape} images but the model expects 3x{size}x{size}: set the preprocessing size to {size}", name);
    }

    /// <summary>Runs one epoch; returns false when training must stop (cancelled, budget, stop flag).</summary>
    private bool RunEpoch(TrainingContext context, GalaxyDataLoader loader, GalaxyDataLoader? validationLoader, Timer clock,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var history = context.History;
        var epoch = completedEpochs + 1;
        var epochClock = new Timer(time);
        // If the heap grew during the last epoch (its validation included), its free pages go back to the OS, so
        // fragmentation cannot make the resident set creep upwards across epochs.
        NativeMemoryTuning.ReleaseFreeMemoryIfHeapGrew();
        foreach (var c in Options.Callbacks) c.OnEpochBegin(context, epoch);
        Model.train();
        var batches = loader.BatchCount;
        var metrics = new RmseAccumulator();
        double lossSum = 0;
        long images = 0;
        var batchIndex = 0;
        var stop = false;
        var calibrated = !TimeDriven || completedEpochs > 0 || estimatedEpochs > 0;
        double trainSeconds;
        double waitSeconds = 0;
        try
        {
            using var batchesOfEpoch = loader.Epoch(completedEpochs, cancellationToken).GetEnumerator();
            while (true)
            {
                // Time blocked on the loader: the workers decode and augment ahead, so this stays near 0 unless they starve training.
                var waitStart = time.GetTimestamp();
                var more = batchesOfEpoch.MoveNext();
                waitSeconds += time.GetElapsedTime(waitStart).TotalSeconds;
                if (!more) break;
                var batch = batchesOfEpoch.Current;
                float lossValue;
                using (batch)
                {
                    lossValue = TrainBatch(batch, CurrentRate(batches), metrics, epoch, batchIndex);
                    if (float.IsFinite(lossValue)) lossSum += (double)lossValue * batch.Count;
                    images += batch.Count;
                }
                NativeMemoryTuning.RunDueFinalizers();
                foreach (var c in Options.Callbacks) c.OnBatchEnd(context, epoch, batchIndex, lossValue);
                batchIndex++;
                var elapsed = epochClock.Elapsed.TotalSeconds;
                progress?.Report(new TrainingProgress(epoch, PlannedForDisplay(), batchIndex, batches, "train", metrics.Count > 0 ? lossSum / metrics.Count : double.NaN,
                    images / Math.Max(elapsed, 1e-9), clock.Elapsed, lastMetrics));
                if (!calibrated && batchIndex == Math.Min(3, batches))
                {
                    estimatedEpochs = EpochsThatFit(elapsed / batchIndex, batches, validationLoader);
                    calibrated = true;
                }
                if (context.StopTraining) { stop = true; break; }
                if (cancellationToken.IsCancellationRequested) break;
                if (Options.TimeBudget is TimeSpan budget
                    && BudgetElapsed + Math.Max(EstimatedValidationSeconds(validationLoader, elapsed / batchIndex), epochEndSeconds) >= budget.TotalSeconds)
                {
                    history.StopReason = StopReason.TimeBudget;
                    history.StopMessage = $"time budget of {budget.TotalMinutes:0.##} min spent during epoch {epoch} (after {batchIndex} of {batches} batches)";
                    stop = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        trainSeconds = epochClock.Elapsed.TotalSeconds;
        if (cancellationToken.IsCancellationRequested)
        {
            history.StopReason = StopReason.Cancelled;
            history.StopMessage = $"cancelled during epoch {epoch} after {batchIndex} of {batches} batches; the partial epoch was not validated";
            return false;
        }
        if (batchIndex == 0) return false;

        var (valLoss, valRmse) = validationLoader is null ? (double.NaN, double.NaN) : Validate(validationLoader, epoch, clock, progress, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            history.StopReason = StopReason.Cancelled;
            history.StopMessage = $"cancelled during the validation of epoch {epoch}";
            return false;
        }
        var result = new EpochMetrics(epoch, metrics.Count > 0 ? lossSum / metrics.Count : double.NaN, metrics.Rmse, valLoss, valRmse,
            optimizer.ParamGroups.First().LearningRate, epochClock.Elapsed.TotalSeconds, images / Math.Max(trainSeconds, 1e-9))
        {
            DataWaitSeconds = waitSeconds,
        };
        completedEpochs = epoch;
        context.CompletedEpochs = epoch;
        lastMetrics = result;
        history.Add(result);
        StepPlateau(result);
        if (TimeDriven && completedEpochs == 1 && !stop)
            ReestimateFromFirstEpoch(epochClock.Elapsed.TotalSeconds);
        if (budgetPlan == BudgetPlan.Planned && !stop && completedEpochs < plannedEpochs)
            Replan(history, batches);
        context.PlannedEpochs = PlannedOrEstimated;
        context.RunFraction = TimeDriven
            ? BudgetFraction
            : plannedEpochs == int.MaxValue ? 0 : Math.Clamp((double)completedEpochs / plannedEpochs, 0, 1);
        Options.Logger.LogEpoch(result.ToString());
        foreach (var c in Options.Callbacks) c.OnEpochEnd(context, result);
        progress?.Report(new TrainingProgress(epoch, PlannedForDisplay(), batches, batches, "done", result.Loss, result.ImagesPerSecond, clock.Elapsed, result));
        epochEndSeconds = epochClock.Elapsed.TotalSeconds - trainSeconds;
        if (Options.TimeBudget is TimeSpan b && !stop && (TimeDriven || completedEpochs < plannedEpochs) && BudgetElapsed + epochClock.Elapsed.TotalSeconds * 0.5 > b.TotalSeconds)
        {
            history.StopReason = StopReason.TimeBudget;
            history.StopMessage = $"time budget of {b.TotalMinutes:0.##} min spent after epoch {epoch}";
            stop = true;
        }
        return !stop && !context.StopTraining;
    }

    /// <summary>
    /// A run with only a time budget that held too few epochs to plan: the schedule follows the fraction of the budget
    /// spent, and the run is not reproducible.
    /// </summary>
    private bool TimeDriven => budgetPlan == BudgetPlan.Clock;

    /// <summary>Budget seconds spent, counting those before a resume.</summary>
    private double BudgetElapsed => budgetSecondsBefore + (fitStart is long start ? time.GetElapsedTime(start).TotalSeconds : 0);

    /// <summary>The share of the time budget spent, 0..1 (only meaningful with a budget).</summary>
    private double BudgetFraction => Math.Clamp(BudgetElapsed / Options.TimeBudget!.Value.TotalSeconds, 0, 1);

    private int PlannedForDisplay() => plannedEpochs != int.MaxValue ? plannedEpochs : estimatedEpochs;

    private int PlannedOrEstimated => plannedEpochs != int.MaxValue || estimatedEpochs == 0 ? plannedEpochs : estimatedEpochs;

    private double EstimatedValidationSeconds(GalaxyDataLoader? validationLoader, double secondsPerTrainBatch) =>
        validationLoader is null ? 0 : validationLoader.BatchCount * secondsPerTrainBatch * 0.4;

    /// <summary>Epochs that fit the whole budget at this speed (a first guess from the first batches).</summary>
    private int EpochsThatFit(double secondsPerBatch, int batches, GalaxyDataLoader? validationLoader)
    {
        var epochSeconds = secondsPerBatch * batches + EstimatedValidationSeconds(validationLoader, secondsPerBatch);
        return Math.Max(1, (int)Math.Floor(Options.TimeBudget!.Value.TotalSeconds / Math.Max(epochSeconds, 1e-6)));
    }

    /// <summary>
    /// Times a run that has only a time budget, then plans it: trains <see cref="TimedEpochs"/> epochs (validating the
    /// last) to measure an epoch at full speed (the first fills the image cache), throws that training away (weights,
    /// optimizer, random state), and fixes the number of epochs that fit <see cref="PlanShare"/> of the remaining budget.
    /// The run then trains exactly like one given that many epochs and the same seed, so it can be repeated bit for
    /// bit. If timing would take more than <see cref="TimingShare"/> of the budget (epochs too long for it), it stops,
    /// keeps what it trained, and the schedule follows the clock instead. Returns false when cancelled.
    /// </summary>
    private bool PlanBudget(TrainingHistory history, GalaxyDataLoader loader, GalaxyDataLoader? validationLoader, Timer clock,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var budget = Options.TimeBudget!.Value;
        var batches = loader.BatchCount;
        var initial = SnapshotWeights();
        var epochSeconds = 0.0;
        var timed = false;
        var tooLong = false;
        try
        {
            Model.train();
            for (var e = 0; e < TimedEpochs && !tooLong && !cancellationToken.IsCancellationRequested; e++)
            {
                var epochClock = new Timer(time);
                var batchIndex = 0;
                var metrics = new RmseAccumulator();
                foreach (var batch in loader.Epoch(e, cancellationToken))
                {
                    using (batch) TrainBatch(batch, CurrentRate(batches), metrics, e + 1, batchIndex);
                    NativeMemoryTuning.RunDueFinalizers();
                    batchIndex++;
                    progress?.Report(new TrainingProgress(e + 1, TimedEpochs, batchIndex, batches, "timing", double.NaN, double.NaN, clock.Elapsed, null));
                    tooLong = BudgetElapsed > TimingShare * budget.TotalSeconds;
                    if (tooLong || cancellationToken.IsCancellationRequested) break;
                }
                if (e == TimedEpochs - 1 && !tooLong && !cancellationToken.IsCancellationRequested)
                {
                    if (validationLoader is not null) Validate(validationLoader, e + 1, clock, progress, cancellationToken);
                    epochSeconds = epochClock.Elapsed.TotalSeconds;
                    timed = true;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (!tooLong)
            {
                // Back to the state a run given its epochs starts from: initial weights and statistics, a fresh optimizer, the seed.
                RestoreWeights(initial);
                optimizer.Dispose();
                optimizer = CreateOptimizer();
                torch.manual_seed(Options.Seed);
                globalStep = 0;
                plateauRate = Options.LearningRate;
            }
            foreach (var tensor in initial.Values) tensor.Dispose();
        }
        if (cancellationToken.IsCancellationRequested)
        {
            history.StopReason = StopReason.Cancelled;
            history.StopMessage = "cancelled while timing the first epochs for the time budget; nothing was trained";
            return false;
        }
        if (!timed)
        {
            // Epochs too long to time: what was trained is kept (the run is not reproducible anyway) and the cosine follows the clock.
            budgetPlan = BudgetPlan.Clock;
            Options.Logger.LogEpoch($"time budget: too few epochs fit {budget.TotalMinutes:0.##} min to time and plan them; the schedule follows the clock (such a run cannot be repeated exactly)");
            return true;
        }
        var remaining = budget.TotalSeconds - BudgetElapsed;
        plannedEpochs = Math.Max(1, (int)Math.Floor(PlanShare * remaining / Math.Max(epochSeconds, 1e-6)));
        budgetPlan = BudgetPlan.Planned;
        planCeiling = plannedEpochs;
        Options.Logger.LogEpoch(string.Create(CultureInfo.InvariantCulture,
            $"time budget: {plannedEpochs} epochs planned for {budget.TotalMinutes:0.##} min (an epoch timed at {epochSeconds:0.00}s); the same seed and {plannedEpochs} epochs repeat this run exactly"));
        return true;
    }

    /// <summary>Clock-driven runs: the first full epoch gives a better guess of the epochs that fit (for display).</summary>
    private void ReestimateFromFirstEpoch(double epochSeconds)
    {
        var remaining = Options.TimeBudget!.Value.TotalSeconds - BudgetElapsed;
        estimatedEpochs = completedEpochs + Math.Max(0, (int)Math.Floor(remaining / Math.Max(epochSeconds, 1e-6)));
    }

    /// <summary>
    /// A planned run whose machine has changed speed for good plans again, judging by the mean epoch since the last
    /// plan (so a few slow epochs do not count): when its remaining epochs would overrun the budget by more than a tenth
    /// (so that it still ends annealed rather than cut off early; a cut in the last tenth of a cosine costs little); when
    /// they would leave more than a quarter of the budget unused (the timing epochs ran while the machine was slow, and
    /// the plan would waste much of the budget); or, after a cut, when the slowdown has passed and they would leave more
    /// than 15% of it unused (never beyond the highest plan so far). The schedule continues from where it is over the new
    /// remaining epochs, without a jump; the run can then no longer be repeated exactly. A machine only a little faster than
    /// when it was timed finishes a little early, and the run stays repeatable.
    /// </summary>
    private void Replan(TrainingHistory history, int batchesPerEpoch)
    {
        var since = history.Epochs.Where(e => e.Epoch > planEpoch).ToList();
        if (since.Count < 3) return;
        var epochSeconds = since.Average(e => e.Seconds);
        var budget = Options.TimeBudget!.Value.TotalSeconds;
        var remaining = budget - BudgetElapsed;
        var needed = (plannedEpochs - completedEpochs) * epochSeconds;
        var unused = remaining - needed;
        var late = needed > 1.1 * remaining;
        var wasteful = unused > UnusedShareToPlanUp * budget;
        var winBack = replanned && unused > 0.15 * budget;
        if (!late && !wasteful && !winBack) return;
        var target = completedEpochs + Math.Max(1, (int)Math.Floor(PlanShare * remaining / Math.Max(epochSeconds, 1e-6)));
        if (!late && !wasteful) target = Math.Min(target, planCeiling);
        // Upwards only for a real gain (a fifth more of the remaining epochs, and at least two), so the plan does not flap.
        if (!late && target - completedEpochs < 1.2 * (plannedEpochs - completedEpochs) + 1) return;
        if (target == plannedEpochs) return;
        if (wasteful) planCeiling = Math.Max(planCeiling, target); // never late as well: unused is then negative
        var before = plannedEpochs;
        planProgress = Progress(batchesPerEpoch);
        planStep = globalStep;
        planEpoch = completedEpochs;
        plannedEpochs = target;
        replanned = true;
        Options.Logger.LogEpoch(string.Create(CultureInfo.InvariantCulture,
            $"time budget: epochs now take {epochSeconds:0.00}s, so the {before - completedEpochs} left {(late ? "no longer fit" : "would leave much of it unused")}; planned {plannedEpochs} epochs in all instead of {before} (this run can no longer be repeated exactly)"));
    }

    /// <summary>How far the schedule is through the plan, 0..1, at the current step (continuous across re-plans).</summary>
    private double Progress(int batchesPerEpoch)
    {
        var total = (long)plannedEpochs * batchesPerEpoch;
        return Math.Clamp(planProgress + (1 - planProgress) * (globalStep - planStep) / Math.Max(1.0, total - planStep), 0, 1);
    }

    /// <summary>One optimizer step on one batch at learning rate <paramref name="lr"/>; returns the batch loss (not finite: the step was skipped).</summary>
    private float TrainBatch(GalaxyBatch batch, double lr, RmseAccumulator metrics, int epoch, int batchIndex)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        float lossValue;
        bool finite;
        // The forward pass's activations are freed before the optimizer step; the gradients stay allocated
        // (zeroed in place) and the Adam update allocates nothing. Every batch then allocates the same sizes in
        // the same order from the same free space, and the native heap settles instead of creeping upwards.
        using (var scope = NewDisposeScope())
        {
            var x = batch.Images.to(device);
            var y = batch.Targets!.to(device);
            var prediction = Model.forward(x);
            var loss = Loss(prediction, y);
            lossValue = loss.item<float>();
            finite = float.IsFinite(lossValue);
            if (finite)
            {
                optimizer.zero_grad();
                loss.backward();
                metrics.Add(prediction, y);
            }
        }
        if (finite)
        {
            using var scope = NewDisposeScope();
            if (Options.GradientClipNorm is double maxNorm) nn.utils.clip_grad_norm_(Model.parameters(), maxNorm);
            optimizer.step();
        }
        else
        {
            Options.Logger.LogTrainingWarning(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch} batch {batchIndex}: loss is {lossValue}; the update was skipped (add TerminateOnNaN to stop)"));
        }
        globalStep++;
        return lossValue;
    }

    /// <summary>Elapsed time from a start read off the trainer's <see cref="TimeProvider"/>.</summary>
    private sealed class Timer(TimeProvider time)
    {
        public long Start { get; } = time.GetTimestamp();
        public TimeSpan Elapsed => time.GetElapsedTime(Start);
    }

    private double CurrentRate(int batchesPerEpoch)
    {
        // Following the clock: the share of the budget spent. Re-planned: the schedule goes on from where it was over the
        // new remaining steps. Otherwise exactly the schedule of a run given its epochs.
        double? fraction = TimeDriven && Options.Schedule.Kind == ScheduleKind.Cosine ? BudgetFraction
            : replanned ? Progress(batchesPerEpoch) : null;
        if (fraction is double f)
        {
            const long resolution = 1_000_000;
            return Options.Schedule.At(Options.LearningRate, completedEpochs, (long)(f * resolution), resolution, plateauRate);
        }
        var total = plannedEpochs == int.MaxValue ? 0 : (long)plannedEpochs * batchesPerEpoch;
        return Options.Schedule.At(Options.LearningRate, completedEpochs, globalStep, total, plateauRate);
    }

    private void StepPlateau(EpochMetrics metrics)
    {
        var schedule = Options.Schedule;
        if (schedule.Kind != ScheduleKind.ReduceOnPlateau) return;
        var value = metrics.Get(schedule.Monitor);
        if (!double.IsFinite(value)) return;
        if (value < plateauBest)
        {
            plateauBest = value;
            plateauWait = 0;
            return;
        }
        if (++plateauWait > schedule.Patience)
        {
            plateauRate = Math.Max(schedule.MinLearningRate, plateauRate * schedule.Factor);
            plateauWait = 0;
            Options.Logger.LogEpoch($"reduce on plateau: learning rate now {plateauRate:G3}");
        }
    }

    private Tensor Loss(Tensor prediction, Tensor target) => Options.Loss switch
    {
        LossKind.SmoothL1 => nn.functional.smooth_l1_loss(prediction, target),
        _ => nn.functional.mse_loss(prediction, target),
    };

    private (double Loss, double Rmse) Validate(GalaxyDataLoader loader, int epoch, Timer clock, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var accumulator = new RmseAccumulator();
        double lossSum = 0;
        Model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var index = 0;
            foreach (var batch in loader.Epoch(0, cancellationToken))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var y = batch.Targets!.to(device);
                    var prediction = Model.forward(batch.Images.to(device));
                    lossSum += Loss(prediction, y).item<float>() * (double)batch.Count;
                    accumulator.Add(prediction, y);
                }
                NativeMemoryTuning.RunDueFinalizers();
                progress?.Report(new TrainingProgress(epoch, PlannedForDisplay(), ++index, loader.BatchCount, "validate", double.NaN, double.NaN, clock.Elapsed, lastMetrics));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (double.NaN, double.NaN);
        }
        finally
        {
            Model.train();
        }
        return (lossSum / Math.Max(1, accumulator.Count), accumulator.Rmse);
    }

    /// <summary>Overall, per-question and per-column RMSE of the model on a labelled dataset.</summary>
    public Inference.EvaluationReport Evaluate(IGalaxyDataset dataset, CancellationToken cancellationToken = default) =>
        Inference.Evaluator.Evaluate(Model, device, dataset, Options.BatchSize, Options.WorkerThreads, tta: false, cancellationToken);

    internal void SaveCheckpoint(string path, bool weightsOnly, TrainingContext context)
    {
        var preprocessing = Options.Preprocessing ?? new PreprocessingOptions { Size = Model.Spec.InputSize };
        var metrics = lastMetrics?.ToDictionary() ?? new Dictionary<string, double>();
        Checkpoint.Write(path, Model, preprocessing, completedEpochs, metrics, weightsOnly ? null : optimizer, weightsOnly ? null : TrainerState());
    }

    private JsonObject TrainerState()
    {
        var callbacks = new JsonObject();
        foreach (var c in Options.Callbacks.OfType<IStatefulCallback>()) callbacks[c.StateKey] = c.SaveState();
        return new JsonObject
        {
            ["completedEpochs"] = completedEpochs,
            ["plannedEpochs"] = plannedEpochs == int.MaxValue ? null : plannedEpochs,
            ["budgetPlan"] = budgetPlan == BudgetPlan.None ? null : budgetPlan.ToString().ToLowerInvariant(),
            ["planStep"] = planStep,
            ["planProgress"] = planProgress,
            ["planEpoch"] = planEpoch,
            ["firstPlan"] = planCeiling, // the key of earlier checkpoints
            ["replanned"] = replanned,
            ["globalStep"] = globalStep,
            ["budgetSeconds"] = BudgetElapsed,
            ["plateauRate"] = plateauRate,
            ["plateauBest"] = double.IsFinite(plateauBest) ? plateauBest : null,
            ["plateauWait"] = plateauWait,
            ["seed"] = Options.Seed,
            ["callbacks"] = callbacks,
        };
    }

    private void RestoreState(Checkpoint checkpoint)
    {
        var state = checkpoint.TrainerState!;
        checkpoint.RestoreOptimizer(optimizer);
        checkpoint.RestoreRandomState();
        completedEpochs = (int?)state["completedEpochs"] ?? checkpoint.Epoch;
        plannedEpochs = (int?)state["plannedEpochs"] ?? 0;
        planStep = (long?)state["planStep"] ?? 0;
        planProgress = (double?)state["planProgress"] ?? 0;
        planEpoch = (int?)state["planEpoch"] ?? 0;
        planCeiling = (int?)state["firstPlan"] ?? plannedEpochs;
        replanned = (bool?)state["replanned"] ?? false;
        // A run with only a time budget resumes as it was planned; one without a plan (clock-driven, or saved before
        // plans existed) keeps following the clock.
        budgetPlan = (string?)state["budgetPlan"] switch
        {
            "planned" when plannedEpochs > 0 => BudgetPlan.Planned,
            _ when Options.TimeBudget is not null && Options.Epochs is null => BudgetPlan.Clock,
            _ => BudgetPlan.None,
        };
        globalStep = (long?)state["globalStep"] ?? 0;
        budgetSecondsBefore = (double?)state["budgetSeconds"] ?? 0;
        plateauRate = (double?)state["plateauRate"] ?? Options.LearningRate;
        plateauBest = (double?)state["plateauBest"] ?? double.PositiveInfinity;
        plateauWait = (int?)state["plateauWait"] ?? 0;
        if (state["callbacks"] is JsonObject callbacks)
            foreach (var c in Options.Callbacks.OfType<IStatefulCallback>())
                if (callbacks[c.StateKey] is JsonNode saved) c.LoadState(saved);
        if (checkpoint.Metrics.Count > 0)
        {
            double M(string k) => checkpoint.Metrics.TryGetValue(k, out var v) ? v : double.NaN;
            lastMetrics = new EpochMetrics(completedEpochs, M("loss"), M("rmse"), M("val_loss"), M("val_rmse"), M("lr"), M("seconds"), M("images_per_second"));
        }
    }

    internal Dictionary<string, Tensor> SnapshotWeights()
    {
        using var noGrad = torch.no_grad();
        return Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    internal void RestoreWeights(IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in Model.state_dict())
            if (state.TryGetValue(name, out var saved)) tensor.copy_(saved);
    }

    /// <summary>Releases the optimizer's state.</summary>
    public void Dispose() => optimizer.Dispose();
}
