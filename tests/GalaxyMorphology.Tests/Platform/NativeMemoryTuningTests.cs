using GalaxyMorphology.Platform;
using GalaxyMorphology.Tests.Support;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Platform;

[Collection(SerialCollection.Name)]
public class NativeMemoryTuningTests
{
    [Fact]
    public void The_heap_counts_as_grown_only_past_its_high_water_mark_and_the_first_size_only_sets_the_mark()
    {
        long mark = 0;
        var answers = new[] { 100L, 100, 90, 150, 150, 120, 151 }.Select(size => NativeMemoryTuning.GrewPastHighWater(size, ref mark)).ToArray();
        answers.Should().Equal(false, false, false, true, false, false, true);
        mark.Should().Be(151);
    }

    [SkippableFact]
    public void Releasing_free_memory_keeps_live_tensors_and_never_grows_the_heap()
    {
        var heap = NativeMemoryTuning.HeapBytes();
        Skip.If(!NativeMemoryTuning.IsApplied || heap is null, "the glibc malloc tuning is not in effect on this platform");
        heap!.Value.Should().BePositive();
        using var kept = arange(1_000_000, dtype: ScalarType.Float32);
        using (var freed = ones(8_000_000)) freed.sum().item<float>().Should().Be(8_000_000);
        var before = NativeMemoryTuning.HeapBytes()!.Value;
        NativeMemoryTuning.ReleaseFreeMemory().Should().BeTrue();
        NativeMemoryTuning.HeapBytes()!.Value.Should().BeLessThanOrEqualTo(before);
        kept[999_999].item<float>().Should().Be(999_999f);
    }
}
