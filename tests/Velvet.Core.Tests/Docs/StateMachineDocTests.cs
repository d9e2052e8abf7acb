using System.Text;
using Velvet.Core.Jobs;
using Velvet.Core.Tests.Manifest;

namespace Velvet.Core.Tests.Docs;

/// <summary>docs/state-machine.md carries tables generated from the state machine; this keeps them in sync.</summary>
public class StateMachineDocTests
{
    private const string Begin = "<!-- generated:transitions -->";
    private const string End = "<!-- /generated:transitions -->";

    internal static string Generate()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Begin);
        sb.AppendLine();
        sb.AppendLine("| status | operator actions allowed (→ next status) | automatic steps (outcome → next status) |");
        sb.AppendLine("|---|---|---|");
        foreach (var s in JobStatusNames.All)
        {
            var actions = RotationStateMachine.ActionTable.Where(t => t.From == s).OrderBy(t => t.Action)
                .Select(t => t.To == s ? $"`{t.Action.Name()}` (row-level, stays)" : $"`{t.Action.Name()}` → `{t.To.Name()}`");
            var steps = RotationStateMachine.StepTable.Where(t => t.From == s).OrderBy(t => t.Outcome)
                .Select(t => $"{t.Outcome.ToString().ToLowerInvariant()} → `{t.To.Name()}`");
            var kind = s.IsTerminal() ? " (terminal)" : s.NeedsPerson() ? " (needs a person)" : s.IsAutomatic() ? " (automatic)" : " (gate)";
            sb.AppendLine($"| `{s.Name()}`{kind} | {Join(actions)} | {Join(steps)} |");
        }
        sb.AppendLine();
        sb.AppendLine(End);
        return sb.ToString().ReplaceLineEndings("\n");
    }

    private static string Join(IEnumerable<string> xs)
    {
        var list = xs.ToList();
        return list.Count == 0 ? "—" : string.Join("<br>", list);
    }

    [Fact]
    public void State_machine_doc_lists_exactly_the_implemented_transitions()
    {
        var path = RepoFiles.Path("docs", "state-machine.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var stop = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"{path} lacks the {Begin} … {End} markers");
        var current = text[start..(stop + End.Length)] + "\n";
        var expected = Generate();
        if (Environment.GetEnvironmentVariable("VELVET_UPDATE_DOCS") == "1" && current != expected)
        {
            File.WriteAllText(path, text[..start] + expected + text[(stop + End.Length + 1)..]);
            return;
        }
        Assert.Equal(expected, current);
    }
}
