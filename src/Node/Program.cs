using QuorumCache.Node.Config;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;

namespace QuorumCache.Node;

public static class Program
{
    public static int Main(string[] args)
    {
        NodeOptions options;
        try
        {
            options = NodeOptionsLoader.Load(args);
        }
        catch (HelpRequestedException help)
        {
            Console.WriteLine(help.Message);
            return 0;
        }
        catch (Exception ex) when (ex is Config.ConfigException or ArgumentException or FormatException or InvalidDataException)
        {
            Console.Error.WriteLine($"quorumcache: {ex.Message}");
            return 2;
        }
        // Must be set before the first socket is created: System.Net.Sockets reads it once.
        if (options.InlineSocketCompletions)
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        try
        {
            using var app = BuildApp(options);
            app.Run();
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address"))
        {
            Console.Error.WriteLine($"quorumcache: cannot listen on {options.Bind}:{options.Port}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Free I/O blocks kept for reuse, in bytes; blocks freed beyond it go back to the GC.</summary>
    private const int MaxFreeIoBytes = 32 * 1024 * 1024;

    public static WebApplication BuildApp(NodeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => NodeBootstrap.CreateServer(options, sp));
        builder.Services.AddHostedService<NodeLifetimeService>();
        // A leaving member drains its slots before it exits.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(
            new LargeBlockMemoryPoolFactory(options.IoBlockSize, MaxFreeIoBytes / options.IoBlockSize));
        builder.WebHost.UseSockets(o =>
        {
            // Replies are computed synchronously on the socket's thread; skip the hop to the pool.
            o.UnsafePreferInlineScheduling = true;
            // A bulk argument must fit whole in the buffer (up to proto-max-bulk-len).
            o.MaxReadBufferSize = null;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            foreach (var address in options.Bind.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                k.Listen(IPAddress.Parse(address), options.Port, l => l.UseConnectionHandler<RespConnectionHandler>());
        });
        return builder.Build();
    }
}
