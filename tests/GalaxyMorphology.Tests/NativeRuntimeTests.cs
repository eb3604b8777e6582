using static TorchSharp.torch;

namespace GalaxyMorphology.Tests;

public class NativeRuntimeTests
{
    [Fact]
    public void Convolution_forward_and_backward_give_known_numbers()
    {
        using var scope = NewDisposeScope();
        // 1x1x3x3 input of ones, 2x2 kernel of ones: every output is 4, and d(sum)/d(kernel) = 4 per weight.
        var input = ones(1, 1, 3, 3);
        var weight = ones(1, 1, 2, 2).requires_grad_(true);
        var output = nn.functional.conv2d(input, weight);
        output.shape.Should().Equal(1, 1, 2, 2);
        output.data<float>().ToArray().Should().AllBeEquivalentTo(4f);
        output.sum().backward();
        weight.grad!.data<float>().ToArray().Should().AllBeEquivalentTo(4f);
    }
}
