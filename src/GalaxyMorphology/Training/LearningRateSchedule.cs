namespace GalaxyMorphology.Training;

/// <summary>The kinds of <see cref="LearningRateSchedule"/>.</summary>
public enum ScheduleKind
{
    /// <summary>The initial rate throughout.</summary>
    Constant,
    /// <summary>Multiply by Gamma every StepEpochs epochs.</summary>
    Step,
    /// <summary>Cosine decay from the initial rate to MinLearningRate over the planned steps (after optional warm-up).</summary>
    Cosine,
    /// <summary>Multiply by Factor when the monitored metric has not improved for Patience epochs.</summary>
    ReduceOnPlateau,
}

/// <summary>A learning-rate schedule; create one with the static factories.</summary>
public sealed record LearningRateSchedule
{
    /// <summary>The kind.</summary>
    public ScheduleKind Kind { get; init; }
    /// <summary>Step: epochs between reductions.</summary>
    public int StepEpochs { get; init; } = 10;
    /// <summary>Step: factor per reduction.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>Cosine and plateau: the floor.</summary>
    public double MinLearningRate { get; init; }
    /// <summary>Cosine: fraction of the planned steps spent warming up linearly from 0.</summary>
    public double WarmupFraction { get; init; }
    /// <summary>Plateau: metric watched.</summary>
    public string Monitor { get; init; } = "val_loss";
    /// <summary>Plateau: reduction factor.</summary>
    public double Factor { get; init; } = 0.5;
    /// <summary>Plateau: epochs without improvement before reducing.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>No schedule.</summary>
    public static LearningRateSchedule Constant() => new() { Kind = ScheduleKind.Constant };

    /// <summary>Step decay.</summary>
    public static LearningRateSchedule Step(int stepEpochs, double gamma = 0.1) => new() { Kind = ScheduleKind.Step, StepEpochs = stepEpochs, Gamma = gamma };

    /// <summary>Cosine decay over the planned training steps (with a time budget, over the epochs that fit).</summary>
    public static LearningRateSchedule Cosine(double minLearningRate = 0, double warmupFraction = 0) =>
        new() { Kind = ScheduleKind.Cosine, MinLearningRate = minLearningRate, WarmupFraction = warmupFraction };

    /// <summary>Reduce on plateau, as Keras's ReduceLROnPlateau.</summary>
    public static LearningRateSchedule ReduceOnPlateau(string monitor = "val_loss", double factor = 0.5, int patience = 3, double minLearningRate = 0) =>
        new() { Kind = ScheduleKind.ReduceOnPlateau, Monitor = monitor, Factor = factor, Patience = patience, MinLearningRate = minLearningRate };

    internal void Validate()
    {
        if (StepEpochs < 1) throw new ArgumentException($"StepEpochs must be at least 1, got {StepEpochs}", nameof(StepEpochs));
        if (Gamma is <= 0 or > 1) throw new ArgumentException($"Gamma must be in (0, 1], got {Gamma}", nameof(Gamma));
        if (Factor is <= 0 or >= 1) throw new ArgumentException($"Factor must be in (0, 1), got {Factor}", nameof(Factor));
        if (Patience < 0) throw new ArgumentException($"Patience must be 0 or more, got {Patience}", nameof(Patience));
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentException($"WarmupFraction must be in [0, 1), got {WarmupFraction}", nameof(WarmupFraction));
        if (MinLearningRate < 0) throw new ArgumentException($"MinLearningRate must be 0 or more, got {MinLearningRate}", nameof(MinLearningRate));
    }

    /// <summary>The rate for a step-based schedule at global step <paramref name="step"/> of <paramref name="totalSteps"/> in epoch <paramref name="epoch"/> (0-based).</summary>
    internal double At(double initial, int epoch, long step, long totalSteps, double plateauRate) => Kind switch
    {
        ScheduleKind.Step => initial * Math.Pow(Gamma, epoch / StepEpochs),
        ScheduleKind.Cosine => CosineAt(initial, step, totalSteps),
        ScheduleKind.ReduceOnPlateau => plateauRate,
        _ => initial,
    };

    private double CosineAt(double initial, long step, long totalSteps)
    {
        if (totalSteps <= 0) return initial;
        var warm = (long)Math.Round(WarmupFraction * totalSteps);
        if (step < warm) return initial * (step + 1) / warm;
        var t = Math.Clamp((double)(step - warm) / Math.Max(1, totalSteps - warm), 0, 1);
        return MinLearningRate + (initial - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
