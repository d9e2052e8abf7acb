using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Velvet.Replicas.Tests.Support;

/// <summary>One real <c>dotnet velvet.dll serve</c> process on 127.0.0.1, its output kept for failure messages.</summary>
public sealed class VelvetProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    public string Name { get; }
    public string BaseUrl { get; }
    public int Pid => _process.Id;
    public bool Killed { get; private set; }

    private VelvetProcess(string name, Process process, string baseUrl)
    {
        Name = name;
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The CLI's build output beside this test assembly's (same configuration): the project reference builds it first.</summary>
    public static string CliDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;                      // net10.0
        var configuration = here.Parent!.Name;    // Debug / Release
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Velvet.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var dll = Path.Combine(root!.FullName, "src", "Velvet.Cli", "bin", configuration, tfm, "velvet.dll");
        Assert.True(File.Exists(dll), $"the velvet CLI is not built at {dll}: build tests/Velvet.Replicas.Tests (it references src/Velvet.Cli)");
        return dll;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static VelvetProcess Start(string name, IReadOnlyDictionary<string, string> env)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in new[] { CliDll(), "serve", "--urls", url }) psi.ArgumentList.Add(a);
        foreach (var key in new[] { "PORT", "VELVET_ROTATION_ENABLED", "VELVET_V2_ROTATION", "ASPNETCORE_URLS" }) psi.Environment.Remove(key);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var p = new VelvetProcess(name, process, url);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) p._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) p._output.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    /// <summary>Waits until GET /readyz answers 200 (the server listens and its store is reachable).</summary>
    public async Task WaitHealthyAsync(TimeSpan within, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < within)
        {
            if (_process.HasExited) Assert.Fail($"{Name} exited with {_process.ExitCode} at start:\n{Output(40)}");
            try
            {
                using var r = await http.GetAsync(BaseUrl + "/readyz", ct);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        Assert.Fail($"{Name} did not become healthy within {within}:\n{Output(40)}");
    }

    public void Kill()
    {
        Killed = true;
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
    }

    public string Output(int lastLines) => string.Join("\n", _output.TakeLast(lastLines));

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
