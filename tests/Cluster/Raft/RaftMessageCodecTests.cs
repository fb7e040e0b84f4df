using QuorumCache.Cluster.Raft;

namespace QuorumCache.Tests.Cluster.Raft;

public sealed class RaftMessageCodecTests
{
    private static RaftMessage[] Samples() =>
    [
        new RequestVote { From = "a", To = "b", Term = 7, PreVote = true, Transfer = false, LastLogIndex = 123456789, LastLogTerm = 6 },
        new RequestVote { From = new string('f', 40), To = new string('0', 40), Term = long.MaxValue, Transfer = true, LastLogIndex = 0, LastLogTerm = 0 },
        new RequestVoteReply { From = "b", To = "a", Term = 7, PreVote = true, Granted = true },
        new AppendEntries
        {
            From = "a", To = "b", Term = 9, PrevLogIndex = 41, PrevLogTerm = 8, LeaderCommit = 40, SentAtMs = 1_700_000_000_000,
            Entries =
            [
                new LogEntry(42, 9, RaftEntryKind.Noop, []),
                new LogEntry(43, 9, RaftEntryKind.Command, [1, 2, 3, 255]),
                new LogEntry(44, 9, RaftEntryKind.Configuration, new RaftConfiguration(["a", "b"], ["c"]).Encode()),
            ],
        },
        new AppendEntries { From = "a", To = "b", Term = 1, SentAtMs = 5 },
        new AppendEntriesReply { From = "b", To = "a", Term = 9, Success = false, Index = 41, ConflictTerm = 4, ConflictIndex = 30, SentAtMs = 77 },
        new InstallSnapshot
        {
            From = "a", To = "c", Term = 9, LastIncludedIndex = 1000, LastIncludedTerm = 8, SentAtMs = 3,
            Configuration = new RaftConfiguration(["a", "b", "c"], ["d"]), Data = new byte[3000],
        },
        new InstallSnapshotReply { From = "c", To = "a", Term = 9, MatchIndex = 1000, SentAtMs = 3 },
        new TimeoutNow { From = "a", To = "b", Term = 2 },
    ];

    [Fact]
    public void RoundTripsEveryMessageType()
    {
        foreach (var m in Samples())
        {
            var bytes = m.Serialize();
            var back = RaftMessage.Deserialize(bytes);
            Assert.Equal(m.GetType(), back.GetType());
            Assert.Equal(bytes, back.Serialize());
            Assert.Equal((m.From, m.To, m.Term), (back.From, back.To, back.Term));
        }
        var ae = (AppendEntries)RaftMessage.Deserialize(Samples()[3].Serialize());
        Assert.Equal([42L, 43, 44], ae.Entries.Select(e => e.Index));
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, ae.Entries[1].Data);
        Assert.Equal(new RaftConfiguration(["a", "b"], ["c"]), RaftConfiguration.Decode(ae.Entries[2].Data));
        var snap = (InstallSnapshot)RaftMessage.Deserialize(Samples()[6].Serialize());
        Assert.Equal(3000, snap.Data.Length);
        Assert.True(snap.Configuration.IsLearner("d"));
    }

    [Fact]
    public void TypeBytesAreStable()
    {
        Assert.Equal(1, Samples()[0].Serialize()[0]);
        Assert.Equal((byte)RaftMessageType.AppendEntries, Samples()[3].Serialize()[0]);
        Assert.Equal(3, (int)RaftMessageType.AppendEntries);
        Assert.Equal(7, (int)RaftMessageType.TimeoutNow);
    }

    [Fact]
    public void MalformedBytesOnlyEverThrowRaftFormatException()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        var samples = Samples().Select(m => m.Serialize()).ToArray();
        var parsed = 0;
        for (var i = 0; i < 30_000; i++)
        {
            byte[] bytes;
            switch (i % 4)
            {
                case 0:
                    bytes = new byte[rng.Next(0, 64)];
                    rng.NextBytes(bytes);
                    if (bytes.Length > 1) { bytes[0] = (byte)rng.Next(0, 9); bytes[1] = 1; }
                    break;
                case 1: // truncation of a valid message
                {
                    var s = samples[rng.Next(samples.Length)];
                    bytes = s[..rng.Next(0, s.Length)];
                    break;
                }
                case 2: // a few flipped bytes in a valid message
                {
                    bytes = (byte[])samples[rng.Next(samples.Length)].Clone();
                    for (var k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    break;
                }
                default: // trailing garbage
                {
                    var s = samples[rng.Next(samples.Length)];
                    bytes = [.. s, (byte)rng.Next(256)];
                    break;
                }
            }
            try
            {
                var m = RaftMessage.Deserialize(bytes);
                parsed++;
                // Anything accepted must re-encode without throwing.
                m.Serialize();
            }
            catch (RaftFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, case {i}: {e.GetType().Name}: {e.Message} on [{Convert.ToHexString(bytes)}]");
            }
        }
        Assert.True(parsed > 0, $"seed {seed}: the mutations never produced a valid message; the fuzz is too weak");
    }

    [Fact]
    public void ExplainsWhatIsWrong()
    {
        var e = Assert.Throws<RaftFormatException>(() => RaftMessage.Deserialize([]));
        Assert.Contains("end of data", e.Message);
        e = Assert.Throws<RaftFormatException>(() => RaftMessage.Deserialize([200, 1, 0, 0, 0]));
        Assert.Contains("Unknown Raft message type", e.Message);
        var ok = Samples()[0].Serialize();
        e = Assert.Throws<RaftFormatException>(() => RaftMessage.Deserialize([.. ok, 0]));
        Assert.Contains("trailing", e.Message);
    }
}
