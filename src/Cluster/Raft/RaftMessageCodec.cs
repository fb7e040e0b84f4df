namespace QuorumCache.Cluster.Raft;

/// <summary>
/// Compact binary encoding of <see cref="RaftMessage"/>: [type:1][version:1][from][to][term] then
/// the type's fields. Integers are unsigned LEB128 varints, strings and byte arrays are
/// varint-length-prefixed, booleans one byte (0/1). Entries of AppendEntries carry no index: it is
/// implied by PrevLogIndex.
/// </summary>
internal static class RaftMessageCodec
{
    public const byte Version = 1;

    public static byte[] Serialize(RaftMessage m)
    {
        var w = new RaftWireWriter(64);
        w.Byte((byte)m.Type);
        w.Byte(Version);
        w.String(m.From);
        w.String(m.To);
        w.VarLong(m.Term);
        switch (m)
        {
            case RequestVote v:
                w.Bool(v.PreVote);
                w.Bool(v.Transfer);
                w.VarLong(v.LastLogIndex);
                w.VarLong(v.LastLogTerm);
                break;
            case RequestVoteReply v:
                w.Bool(v.PreVote);
                w.Bool(v.Granted);
                break;
            case AppendEntries a:
                w.VarLong(a.PrevLogIndex);
                w.VarLong(a.PrevLogTerm);
                w.VarLong(a.LeaderCommit);
                w.VarLong(a.SentAtMs);
                w.VarLong(a.Entries.Count);
                for (var i = 0; i < a.Entries.Count; i++)
                {
                    var e = a.Entries[i];
                    if (e.Index != a.PrevLogIndex + 1 + i)
                        throw new ArgumentException("AppendEntries entries must be consecutive after PrevLogIndex.");
                    w.VarLong(e.Term);
                    w.Byte((byte)e.Kind);
                    w.Bytes(e.Data);
                }
                break;
            case AppendEntriesReply r:
                w.Bool(r.Success);
                w.VarLong(r.Index);
                w.VarLong(r.ConflictTerm);
                w.VarLong(r.ConflictIndex);
                w.VarLong(r.SentAtMs);
                break;
            case InstallSnapshot s:
                w.VarLong(s.LastIncludedIndex);
                w.VarLong(s.LastIncludedTerm);
                w.VarLong(s.SentAtMs);
                s.Configuration.Write(w);
                w.Bytes(s.Data);
                break;
            case InstallSnapshotReply s:
                w.VarLong(s.MatchIndex);
                w.VarLong(s.SentAtMs);
                break;
            case TimeoutNow:
                break;
            default:
                throw new ArgumentException($"Unknown message class {m.GetType().Name}.");
        }
        return w.ToArray();
    }

    public static RaftMessage Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new RaftWireReader(data);
        var type = (RaftMessageType)r.Byte();
        var version = r.Byte();
        if (version != Version) throw new RaftFormatException($"Unsupported Raft message version {version}.");
        var from = r.String();
        var to = r.String();
        var term = r.VarLong();
        RaftMessage m;
        switch (type)
        {
            case RaftMessageType.RequestVote:
                m = new RequestVote
                {
                    From = from, To = to, Term = term,
                    PreVote = r.Bool(), Transfer = r.Bool(), LastLogIndex = r.VarLong(), LastLogTerm = r.VarLong(),
                };
                break;
            case RaftMessageType.RequestVoteReply:
                m = new RequestVoteReply { From = from, To = to, Term = term, PreVote = r.Bool(), Granted = r.Bool() };
                break;
            case RaftMessageType.AppendEntries:
            {
                var prev = r.VarLong();
                var prevTerm = r.VarLong();
                var commit = r.VarLong();
                var sent = r.VarLong();
                var n = r.Count(2);
                if (n > 0 && prev > long.MaxValue - n) throw new RaftFormatException("Entry indexes overflow.");
                var entries = new LogEntry[n];
                for (var i = 0; i < n; i++)
                {
                    var eterm = r.VarLong();
                    var kind = (RaftEntryKind)r.Byte();
                    if (kind is not (RaftEntryKind.Command or RaftEntryKind.Configuration or RaftEntryKind.Noop))
                        throw new RaftFormatException($"Unknown entry kind {(byte)kind}.");
                    entries[i] = new LogEntry(prev + 1 + i, eterm, kind, r.Bytes());
                }
                m = new AppendEntries
                {
                    From = from, To = to, Term = term,
                    PrevLogIndex = prev, PrevLogTerm = prevTerm, LeaderCommit = commit, SentAtMs = sent, Entries = entries,
                };
                break;
            }
            case RaftMessageType.AppendEntriesReply:
                m = new AppendEntriesReply
                {
                    From = from, To = to, Term = term,
                    Success = r.Bool(), Index = r.VarLong(), ConflictTerm = r.VarLong(), ConflictIndex = r.VarLong(), SentAtMs = r.VarLong(),
                };
                break;
            case RaftMessageType.InstallSnapshot:
            {
                var idx = r.VarLong();
                var t = r.VarLong();
                var sent = r.VarLong();
                var config = RaftConfiguration.Read(ref r);
                m = new InstallSnapshot
                {
                    From = from, To = to, Term = term,
                    LastIncludedIndex = idx, LastIncludedTerm = t, SentAtMs = sent, Configuration = config, Data = r.Bytes(),
                };
                break;
            }
            case RaftMessageType.InstallSnapshotReply:
                m = new InstallSnapshotReply { From = from, To = to, Term = term, MatchIndex = r.VarLong(), SentAtMs = r.VarLong() };
                break;
            case RaftMessageType.TimeoutNow:
                m = new TimeoutNow { From = from, To = to, Term = term };
                break;
            default:
                throw new RaftFormatException($"Unknown Raft message type {(byte)type}.");
        }
        r.End();
        return m;
    }
}
