using static TorchSharp.torch;

namespace GalaxyMorphology.Data;

/// <summary>One batch from <see cref="GalaxyDataLoader"/>. Dispose it (or let a dispose scope take it) when done.</summary>
public sealed class GalaxyBatch : IDisposable
{
    internal GalaxyBatch(int index, Tensor images, Tensor? targets, long[] ids)
    {
        Index = index;
        Images = images;
        Targets = targets;
        Ids = ids;
    }

    /// <summary>Position of the batch within its epoch.</summary>
    public int Index { get; }

    /// <summary>(N, 3, H, W) float32 pixels on the CPU.</summary>
    public Tensor Images { get; }

    /// <summary>(N, 37) float32 targets on the CPU, or null for an unlabelled dataset.</summary>
    public Tensor? Targets { get; }

    /// <summary>The GalaxyIDs of the batch, in row order.</summary>
    public IReadOnlyList<long> Ids { get; }

    /// <summary>Number of images (N).</summary>
    public int Count => Ids.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Targets?.Dispose();
    }
}
