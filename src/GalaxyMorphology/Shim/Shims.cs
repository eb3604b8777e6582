// TEMPORARY: stand-ins for the Models and Imaging types being built on other branches; removed when they merge.
#pragma warning disable CS1591
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Models
{
    public sealed record ModelSpec(int InputSize = 16, int OutputCount = 37)
    {
        public string ToJson() => JsonSerializer.Serialize(this);
        public static ModelSpec FromJson(string json) => JsonSerializer.Deserialize<ModelSpec>(json)!;
    }

    public sealed class GalaxyNet : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential features;
        public ModelSpec Spec { get; }
        public GalaxyNet(ModelSpec spec) : base("GalaxyNet")
        {
            Spec = spec;
            features = nn.Sequential(("conv1", nn.Conv2d(3, 4, 3)), ("relu", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("drop", nn.Dropout(0.2)), ("fc", nn.Linear(4, 37)), ("sig", nn.Sigmoid()));
            RegisterComponents();
        }
        public override Tensor forward(Tensor input) => features.forward(input);
    }

    public sealed class ModelBuilder
    {
        private readonly ModelSpec spec;
        private ModelBuilder(ModelSpec spec) => this.spec = spec;
        public static ModelBuilder FromSpec(ModelSpec spec) => new(spec);
        public GalaxyNet Build(Device? device = null) { var m = new GalaxyNet(spec); if (device is not null) m.to(device); return m; }
    }
}
