using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Models;

/// <summary>Ensembles (ModelSpec.Members): members train in turn, predictions are their mean, checkpoints keep them all.</summary>
[Collection(SerialCollection.Name)]
public sealed class EnsembleTests
{
    private static GalaxyNet Ensemble(int members, OutputHead head = OutputHead.Sigmoid)
    {
        manual_seed(3);
        return ModelBuilder.FromSpec(TestModels.SmallSpec with { Members = members, Head = head }).Build();
    }

    [Fact]
    public void Evaluation_is_the_mean_of_the_members_and_tree_heads_stay_consistent()
    {
        using var net = Ensemble(3, OutputHead.DecisionTree);
        net.eval();
        using var x = rand(4, 3, TestModels.Size, TestModels.Size);
        using var output = net.forward(x);
        var members = net.named_children().Single(c => c.name == "members").module.children().Cast<GalaxyNet>().ToList();
        members.Should().HaveCount(3);
        using var mean = (members[0].forward(x) + members[1].forward(x) + members[2].forward(x)) / 3;
        output.allclose(mean, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        var values = output.data<float>().ToArray();
        for (var i = 0; i < 4; i++) GalaxyZooTaxonomy.Validate(values.AsSpan(i * 37, 37)).Should().BeEmpty();
        net.Summary().TrainableParameters.Should().Be(3 * ModelBuilder.FromSpec(TestModels.SmallSpec).Build().Summary().TrainableParameters);
    }

    [Fact]
    public void Training_batches_go_to_one_member_in_turn()
    {
        using var net = Ensemble(2);
        var members = net.named_children().Single(c => c.name == "members").module.children().Cast<GalaxyNet>().ToList();
        var before = members.Select(m => m.parameters().First().clone()).ToList();
        net.train();
        using var optimizer = optim.SGD(net.parameters(), 0.5);
        using var x = rand(8, 3, TestModels.Size, TestModels.Size);
        using var y = rand(8, 37);
        optimizer.zero_grad();
        nn.functional.mse_loss(net.forward(x), y).backward();
        optimizer.step();
        members[0].parameters().First().allclose(before[0]).Should().BeFalse("the first batch trains member 0");
        members[1].parameters().First().allclose(before[1]).Should().BeTrue("member 1 waits for the next batch");
        net.state_dict()["routing"].item<long>().Should().Be(1, "the batch counter is saved with the weights, so a resumed run trains member 1 next");
    }

    [Fact]
    public void An_ensemble_checkpoint_reloads_with_every_member()
    {
        using var temp = new TestModels.TempFolder();
        using var net = Ensemble(2);
        var path = temp.File("ensemble.ckpt");
        using (var trainer = Trainer.For(net).WithBatchSize(16).WithEpochs(2).WithWorkers(1).WithCallbacks(new ModelCheckpoint(path)).Build())
            trainer.Fit(TestModels.Learnable(48, seed: 1), TestModels.Learnable(16, seed: 2));
        using var loaded = GalaxyModel.Load(path);
        loaded.Spec.Members.Should().Be(2);
        var sample = TestModels.Learnable(1, seed: 9).Get(0).Pixels;
        net.eval();
        using var expected = net.forward(tensor(sample, [1, 3, TestModels.Size, TestModels.Size]));
        loaded.PredictPixels(sample).Values.ToArray().Should().Equal(expected.data<float>().ToArray());
        Checkpoint.Read(path).Spec.ToJson().Should().Contain("\"members\":2");
    }
}
