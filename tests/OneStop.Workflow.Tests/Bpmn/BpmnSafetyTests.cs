using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Tests.Bpmn;

/// <summary>Uploaded models are untrusted: nothing in a file may make the reader expand entities or read other files.</summary>
public class BpmnSafetyTests
{
    [Fact]
    public void ExternalEntity_IsRefusedWithoutReadingTheReferencedFile()
    {
        var secretFile = Path.Combine(Path.GetTempPath(), $"onestop-xxe-{Guid.NewGuid():N}.txt");
        const string secret = "the-secret-content-of-a-server-file";
        File.WriteAllText(secretFile, secret);
        try
        {
            var xml = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "{new Uri(secretFile).AbsoluteUri}"> ]>
                <bpmn:definitions {BpmnText.Namespaces}>
                  <bpmn:process id="p" name="&xxe;" isExecutable="true" />
                </bpmn:definitions>
                """;

            var (document, problems) = BpmnModel.Check(xml, "upload.bpmn");

            Assert.Null(document);
            var problem = Assert.Single(problems);
            Assert.Equal(("document", "upload.bpmn", 2), (problem.ElementType, problem.ElementId, problem.Line));
            Assert.StartsWith("DTDs are not allowed in BPMN files", problem.Message);
            Assert.DoesNotContain(secret, problem.Message);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public void BillionLaughs_IsRefusedWithoutExpandingAnything()
    {
        var entities = string.Join(Environment.NewLine, Enumerable.Range(1, 9).Select(i =>
            $"""<!ENTITY lol{i} "{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}">"""));
        var xml = $"""
            <?xml version="1.0"?>
            <!-- a comment before the DOCTYPE does not hide it -->
            <!DOCTYPE lolz [
              <!ENTITY lol0 "lol">
              {entities}
            ]>
            <bpmn:definitions {BpmnText.Namespaces}><bpmn:process id="p" name="&lol9;" /></bpmn:definitions>
            """;
        var watch = Stopwatch.StartNew();

        var problem = Assert.Single(BpmnModel.Check(xml).Problems);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Refusing took {watch.Elapsed}.");
        Assert.Equal(("document", "document", 3), (problem.ElementType, problem.ElementId, problem.Line));
        Assert.StartsWith("DTDs are not allowed in BPMN files", problem.Message);
    }

    [Fact]
    public void DoctypeLine_FindsTheDeclarationOnlyInTheProlog()
    {
        Assert.Equal(1, BpmnXml.DoctypeLine("\uFEFF<!DOCTYPE a><a/>"));
        Assert.Equal(3, BpmnXml.DoctypeLine("<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE a><a/>"));
        Assert.Null(BpmnXml.DoctypeLine("<a><![CDATA[<!DOCTYPE a>]]></a>"));
        Assert.Null(BpmnXml.DoctypeLine("<a/>"));
    }

    [Fact]
    public void ReaderSettings_RefuseADoctypeEvenWithoutThePrologScan()
    {
        var settings = BpmnXml.CreateReaderSettings();

        Assert.Equal(DtdProcessing.Prohibit, settings.DtdProcessing);
        Assert.Equal(0, settings.MaxCharactersFromEntities);
        Assert.Equal(BpmnModel.MaxDocumentCharacters, settings.MaxCharactersInDocument);
        using var reader = XmlReader.Create(new StringReader("<!DOCTYPE a [<!ENTITY e \"e\">]><a>&e;</a>"), settings);
        Assert.Throws<XmlException>(() => XDocument.Load(reader));
    }

    [Fact]
    public void OversizeInput_IsRefusedBeforeParsing()
    {
        var xml = BpmnText.Process("") + new string(' ', BpmnModel.MaxDocumentCharacters);

        var problem = Assert.Single(BpmnModel.Check(xml, "huge.bpmn").Problems);

        Assert.Equal(("document", "huge.bpmn"), (problem.ElementType, problem.ElementId));
        Assert.Contains("at most 5,000,000", problem.Message);
    }

    [Fact]
    public void DeeplyNestedSubProcesses_AreRefusedWithoutExhaustingTheStack()
    {
        const int depth = 20_000;
        var opening = string.Concat(Enumerable.Range(0, depth).Select(i => $"<bpmn:subProcess id=\"s{i}\">"));
        var closing = string.Concat(Enumerable.Repeat("</bpmn:subProcess>", depth));
        var xml = BpmnText.Process(BpmnText.Sequence() + opening + closing);

        var problems = BpmnModel.Check(xml).Problems;

        BpmnText.AssertProblem(problems, "subProcess", $"s{BpmnReader.MaxSubProcessDepth}", "nested more than 50 levels deep are not supported");
    }

    [Fact]
    public void MalformedXml_ReportsTheLineOfTheError()
    {
        var xml = """
            <?xml version="1.0"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
              <bpmn:process id="p">
                <bpmn:task id="t">
              </bpmn:process>
            </bpmn:definitions>
            """;

        var problem = Assert.Single(BpmnModel.Check(xml, "broken.bpmn").Problems);

        Assert.Equal(("document", "broken.bpmn", 5), (problem.ElementType, problem.ElementId, problem.Line));
        Assert.StartsWith("The file is not well-formed XML: ", problem.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    public void EmptyInput_IsOneProblem(string xml)
    {
        var problem = Assert.Single(BpmnModel.Check(xml).Problems);

        Assert.Equal(("document", "document"), (problem.ElementType, problem.ElementId));
        Assert.Contains("empty", problem.Message);
    }

    [Fact]
    public void RootOtherThanBpmnDefinitions_IsRefused()
    {
        var xml = """
            <?xml version="1.0"?>
            <definitions xmlns="http://schema.omg.org/spec/BPMN/2.0"><process id="p"/></definitions>
            """;

        var problem = Assert.Single(BpmnModel.Check(xml, "old.bpmn").Problems);

        Assert.Equal(("document", "old.bpmn", 2), (problem.ElementType, problem.ElementId, problem.Line));
        Assert.Contains("http://schema.omg.org/spec/BPMN/2.0", problem.Message);
        Assert.Contains(BpmnNamespaces.Bpmn, problem.Message);
    }

    [Fact]
    public void Load_ThrowsWithTheDocumentProblem()
    {
        var ex = Assert.Throws<BpmnValidationException>(() => BpmnModel.Load("<not-closed", "x.bpmn"));

        Assert.Equal("x.bpmn", ex.SourceName);
        Assert.Equal("document", Assert.Single(ex.Problems).ElementType);
    }
}
