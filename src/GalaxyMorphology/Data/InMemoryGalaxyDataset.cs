using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Data;

/// <summary>A dataset whose samples already sit in memory (tests, small sets, arrays from elsewhere).</summary>
public sealed class InMemoryGalaxyDataset : IGalaxyDataset
{
    private readonly GalaxySample[] samples;

    /// <summary>Creates the dataset; every sample must have <paramref name="shape"/>'s length and, when labelled, 37 targets.</summary>
    /// <exception cref="ArgumentException">A sample has the wrong length, or only some samples have targets.</exception>
    public InMemoryGalaxyDataset(IEnumerable<GalaxySample> samples, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(samples);
        this.samples = samples.ToArray();
        Shape = shape;
        var labelled = this.samples.Count(s => s.Targets is not null);
        if (labelled != 0 && labelled != this.samples.Length)
            throw new ArgumentException($"{labelled} of {this.samples.Length} samples have targets: all or none must", nameof(samples));
        for (var i = 0; i < this.samples.Length; i++)
        {
            var s = this.samples[i];
            if (s.Pixels.Length != shape.Length)
                throw new ArgumentException($"sample {i} (GalaxyID {s.Id}) has {s.Pixels.Length} pixels values, expected {shape.Length} ({shape})", nameof(samples));
            if (s.Targets is { Length: not GalaxyZooTaxonomy.OutputCount })
                throw new ArgumentException($"sample {i} (GalaxyID {s.Id}) has {s.Targets.Length} targets, expected {GalaxyZooTaxonomy.OutputCount}", nameof(samples));
        }
        Ids = this.samples.Select(s => s.Id).ToArray();
        TargetColumns = labelled > 0 ? GalaxyZooTaxonomy.Columns : [];
    }

    /// <inheritdoc />
    public int Count => samples.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> Ids { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns { get; }

    /// <inheritdoc />
    public ImageShape Shape { get; }

    /// <inheritdoc />
    public GalaxySample Get(int index) => samples[index];
}
