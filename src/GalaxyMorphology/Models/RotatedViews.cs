using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Models;

/// <summary>
/// Cuts each centred galaxy image into overlapping corner views turned to one orientation (Dieleman et al. 2015):
/// view k is the top-left <c>size</c>×<c>size</c> corner of the image turned by k quarter turns, so every view holds
/// the galaxy's centre near its bottom-right corner and the convolutions learn one orientation of every part of a
/// galaxy instead of four. (N, C, S, S) in, (V·N, C, size, size) out, view-major: rows <c>k·N .. k·N + N − 1</c> are
/// view k. With 8 views the second four come from the mirrored image. No parameters.
/// </summary>
internal sealed class RotatedViews : nn.Module<Tensor, Tensor>
{
    private readonly int views;
    private readonly long size;

    public RotatedViews(int views, long size) : base(nameof(RotatedViews))
    {
        this.views = views;
        this.size = size;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>(views);
        var mirrored = views > 4 ? input.flip(3) : null; // one mirror image for views 4..7
        for (var v = 0; v < views; v++)
        {
            var source = v < 4 ? input : mirrored!;
            var turned = v % 4 == 0 ? source : source.rot90(v % 4, (2, 3));
            parts.Add(turned.narrow(2, 0, size).narrow(3, 0, size));
        }
        // The turned corners come out of cat in the usual layout; the convolutions after it are faster channels-last.
        return GalaxyNet.ChannelsLast(cat(parts, 0)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Joins the feature maps of <see cref="RotatedViews"/> back into one vector per galaxy, view-major rows in:
/// (V·N, C, H, W) in, (N, V·C·H·W) out with view 0's features first (<see cref="ViewPooling.Concatenate"/>), or
/// (N, C·H·W), their mean over the views (<see cref="ViewPooling.Mean"/>). It takes the place of the classifier's
/// flatten. No parameters.
/// </summary>
internal sealed class ViewJoin : nn.Module<Tensor, Tensor>
{
    private readonly int views;
    private readonly ViewPooling pooling;

    public ViewJoin(int views, ViewPooling pooling) : base(nameof(ViewJoin))
    {
        this.views = views;
        this.pooling = pooling;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var n = input.shape[0] / views;
        var perView = input.reshape(views, n, -1);
        var joined = pooling == ViewPooling.Mean ? perView.mean([0]) : perView.permute(1, 0, 2).reshape(n, -1);
        return joined.MoveToOuterDisposeScope();
    }
}
