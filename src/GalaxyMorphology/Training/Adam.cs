using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GalaxyMorphology.Training;

/// <summary>
/// TorchSharp's Adam with the same state, options and checkpoint format and the same arithmetic, but an update that
/// allocates nothing: the denominator sqrt(v̂) + ε is built in the gradient's own buffer instead of two new tensors
/// per parameter. For the AlexNets' 4096×4096 layer those were two 64 MiB blocks per step, allocated while the
/// gradients were live; their placement drifted from step to step and fragmented the native heap until its resident
/// size grew by a step's working set. The gradients hold the denominators after <see cref="step"/>; they are zeroed
/// (<c>zero_grad</c>) before the next backward pass anyway. The class is named Adam because TorchSharp records the
/// optimizer's type name in its saved state: checkpoints written with TorchSharp's Adam resume with this one and the
/// other way round.
/// </summary>
internal sealed class Adam : TorchSharp.Modules.Adam
{
    public Adam(IEnumerable<Parameter> parameters, double lr, double weightDecay)
        : base(parameters, lr, weight_decay: weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (((Options)_defaults).amsgrad == true) return base.step(closure!);
        return _step<TorchSharp.Modules.ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            var beta1 = options.beta1!.Value;
            var beta2 = options.beta2!.Value;
            var weightDecay = options.weight_decay!.Value;
            var eps = options.eps!.Value;
            var lr = options.LearningRate!.Value;
            foreach (var param in group.Parameters)
            {
                using var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                if (options.maximize == true) grad.neg_();
                if (weightDecay != 0) grad.add_(param, alpha: weightDecay);
                state.exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1);
                state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                var denominator = grad.copy_(state.exp_avg_sq).sqrt_().div_(Math.Sqrt(biasCorrection2)).add_(eps);
                param.addcdiv_(state.exp_avg, denominator, value: -lr / biasCorrection1);
            }
        }, closure!);
    }
}
