using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Training;

[Collection(SerialCollection.Name)]
public class AdamTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void The_in_place_Adam_takes_the_same_steps_as_TorchSharps_and_its_state_loads_into_TorchSharps(double weightDecay)
    {
        manual_seed(3);
        using var reference = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3));
        using var model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3));
        model.load_state_dict(reference.state_dict());
        using var adam = optim.Adam(reference.parameters(), 0.05, weight_decay: weightDecay);
        using var inPlace = new GalaxyMorphology.Training.Adam(model.parameters(), 0.05, weightDecay);
        for (var step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn(8, 6);
            var y = randn(8, 3);
            foreach (var (net, optimizer) in new (nn.Module<Tensor, Tensor>, optim.Optimizer)[] { (reference, adam), (model, inPlace) })
            {
                optimizer.zero_grad();
                nn.functional.mse_loss(net.forward(x), y).backward();
                optimizer.step();
            }
            foreach (var (a, b) in reference.parameters().Zip(model.parameters()))
                b.allclose(a, rtol: 1e-6, atol: 1e-7).Should().BeTrue($"step {step}");
        }
        reference.parameters().First().allclose(model.parameters().First()).Should().BeTrue();
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) inPlace.save_state_dict(writer);
        saved.Position = 0;
        using var restored = optim.Adam(model.parameters(), 0.05, weight_decay: weightDecay);
        using (var reader = new BinaryReader(saved)) restored.load_state_dict(reader);
        restored.state_dict().State.Zip(adam.state_dict().State).Should().OnlyContain(p => p.First.ApproximatelyEquals(p.Second));
    }
}
