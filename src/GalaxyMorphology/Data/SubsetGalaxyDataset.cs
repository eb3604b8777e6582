namespace GalaxyMorphology.Data;

/// <summary>A view of some items of another dataset, in the given order; nothing is copied.</summary>
public sealed class SubsetGalaxyDataset : IGalaxyDataset
{
    private readonly int[] indices;

    /// <summary>Creates the view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the source.</exception>
    public SubsetGalaxyDataset(IGalaxyDataset source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        Source = source;
        this.indices = indices.ToArray();
        var sourceIds = source.Ids;
        var ids = new long[this.indices.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var index = this.indices[i];
            if ((uint)index >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"index {i} is {index}, outside the source's 0..{source.Count - 1}");
            ids[i] = sourceIds[index];
        }
        Ids = ids;
    }

    /// <summary>The dataset viewed.</summary>
    public IGalaxyDataset Source { get; }

    /// <summary>The source index of each item.</summary>
    public IReadOnlyList<int> Indices => indices;

    /// <inheritdoc />
    public int Count => indices.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> Ids { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetColumns => Source.TargetColumns;

    /// <inheritdoc />
    public ImageShape Shape => Source.Shape;

    /// <inheritdoc />
    public GalaxySample Get(int index) => Source.Get(indices[index]);

    /// <inheritdoc />
    public float[]? TargetsOf(int index) => Source.TargetsOf(indices[index]);

    /// <inheritdoc />
    public (long Id, float[]? Targets) GetInto(int index, Span<float> pixels) => Source.GetInto(indices[index], pixels);
}
