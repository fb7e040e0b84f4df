using System.Net;
using System.Net.Sockets;

namespace QuorumCache.MultiNode.Harness;

/// <summary>
/// Hands out loopback client ports whose bus port (client + 10000) and data port (client + 20000) are
/// free too. All three stay below the usual ephemeral range (32768+) so outgoing connections do not take them meanwhile. A port is
/// never handed out twice in one test run (a restarted node keeps its own).
/// </summary>
public static class PortAllocator
{
    private const int First = 10000;
    private const int Last = 12700;
    private const int BusOffset = 10000;
    private const int DataOffset = 20000;
    private static readonly HashSet<int> Given = new();
    private static int _next = First + Random.Shared.Next(Last - First);

    public static int Next()
    {
        lock (Given)
        {
            for (int tries = 0; tries < Last - First; tries++)
            {
                int port = _next;
                _next = _next >= Last ? First : _next + 1;
                if (Given.Contains(port) || !IsFree(port) || !IsFree(port + BusOffset) || !IsFree(port + DataOffset)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port pair in {First}..{Last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
