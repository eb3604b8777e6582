namespace GalaxyMorphology.Synthetic;

/// <summary>What <see cref="SyntheticKaggleWriter.Write"/> produces. Stored as <c>synthetic.json</c> beside the data.</summary>
public sealed record SyntheticWriterOptions
{
    /// <summary>Training galaxies (images_training_rev1 and training_solutions_rev1.csv). Default 2000.</summary>
    public int Count { get; init; } = 2000;

    /// <summary>Test galaxies (images_test_rev1 and test_solutions_rev1.csv); 0 writes no test set. Default 0.</summary>
    public int TestCount { get; init; }

    /// <summary>Image side in pixels. Default 424, as Kaggle.</summary>
    public int Size { get; init; } = SyntheticGalaxyGenerator.NativeSize;

    /// <summary>Population seed. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Difficulty. Default <see cref="SyntheticDifficulty.Standard"/>.</summary>
    public SyntheticDifficulty Difficulty { get; init; } = SyntheticDifficulty.Standard;

    /// <summary>Threads rendering images (the output does not depend on it). Default: one per processor.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>GalaxyID of the first training galaxy; the training IDs follow it and the test IDs follow those. Default 100000.</summary>
    public long FirstId { get; init; } = 100000;

    /// <summary>JPEG quality 1..100. Default 90.</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>
    /// Write into a non-empty folder that is not a previous synthetic output, replacing the Kaggle-layout files there.
    /// Default false: such a folder is refused. A previous synthetic output (it has <c>synthetic.json</c>) is always replaced.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Count < 0) throw new ArgumentException($"Count must be 0 or more, got {Count}", nameof(Count));
        if (TestCount < 0) throw new ArgumentException($"TestCount must be 0 or more, got {TestCount}", nameof(TestCount));
        if (Count + (long)TestCount == 0) throw new ArgumentException("Count and TestCount are both 0: nothing to write", nameof(Count));
        if (Size is < 8 or > 4096) throw new ArgumentException($"Size must be 8..4096 pixels, got {Size}", nameof(Size));
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1, got {Threads}", nameof(Threads));
        if (FirstId < 0 || FirstId > long.MaxValue - Count - (long)TestCount) throw new ArgumentException($"FirstId must be 0 or more and leave room for the IDs, got {FirstId}", nameof(FirstId));
        if (JpegQuality is < 1 or > 100) throw new ArgumentException($"JpegQuality must be 1..100, got {JpegQuality}", nameof(JpegQuality));
        if (!Enum.IsDefined(Difficulty)) throw new ArgumentException($"Difficulty {Difficulty} is not Easy, Standard or Hard", nameof(Difficulty));
    }
}

/// <summary>What <see cref="SyntheticKaggleWriter.Write"/> wrote.</summary>
/// <param name="Folder">The full path of the data folder.</param>
/// <param name="TrainingCount">Training images and rows written.</param>
/// <param name="TestCount">Test images and rows written.</param>
/// <param name="Seconds">Wall-clock seconds taken.</param>
public sealed record SyntheticWriteResult(string Folder, int TrainingCount, int TestCount, double Seconds);
