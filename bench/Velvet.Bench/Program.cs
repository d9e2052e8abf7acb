using Velvet.Bench;

const string Usage = """
    usage: velvet-bench fanout      [--consumers 1000] [--concurrency 64] [--latency-ms 20] [--store sqlite|postgres] [--profile on]
           velvet-bench transitions [--store sqlite|postgres] [--clients 8] [--seconds 10]
           velvet-bench api         [--store postgres|sqlite] [--clients 200] [--seconds 10] [--subscribers 1000]
           velvet-bench grants      [--tables 10000] [--passes 5] [--state drifted|fresh]
    PostgreSQL: set VELVET_BENCH_PG_APP and VELVET_BENCH_PG_OWNER (Npgsql connection strings; bench/run.sh does it);
    grants also needs VELVET_BENCH_PG_ADMIN (a superuser on 127.0.0.1: it creates and drops a throwaway database).
           velvet-bench dbrotate    [--clients 50] [--rotations 3] [--revoke-gate-ms 1000] [--seconds 300]
    PostgreSQL: set VELVET_BENCH_PG_APP and VELVET_BENCH_PG_OWNER (Npgsql connection strings; bench/run.sh does it);
    dbrotate needs VELVET_BENCH_PG_ADMIN (a superuser on 127.0.0.1: it creates and drops a database and roles).
    """;

if (args.Length == 0) { Console.Error.WriteLine(Usage); return 2; }
try
{
    var rest = new Args(args.Skip(1));
    return args[0] switch
    {
        "fanout" => await FanoutBench.RunAsync(rest),
        "transitions" => await TransitionsBench.RunAsync(rest),
        "api" => await ApiBench.RunAsync(rest),
        "grants" => await GrantsBench.RunAsync(rest),
        "dbrotate" => await DbRotateBench.RunAsync(rest),
        _ => Fail($"unknown benchmark '{args[0]}'"),
    };
}
catch (ArgumentException ex)
{
    return Fail(ex.Message);
}

static int Fail(string message)
{
    Console.Error.WriteLine($"velvet-bench: {message}\n{Usage}");
    return 2;
}
