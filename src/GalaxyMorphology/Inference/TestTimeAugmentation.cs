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
    public static Tensor Predict(Func<Tensor, Tensor> forward, Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        for (var flip = 0; flip < 2; flip++)
        {
            var source = flip == 0 ? images : images.flip(3);
            for (var k = 0; k < 4; k++)
            {
                var view = k == 0 ? source : source.rot90(k, (2, 3));
                var output = forward(view);
                sum = sum is null ? output : sum + output;
            }
        }
        return (sum! / Views).MoveToOuterDisposeScope();
    }
}
