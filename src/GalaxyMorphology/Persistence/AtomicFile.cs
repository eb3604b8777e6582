namespace GalaxyMorphology.Persistence;

/// <summary>
/// Writes files so that readers see either the old content or the complete new one, never a half-written file:
/// the content goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
/// A crash (even SIGKILL) mid-write leaves the previous file untouched; at worst a stale temporary file remains,
/// which the next write into that folder removes.
/// </summary>
public static class AtomicFile
{
    private const string TempMarker = ".tmp-";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> atomically.</summary>
    /// <exception cref="IOException">The folder cannot be written (the message names it); nothing is left behind.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot create the output folder '{folder}' for '{full}': {ex.Message}", ex);
        }
        RemoveStaleTemporaries(full);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex)
        {
            TryDelete(temp);
            if (ex is UnauthorizedAccessException or IOException)
                throw new IOException($"could not write '{full}': {ex.Message}", ex);
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    private static void RemoveStaleTemporaries(string full)
    {
        var folder = Path.GetDirectoryName(full)!;
        var prefix = $".{Path.GetFileName(full)}{TempMarker}";
        try
        {
            foreach (var stale in Directory.EnumerateFiles(folder, prefix + "*"))
            {
                // Only temporaries of processes that no longer run: another live writer may own the rest.
                var rest = Path.GetFileName(stale)[prefix.Length..];
                var dash = rest.IndexOf('-');
                if (dash > 0 && int.TryParse(rest[..dash], out var pid) && pid != Environment.ProcessId && IsRunning(pid)) continue;
                if (dash > 0 && int.TryParse(rest[..dash], out pid) && pid == Environment.ProcessId) continue;
                TryDelete(stale);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
