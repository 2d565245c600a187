using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Tests.Bpmn;

/// <summary>Small BPMN files for tests, and assertions on the problems they produce.</summary>
internal static class BpmnText
{
    public const string Namespaces =
        """xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:onestop="https://onestop-workflow.org/schema/bpmn/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" """;

    /// <summary>A file with one executable process <c>p</c> whose contents are <paramref name="body"/>.</summary>
    public static string Process(string body, string processAttributes = "", string definitionsBody = "") =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions {Namespaces} id="defs" targetNamespace="https://example.org/test">
          {definitionsBody}
          <bpmn:process id="p" isExecutable="true" {processAttributes}>
            {body}
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>start → <paramref name="nodes"/> (in order, each with one flow to the next) → end.</summary>
    public static string Sequence(params string[] nodes)
    {
        var ids = new List<string> { "start" };
        var body = new List<string> { """<bpmn:startEvent id="start"/>""" };
        foreach (var node in nodes)
        {
            body.Add(node);
            ids.Add(IdOf(node));
        }
        body.Add("""<bpmn:endEvent id="end"/>""");
        ids.Add("end");
        for (var i = 0; i < ids.Count - 1; i++)
            body.Add($"""<bpmn:sequenceFlow id="f{i + 1}" sourceRef="{ids[i]}" targetRef="{ids[i + 1]}"/>""");
        return string.Join(Environment.NewLine, body);
    }

    public static IReadOnlyList<ValidationProblem> Problems(string xml) => BpmnModel.Check(xml, "test.bpmn").Problems;

    public static ValidationProblem SingleProblem(string xml)
    {
        var problems = Problems(xml);
        Assert.True(problems.Count == 1, $"Expected one problem, got {problems.Count}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        return problems[0];
    }

    /// <summary>Asserts that exactly one problem names that element and contains that text, and returns it.</summary>
    public static ValidationProblem AssertProblem(IReadOnlyList<ValidationProblem> problems, string elementType, string elementId, string messagePart)
    {
        var matching = problems
            .Where(p => p.ElementType == elementType && p.ElementId == elementId && p.Message.Contains(messagePart, StringComparison.Ordinal))
            .ToList();
        Assert.True(matching.Count == 1,
            $"Expected one problem on {elementType} '{elementId}' containing \"{messagePart}\"; the problems were:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        return matching[0];
    }

    public static BpmnDocument Valid(string xml)
    {
        var (document, problems) = BpmnModel.Check(xml, "test.bpmn");
        Assert.True(problems.Count == 0, "Expected no problems, got:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        return document!;
    }

    private static string IdOf(string element)
    {
        var start = element.IndexOf("id=\"", StringComparison.Ordinal) + 4;
        return element[start..element.IndexOf('"', start)];
    }
}
