using System.Buffers.Binary;

namespace QuorumCache.Cluster.Raft;

/// <summary>
/// <see cref="IRaftStorage"/> in a data directory:
/// <list type="bullet">
/// <item><c>raft-meta</c>: term and vote, replaced atomically (temp file, fsync, rename, fsync dir).</item>
/// <item><c>raft-snapshot</c>: last included index/term, configuration and state-machine bytes, replaced atomically.</item>
/// <item><c>raft-log</c>: append-only records <c>[length:u32][crc32:u32][payload]</c>, fsynced on every append.
/// A payload is an entry (type 1) or a truncation marker (type 2: entries from an index on are void).
/// On load a torn or corrupt record ends the log: the file is cut there. After a snapshot the file is
/// rewritten (atomically) with only the entries that follow it.</item>
/// </list>
/// Both small files end with a CRC-32 and start with a magic and version. Keeps a copy of the live
/// entries in memory (the metadata log is compacted regularly) to rewrite the log file.
/// </summary>
public sealed class FileRaftStorage : IRaftStorage, IDisposable
{
    // Record types inside raft-log. Persisted: values are explicit and append-only.
    private enum RecordType : byte { Entry = 1, Truncate = 2 }

    private const uint MetaMagic = 0x4D524351;      // "QCRM"
    private const uint SnapshotMagic = 0x53524351;  // "QCRS"
    private const byte FormatVersion = 1;
    private const int RecordHeader = 8;

    private readonly string _metaPath, _snapshotPath, _logPath;
    private readonly List<LogEntry> _entries = new();
    private long _snapshotIndex;
    private FileStream? _log;

    /// <summary>Bytes cut from the end of the log file by the last <see cref="Load"/> (a torn final record).</summary>
    public long TornBytesDiscarded { get; private set; }

    public FileRaftStorage(string directory)
    {
        Directory.CreateDirectory(directory);
        _metaPath = Path.Combine(directory, "raft-meta");
        _snapshotPath = Path.Combine(directory, "raft-snapshot");
        _logPath = Path.Combine(directory, "raft-log");
    }

    public RaftPersistentState Load()
    {
        long term = 0;
        string? vote = null;
        if (File.Exists(_metaPath))
        {
            var r = new RaftWireReader(CheckedBody(File.ReadAllBytes(_metaPath), MetaMagic, "raft-meta"));
            term = r.VarLong();
            vote = r.NullableString();
            r.End();
        }
        RaftSnapshotMeta? meta = null;
        byte[]? data = null;
        if (File.Exists(_snapshotPath))
        {
            var r = new RaftWireReader(CheckedBody(File.ReadAllBytes(_snapshotPath), SnapshotMagic, "raft-snapshot"));
            var idx = r.VarLong();
            var t = r.VarLong();
            var config = RaftConfiguration.Read(ref r);
            data = r.Bytes();
            r.End();
            meta = new RaftSnapshotMeta(idx, t, config);
        }
        _snapshotIndex = meta?.LastIncludedIndex ?? 0;
        ReadLog();
        return new RaftPersistentState
        {
            CurrentTerm = term, VotedFor = vote, SnapshotMeta = meta, SnapshotData = data, Entries = _entries.ToArray(),
        };
    }

    public void SaveTermAndVote(long term, string? votedFor)
    {
        var w = new RaftWireWriter();
        w.VarLong(term);
        w.NullableString(votedFor);
        DurableFile.WriteAtomically(_metaPath, Framed(w, MetaMagic));
    }

    public void Append(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        var w = new RaftWireWriter(256);
        var expected = NextIndex();
        foreach (var e in entries)
        {
            if (e.Index != expected) throw new InvalidOperationException($"Append expected index {expected}, got {e.Index}.");
            expected++;
            WriteRecord(w, p =>
            {
                p.Byte((byte)RecordType.Entry);
                p.VarLong(e.Index);
                p.VarLong(e.Term);
                p.Byte((byte)e.Kind);
                p.Bytes(e.Data);
            });
        }
        WriteDurably(w);
        _entries.AddRange(entries);
    }

    public void TruncateFrom(long fromIndex)
    {
        var first = _entries.Count > 0 ? _entries[0].Index : NextIndex();
        var keep = (int)Math.Max(0, Math.Min(_entries.Count, fromIndex - first));
        if (keep == _entries.Count) return;
        var w = new RaftWireWriter(32);
        WriteRecord(w, p =>
        {
            p.Byte((byte)RecordType.Truncate);
            p.VarLong(fromIndex);
        });
        WriteDurably(w);
        _entries.RemoveRange(keep, _entries.Count - keep);
    }

