extern alias Server;
using Serilog.Events;
using Serilog.Parsing;
using Server::OneStop.Workflow.Server.Logging;

namespace OneStop.Workflow.Tests.Server.Logging;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("ID 110105199003070017 given", "ID 110**************7 given")]
    [InlineData("id=11010519920815002X;", "id=110**************X;")]
    [InlineData("call 13800001234 now", "call 138****1234 now")]
    [InlineData("+86 13912345678", "+86 139****5678")]
    [InlineData("order 1234567", "order 1234567")]
    [InlineData("old id 110105900307001.", "old id 110***********1.")]
    [InlineData("id 110105 19900307 0017", "id 110**************7")]
    [InlineData("id 110105-19900307-001X", "id 110**************X")]
    [InlineData("call 138 0000 1234", "call 138****1234")]
    [InlineData("call 138-0000-1234", "call 138****1234")]
    [InlineData("+86 138 0000 1234", "+86 138****1234")]
    [InlineData("0086 13800001234", "0086 138****1234")]
    [InlineData("office 010-12345678", "office 010-****5678")]
    [InlineData("office 0571 87654321", "office 0571 ****4321")]
    [InlineData("correlation 3f2a1380000123412345678901234cde", "correlation 3f2a1380000123412345678901234cde")]
    [InlineData("at 2026-11-21T09:00:00+08:00 tick 638950000000000000", "at 2026-11-21T09:00:00+08:00 tick 638950000000000000")]
    public void Mask_HidesIdAndMobileNumbers_InAnyText(string text, string masked) => Assert.Equal(masked, PersonalData.Mask(text));

    [Fact]
    public void Enricher_MasksEveryStringProperty_NestedOnesIncluded()
    {
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("{Data} {List}"),
        [
            new LogEventProperty("Data", new StructureValue([new LogEventProperty("phone", new ScalarValue("13800001234"))])),
            new LogEventProperty("List", new SequenceValue([new ScalarValue("110105199003070017")])),
        ]);

        new PersonalDataMaskingEnricher().Enrich(logEvent, null!);

        var rendered = logEvent.RenderMessage();
        Assert.DoesNotContain("13800001234", rendered);
        Assert.DoesNotContain("110105199003070017", rendered);
        Assert.Contains("138****1234", rendered);
    }

    [Fact]
    public void MaskedException_RendersWithoutPersonalData()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Lookup of 110105199003070017 (phone 13800001234) failed",
                new IOException("registry said 11010519920815002X"));
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var rendered = new MaskedException(thrown).ToString();

        Assert.DoesNotContain("110105199003070017", rendered);
        Assert.DoesNotContain("13800001234", rendered);
        Assert.DoesNotContain("11010519920815002X", rendered);
        Assert.Contains("InvalidOperationException", rendered);
        Assert.Contains(nameof(MaskedException_RendersWithoutPersonalData), rendered); // the stack trace stays
    }
}
