using GalaxyMorphology.Models;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Models;

[Collection(SerialCollection.Name)]
public sealed class ModelSpecTests
{
    [Fact]
    public void Json_holds_the_whole_architecture_in_readable_form()
    {
        var spec = ModelBuilder.AlexNet(AlexNetVariant.HighDropout).WithConv1Stride(2).WithInputSize(227)
            .WithMaxPooling(1, false).WithOutputHead(OutputHead.DecisionTree).Spec;
        var json = spec.ToJson();
        json.Should().Contain("\"variant\":\"highdropout\"").And.Contain("\"head\":\"DecisionTree\"")
            .And.Contain("\"batchNorm\":\"AfterRelu\"").And.Contain("\"initialization\":\"Keras\"").And.Contain("\"dropout\":0.7");
        var back = ModelSpec.FromJson(json);
        back.Should().Be(spec);
        back.Features[0].Stride.Should().Be(2);
        back.Features[1].Enabled.Should().BeFalse();
        back.HiddenUnits.Should().Equal(4096, 4096);
        ModelBuilderTests.Plan(back).Should().Equal(ModelBuilderTests.Plan(spec));
    }

    [Fact]
    public void Specs_compare_by_value()
    {
        ModelBuilder.Compact().Spec.Should().Be(ModelBuilder.Compact().Spec);
        ModelBuilder.Compact().Spec.GetHashCode().Should().Be(ModelBuilder.Compact().Spec.GetHashCode());
        ModelBuilder.Compact().WithDropout(0.3).Spec.Should().NotBe(ModelBuilder.Compact().Spec);
    }

    [Fact]
    public void A_new_spec_is_the_compact_network_and_its_tables_cannot_be_changed_behind_its_back()
    {
        new ModelSpec().Should().Be(ModelBuilder.Compact().Spec);
        var table = new[] { LayerSpec.Conv(8, 3), LayerSpec.MaxPool(2, 2) };
        var spec = new ModelSpec { Variant = "custom", InputSize = 16, Features = table, HiddenUnits = [] };
        table[0] = LayerSpec.Conv(99, 3);
        spec.Features[0].Channels.Should().Be(8);
        spec.Features.Should().NotBeAssignableTo<LayerSpec[]>();
        ModelBuilderTests.Plan(spec).Should().Equal("features.conv1", "features.relu1", "features.bn1", "features.pool1",
            "classifier.flatten", "classifier.fc1", "head.sigmoid");
    }

    [Theory]
    [InlineData("{not json", "*invalid*")]
    [InlineData("null", "*null*")]
    [InlineData("{\"variant\":\"compact\",\"inputSize\":64,\"features\":[],\"hiddenUnits\":[]}", "*no convolution*")]
    [InlineData("{\"variant\":\"compact\",\"inputSize\":\"big\"}", "*invalid*inputSize*")]
    [InlineData("{\"variant\":\"compact\",\"head\":\"Softmax\"}", "*invalid*head*")]
    public void Bad_json_is_refused_clearly(string json, string message)
    {
        var act = () => ModelSpec.FromJson(json);
        act.Should().Throw<ArgumentException>().WithMessage(message).And.ParamName.Should().Be("json");
    }

    [Fact]
    public void A_spec_with_an_input_too_small_fails_validation_when_read()
    {
        var json = ModelBuilder.Compact().Spec.ToJson().Replace("\"inputSize\":64", "\"inputSize\":20", StringComparison.Ordinal);
        var act = () => ModelSpec.FromJson(json);
        act.Should().Throw<ArgumentException>().WithMessage("*input size 20*features.*");
    }
}
