#!/usr/bin/env bash
# Packs the library and proves the package works for someone else: a throwaway console app outside the repository
# references it from a local folder feed plus TorchSharp-cpu, builds, and predicts one synthetic galaxy.
# Checks: .nupkg and .snupkg exist; README, license expression, XML docs inside; no TorchSharp runtime inside.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/galaxy-pack-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)

dotnet pack src/GalaxyMorphology/GalaxyMorphology.csproj -c Release -o "$work/feed" -nologo -v quiet -warnaserror
nupkg="$work/feed/GalaxyMorphology.$version.nupkg"
snupkg="$work/feed/GalaxyMorphology.$version.snupkg"
[[ -f "$nupkg" && -f "$snupkg" ]] || { echo "pack-check: FAILED: expected $nupkg and $snupkg" >&2; ls "$work/feed" >&2; exit 1; }
listing=$(unzip -l "$nupkg")
for f in README.md lib/net10.0/GalaxyMorphology.dll lib/net10.0/GalaxyMorphology.xml; do
  grep -q " $f\$" <<<"$listing" || { echo "pack-check: FAILED: $f is not in the package" >&2; exit 1; }
done
if grep -Eq 'libtorch|runtimes/' <<<"$listing"; then echo "pack-check: FAILED: the package carries native runtime files" >&2; exit 1; fi
nuspec=$(unzip -p "$nupkg" GalaxyMorphology.nuspec)
grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || { echo "pack-check: FAILED: no MIT license expression" >&2; exit 1; }
grep -q 'id="TorchSharp"' <<<"$nuspec" || { echo "pack-check: FAILED: no dependency on managed TorchSharp" >&2; exit 1; }
if grep -q 'id="TorchSharp-cpu"' <<<"$nuspec"; then echo "pack-check: FAILED: the package depends on a TorchSharp runtime" >&2; exit 1; fi

# A consumer that knows nothing of this repository (no Directory.*.props above /tmp).
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/galaxymorphology/$version"
mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="galaxy-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <PlatformTarget>x64</PlatformTarget>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="GalaxyMorphology" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Taxonomy;

var network = ModelBuilder.Compact().WithInputSize(64).WithOutputHead(OutputHead.DecisionTree).Build();
using var model = GalaxyModel.FromNetwork(network, new PreprocessingOptions { Size = 64, CropSize = 207 });
var jpeg = new SyntheticGalaxyGenerator(seed: 7).RenderJpeg(100123);
var votes = model.Predict(new MemoryStream(jpeg));
if (votes.Values.Length != GalaxyZooTaxonomy.OutputCount || votes.Validate().Count != 0) { Console.Error.WriteLine("bad prediction"); return 1; }
Console.WriteLine($"consumer app: predicted {votes.Values.Length} vote fractions; most likely: {votes.MostLikelyPath()}");
return 0;
CS
(cd "$work/app" && dotnet run -c Release -nologo -v quiet)
echo "pack-check: ok: GalaxyMorphology.$version.nupkg + .snupkg (README, MIT, XML docs, no native runtime); a consumer app built and predicted"
