using System.Runtime.InteropServices;

namespace QuorumCache.Cluster.Runtime;

/// <summary>Crash-safe whole-file replacement: write a temp file, fsync it, rename it over the target, fsync the directory.</summary>
internal static partial class DurableFile
{
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(content);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Make a rename or file creation in <paramref name="dir"/> durable (POSIX only; Windows persists renames with the file system journal).</summary>
    public static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try
        {
            fsync(fd);
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc")]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
