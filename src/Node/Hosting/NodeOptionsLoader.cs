namespace QuorumCache.Node.Hosting;

/// <summary>
/// Reads the node's options from the command line. (Interim: the HOCON configuration file and
/// environment layers are wired in by the configuration work.)
/// </summary>
public static class NodeOptionsLoader
{
    public static NodeOptions Load(string[] args)
    {
        var o = new NodeOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");
            switch (args[i])
            {
                case "--port": o.Port = ParsePort(Next()); break;
                case "--bind": o.Bind = Next(); break;
                case "--data-dir": o.DataDir = Next(); break;
                case "--join": o.Join = Next(); break;
                case "--bus-port": o.BusPort = ParsePort(Next()); break;
                case "--requirepass": o.RequirePass = Next(); break;
                case "--enable-fault-injection": o.EnableFaultInjection = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }

    private static int ParsePort(string s) =>
        int.TryParse(s, out var p) && p is > 0 and < 65536 ? p : throw new ArgumentException($"invalid port '{s}'");
}
