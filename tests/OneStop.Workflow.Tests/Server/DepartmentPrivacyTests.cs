using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

/// <summary>A department's materials, supplementation messages and comments are its own business: other departments'
/// staff do not see them, neither in the history nor in the application view.</summary>
[Collection(ServerCollection.Name)]
public sealed class DepartmentPrivacyTests(ServerFixture server)
{
    private static readonly byte[] Pdf = "%PDF-1.7\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task Staff_DoNotSeeAnotherDepartmentsMaterials_OrSupplementMessages_InHistoryOrView()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var id = (string)filed["id"]!;
        var health = await server.ClientAsync("staff.health-commission");
        var first = filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!["id"];
        await (await health.PostJsonAsync($"/api/tasks/{first}/complete", new { decision = "approved" })).JsonAsync(HttpStatusCode.OK);
        var application = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
        var otherTask = application["tasks"]!.AsArray().First(t => (string?)t!["department"] != "health-commission")!;
        var other = (string)otherTask["department"]!;

        await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload("mother-psychiatric-report.pdf", other))).JsonAsync(HttpStatusCode.Created);
        await (await (await server.ClientAsync($"staff.{other}")).PostJsonAsync($"/api/tasks/{otherTask["id"]}/request-supplement",
            new { fields = new[] { "childName" }, message = "Record mismatch with the hospital" })).JsonAsync(HttpStatusCode.OK);

        var history = await (await health.GetAsync($"/api/applications/{id}/history")).Content.ReadAsStringAsync();
        var view = await (await health.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
        var supervisorHistory = await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{id}/history")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("mother-psychiatric-report", history);
        Assert.DoesNotContain("Record mismatch", history);
        Assert.DoesNotContain("Record mismatch", view.ToJsonString());
        Assert.Equal("supplement-requested", (string?)view["tasks"]!.AsArray().Single(t => (string?)t!["id"] == (string?)otherTask["id"])!["status"]);
        Assert.Contains("mother-psychiatric-report", supervisorHistory);
        Assert.Contains("Record mismatch", supervisorHistory);
    }

    [Fact]
    public async Task Material_ForADepartmentWhoseTaskComesLater_IsAccepted_AndAStrangerDepartmentIsNot()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        Assert.DoesNotContain(filed["tasks"]!.AsArray(), t => (string?)t!["department"] == "public-security");

        await (await citizen.PostAsync($"/api/applications/{filed["id"]}/attachments", Upload("hukou-booklet.pdf", "public-security")))
            .JsonAsync(HttpStatusCode.Created);
        var stranger = await (await citizen.PostAsync($"/api/applications/{filed["id"]}/attachments", Upload("x.pdf", "no-such-department")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("no-such-department", (string?)stranger["errors"]!["department"]![0]);
    }

    private static MultipartFormDataContent Upload(string fileName, string department)
    {
        var file = new ByteArrayContent(Pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { file, "file", fileName }, { new StringContent(department), "department" } };
    }
}