    public void SaveSnapshot(RaftSnapshotMeta meta, byte[] data)
    {
        var w = new RaftWireWriter(data.Length + 64);
        w.VarLong(meta.LastIncludedIndex);
        w.VarLong(meta.LastIncludedTerm);
        meta.Configuration.Write(w);
        w.Bytes(data);
        DurableFile.WriteAtomically(_snapshotPath, Framed(w, SnapshotMagic));

        _snapshotIndex = meta.LastIncludedIndex;
        var drop = 0;
        while (drop < _entries.Count && _entries[drop].Index <= meta.LastIncludedIndex) drop++;
        _entries.RemoveRange(0, drop);
        if (_entries.Count > 0 && _entries[0].Index != meta.LastIncludedIndex + 1) _entries.Clear();
        RewriteLog();
    }

    public void Dispose()
    {
        _log?.Dispose();
        _log = null;
    }

    private long NextIndex() => _entries.Count > 0 ? _entries[^1].Index + 1 : _snapshotIndex + 1;

    private void ReadLog()
    {
        _log?.Dispose();
        _log = null;
        _entries.Clear();
        TornBytesDiscarded = 0;
        var bytes = File.Exists(_logPath) ? File.ReadAllBytes(_logPath) : [];
        var pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < RecordHeader) break;
            var len = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 4));
            if (len == 0 || len > bytes.Length - pos - RecordHeader) break;
            var payload = bytes.AsSpan(pos + RecordHeader, (int)len);
            if (RaftCrc32.Compute(payload) != crc) break;
            ApplyRecord(payload);
            pos += RecordHeader + (int)len;
        }
        _log = new FileStream(_logPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (pos < bytes.Length)
        {
            TornBytesDiscarded = bytes.Length - pos;
            _log.SetLength(pos);
            _log.Flush(flushToDisk: true);
        }
        _log.Seek(0, SeekOrigin.End);
    }

    private void ApplyRecord(ReadOnlySpan<byte> payload)
    {
        var r = new RaftWireReader(payload);
        switch ((RecordType)r.Byte())
        {
            case RecordType.Entry:
            {
                var index = r.VarLong();
                var term = r.VarLong();
                var kind = (RaftEntryKind)r.Byte();
                var data = r.Bytes();
                r.End();
                if (index <= _snapshotIndex) return; // compacted, left over from before a snapshot
                if (index != NextIndex())
                    throw new RaftFormatException($"raft-log: entry {index} does not follow {NextIndex() - 1}.");
                _entries.Add(new LogEntry(index, term, kind, data));
                break;
            }
            case RecordType.Truncate:
            {
                var from = r.VarLong();
                r.End();
                var idx = _entries.FindIndex(e => e.Index >= from);
                if (idx >= 0) _entries.RemoveRange(idx, _entries.Count - idx);
                break;
            }
            default:
                throw new RaftFormatException("raft-log: unknown record type.");
        }
    }

    private void RewriteLog()
    {
        var w = new RaftWireWriter(256);
        foreach (var e in _entries)
        {
            WriteRecord(w, p =>
            {
                p.Byte((byte)RecordType.Entry);
                p.VarLong(e.Index);
                p.VarLong(e.Term);
                p.Byte((byte)e.Kind);
                p.Bytes(e.Data);
            });
        }
        _log?.Dispose();
        _log = null;
        DurableFile.WriteAtomically(_logPath, w.Written);
        _log = new FileStream(_logPath, FileMode.Open, FileAccess.Write, FileShare.Read);
        _log.Seek(0, SeekOrigin.End);
    }

    private void WriteDurably(RaftWireWriter w)
    {
        if (_log == null) throw new InvalidOperationException("FileRaftStorage.Load must be called first.");
        _log.Write(w.Written);
        _log.Flush(flushToDisk: true);
    }

    private static void WriteRecord(RaftWireWriter w, Action<RaftWireWriter> body)
    {
        var p = new RaftWireWriter(64);
        body(p);
        w.UInt32((uint)p.Length);
        w.UInt32(RaftCrc32.Compute(p.Written));
        w.Raw(p.Written);
    }

    private static byte[] Framed(RaftWireWriter body, uint magic)
    {
        var w = new RaftWireWriter(body.Length + 16);
        w.UInt32(magic);
        w.Byte(FormatVersion);
        w.Raw(body.Written);
        w.UInt32(RaftCrc32.Compute(w.Written));
        return w.ToArray();
    }

    private static ReadOnlySpan<byte> CheckedBody(byte[] file, uint magic, string name)
    {
        if (file.Length < 9) throw new RaftFormatException($"{name}: file too short.");
        var body = file.AsSpan(0, file.Length - 4);
        if (RaftCrc32.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 4)))
            throw new RaftFormatException($"{name}: checksum mismatch.");
        if (BinaryPrimitives.ReadUInt32LittleEndian(body) != magic) throw new RaftFormatException($"{name}: bad magic.");
        if (body[4] != FormatVersion) throw new RaftFormatException($"{name}: unsupported version {body[4]}.");
        return body[5..];
    }
}
