using System.Runtime.InteropServices;
using GalaxyMorphology.Platform;

namespace GalaxyMorphology.Tests.Platform;

public unsafe class NnpackGuardTests
{
    [SkippableFact]
    public void NNPACK_is_switched_off_exactly_where_it_cannot_initialise()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libtorch's NNPACK symbols are looked up on Linux only in this test");
        TorchRuntime.EnsureLoaded();
        NativeLibrary.TryLoad("libtorch_cpu.so", out var library).Should().BeTrue("TorchSharp has loaded libtorch_cpu.so");
        var initialize = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "nnp_initialize");
        var context = ((delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "_ZN2at13globalContextEv"))();
        var enabled = ((delegate* unmanaged<IntPtr, byte>)NativeLibrary.GetExport(library, "_ZNK2at7Context17userEnabledNNPACKEv"))(context) != 0;

        var works = initialize() == 0;
        enabled.Should().Be(works, "libtorch keeps NNPACK on where it initialises and we switch it off where it cannot");
        NnpackGuard.Disabled.Should().Be(!works);
    }
}
