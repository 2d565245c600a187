using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class AttachmentsTests(ServerFixture server)
{
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task Material_IsStored_Listed_AndDownloadedUnchanged_ByTheOwnerAndTheDepartment()
    {
        var (citizen, id) = await FileAsync();

        var uploaded = await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload(Pdf, "birth-record.pdf", "health-commission")))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(("birth-record.pdf", "application/pdf", Pdf.Length), ((string?)uploaded["fileName"], (string?)uploaded["contentType"], (int)uploaded["size"]!));

        var health = await server.ClientAsync("staff.health-commission");
        var list = await (await health.GetAsync($"/api/applications/{id}/attachments")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(list.AsArray());
        var download = await health.GetAsync($"/api/applications/{id}/attachments/{uploaded["id"]}");
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        var police = await server.ClientAsync("staff.public-security");
        Assert.Equal(HttpStatusCode.NotFound, (await police.GetAsync($"/api/applications/{id}/attachments/{uploaded["id"]}")).StatusCode);
    }

    [Theory]
    [InlineData("../../etc/passwd.pdf")]
    [InlineData("..\\..\\boot.pdf")]
    [InlineData("/tmp/evil.pdf")]
    [InlineData("bad\u0001name.pdf")]
    public async Task PathTraversalFileNames_AreRefused_AndNothingIsStored(string name)
    {
        var (citizen, id) = await FileAsync();

        var problem = await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload(Pdf, name))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["file"]);
        Assert.Empty((await (await citizen.GetAsync($"/api/applications/{id}/attachments")).JsonAsync(HttpStatusCode.OK)).AsArray());
    }

    [Fact]
    public async Task WronglyTypedAndOversizedUploads_AreRefused_AndNothingIsStored()
    {
        var (citizen, id) = await FileAsync();

        var script = await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload("<script>alert(1)</script>"u8.ToArray(), "form.pdf")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var renamed = await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload(Pdf, "photo.png")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var big = new byte[ServerHost.AttachmentLimit + 1];
        Pdf.CopyTo(big, 0);
        await (await citizen.PostAsync($"/api/applications/{id}/attachments", Upload(big, "large.pdf"))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("PDF, JPEG and PNG", (string?)script["errors"]!["file"]![0]);
        Assert.Contains(".pdf", (string?)renamed["errors"]!["file"]![0]);
        Assert.Empty((await (await citizen.GetAsync($"/api/applications/{id}/attachments")).JsonAsync(HttpStatusCode.OK)).AsArray());
    }

    private async Task<(HttpClient Citizen, string Id)> FileAsync()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        return (citizen, (string)filed["id"]!);
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName, string? department = null)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (department is not null)
            form.Add(new StringContent(department), "department");
        return form;
    }
}
