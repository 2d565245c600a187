using System.Net;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class MeApiTests(ServerFixture server)
{
    [Fact]
    public async Task Me_ForACitizen_GivesTheNameAndRole_AndNoDepartment()
    {
        var me = await (await (await server.ClientAsync("citizen1")).GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("citizen1", (string?)me["userName"]);
        Assert.Equal(["citizen"], me["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Empty(me["departments"]!.AsArray());
    }

    [Fact]
    public async Task Me_ForStaff_GivesTheirDepartment()
    {
        var me = await (await (await server.ClientAsync("staff.health-commission")).GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("staff.health-commission", (string?)me["userName"]);
        Assert.Equal(["staff"], me["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(["health-commission"], me["departments"]!.AsArray().Select(d => (string)d!));
    }

    [Fact]
    public async Task Me_WithoutAToken_IsUnauthorized()
    {
        var response = await (await server.ClientAsync(null)).GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
