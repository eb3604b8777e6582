using GalaxyMorphology.Models;
using static TorchSharp.torch;

namespace GalaxyMorphology.Inference;

/// <summary>
/// Test-time augmentation: the mean of a model's outputs over the 8 rotations and flips of each image (the dihedral
/// group D4). Galaxy Zoo answers do not change when an image is rotated or mirrored, so averaging removes noise.
/// </summary>
public static class TestTimeAugmentation
{
    /// <summary>Number of views averaged.</summary>
    public const int Views = 8;

    /// <summary>Runs <paramref name="forward"/> on the 8 views of the (N, C, H, W) batch <paramref name="images"/> and returns the mean output.</summary>
    public static Tensor Predict(Func<Tensor, Tensor> forward, Tensor images) => Predict(forward, images, turns: 4, mirrors: 2);

    /// <summary>
    /// The views that can change <paramref name="spec"/>'s prediction: a network whose rotated views are averaged
    /// (<see cref="ModelSpec.Views"/> with <see cref="ViewPooling.Mean"/>) answers the same for every quarter turn, so
    /// only the mirror image adds anything (and with 8 views, not even that). The mean over the views left out would
    /// be the same up to rounding; leaving them out makes test-time augmentation 4 or 8 times cheaper.
    /// </summary>
    internal static (int Turns, int Mirrors) DistinctViews(ModelSpec spec) =>
        spec is { Views: > 0, ViewPooling: ViewPooling.Mean } ? (1, spec.Views == 8 ? 1 : 2) : (4, 2);

    /// <summary>The mean of <paramref name="forward"/> over the first <paramref name="turns"/> quarter turns of the image and (with 2 mirrors) of its mirror image.</summary>
    internal static Tensor Predict(Func<Tensor, Tensor> forward, Tensor images, int turns, int mirrors)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        for (var flip = 0; flip < mirrors; flip++)
        {
            var source = flip == 0 ? images : images.flip(3);
            for (var k = 0; k < turns; k++)
            {
                var view = k == 0 ? source : source.rot90(k, (2, 3));
                var output = forward(view);
                sum = sum is null ? output : sum + output;
            }
        }
        return (sum! / (turns * mirrors)).MoveToOuterDisposeScope();
    }
}
