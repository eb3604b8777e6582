namespace GalaxyMorphology.Models;

/// <summary>
/// The number type a <see cref="GalaxyNet"/> computes in while it trains. The weights, the optimizer's state, the
/// BatchNorm statistics, the loss and every checkpoint stay float32 either way; evaluation and prediction always run
/// in float32.
/// </summary>
public enum TrainingPrecision
{
    /// <summary>Float32 throughout (the default).</summary>
    Float32,

    /// <summary>
    /// Mixed precision, as PyTorch's <c>autocast</c> does it: the convolutions and dense layers run in bfloat16 on
    /// bfloat16 copies of the float32 weights (gradients flow back to the float32 weights through the cast), BatchNorm
    /// normalises bfloat16 activations with its float32 parameters, and the output head and loss are float32. On CPUs
    /// with AVX-512 BF16 or AMX a training step takes roughly half the time; elsewhere it can be slower (see
    /// docs/training.md).
    /// </summary>
    BFloat16,
}
