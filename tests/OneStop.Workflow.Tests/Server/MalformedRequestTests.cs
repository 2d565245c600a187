using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OneStop.Workflow.Tests.Server;

/// <summary>Malformed, oversized and wrongly shaped bodies get a 4xx problem that names what is wrong, never a 500.</summary>
[Collection(ServerCollection.Name)]
public sealed class MalformedRequestTests(ServerFixture server)
{
    [Fact]
    public async Task Verify_MultipartWithoutBoundary_OrCutOff_IsA400OnTheBundleField()
    {
        var client = await server.ClientAsync(null);

        var noBoundary = await (await client.PostAsync("/api/bundles/verify", Multipart("abc", "multipart/form-data"))).ProblemAsync(HttpStatusCode.BadRequest);
        var cutOff = await (await client.PostAsync("/api/bundles/verify",
            Multipart("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.zip\"\r\n\r\nabc", "multipart/form-data; boundary=b")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(noBoundary["errors"]!["bundle"]);
        Assert.NotNull(cutOff["errors"]!["bundle"]);
    }

    [Fact]
    public async Task Upload_MultipartWithoutBoundary_OrCutOff_IsA400OnTheFileField_NotA413()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var path = $"/api/applications/{filed["id"]}/attachments";

        var noBoundary = await (await citizen.PostAsync(path, Multipart("abc", "multipart/form-data"))).ProblemAsync(HttpStatusCode.BadRequest);
        var cutOff = await (await citizen.PostAsync(path,
            Multipart("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-", "multipart/form-data; boundary=b")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(noBoundary["errors"]!["file"]);
        Assert.NotNull(cutOff["errors"]!["file"]);
    }

    [Fact]
    public async Task JsonBody_OverTheLimit_IsA413_BeforeItIsRead()
    {
        var citizen = await server.ClientAsync("citizen1");
        var body = "{\"scenario\":\"newborn-registration\",\"data\":{\"applicantName\":\"" + new string('x', 300 * 1024) + "\"}}";

        var problem = await (await citizen.PostAsync("/api/applications", new StringContent(body, Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("262,144", (string?)problem["detail"]);
    }

    [Fact]
    public async Task DecisionComment_AndSupplementMessage_OverTwoThousandCharacters_AreRefusedOnTheirField()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!["id"];
        var staff = await server.ClientAsync("staff.health-commission");
        var text = new string('x', 2001);

        var comment = await (await staff.PostJsonAsync($"/api/tasks/{task}/complete", new { decision = "rejected", comment = text }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var message = await (await staff.PostJsonAsync($"/api/tasks/{task}/request-supplement", new { fields = new[] { "birthWeightGrams" }, message = text }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(comment["errors"]!["comment"]);
        Assert.NotNull(message["errors"]!["message"]);
    }

    [Fact]
    public async Task DecisionData_WithAnotherDepartmentsField_OrOfTheWrongShape_IsRefused_ACertificateNumberIsNot()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!["id"];
        var staff = await server.ClientAsync("staff.health-commission");

        var problem = await (await staff.PostJsonAsync($"/api/tasks/{task}/complete",
                new { decision = "approved", data = new Dictionary<string, object> { ["bankAccount"] = "x", ["nested"] = new { a = 1 }, ["bad key"] = 1 } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var message = (string?)problem["errors"]!["data"]![0];
        Assert.Contains("'bankAccount' is another department's field", message);
        Assert.Contains("'nested' must be a single value", message);
        Assert.Contains("'bad key' is not a name", message);

        var decided = await (await staff.PostJsonAsync($"/api/tasks/{task}/complete",
            new { decision = "approved", data = new { certificateNumber = "DEMO-BMC-0001", childName = "Example Child" } })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)decided["status"]);
    }

    [Fact]
    public async Task JsonOfTheWrongType_IsNamedByItsField_AndAnEmptyBodyGetsAClearMessage()
    {
        var citizen = await server.ClientAsync("citizen1");

        var wrongType = await (await citizen.PostAsync("/api/applications", new StringContent("""{"scenario":5,"data":{}}""", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var empty = await (await citizen.PostAsync("/api/applications", new StringContent("", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var jsonNull = await (await citizen.PostAsync("/api/applications", new StringContent("null", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(wrongType["errors"]!["scenario"]);
        Assert.Equal("The request has no body", (string?)empty["title"]);
        Assert.Equal("The request has no body", (string?)jsonNull["title"]);
    }

    [Fact]
    public async Task Verify_BeyondTheConcurrentVerificationsAndTheirQueue_IsA429Problem()
    {
        // The test server's own client: the factory's client buffers request bodies, which would never end here.
        var client = server.Server.CreateClient();
        var release = new TaskCompletionSource();
        // Thirteen verifications whose bodies do not end yet: four read, eight wait in the queue, and the one left over
        // is refused at once — so the first answer to come back is that refusal.
        var requests = Enumerable.Range(0, 13).Select(_ => client.PostAsync("/api/bundles/verify", new StreamContent(new HeldStream(release.Task)))).ToList();
        var first = await (await Task.WhenAny(requests).WaitAsync(TimeSpan.FromSeconds(30)));
        release.SetResult();
        await Task.WhenAll(requests);

        var problem = await first.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", (string?)problem["title"]);
    }

    /// <summary>A request body that ends, empty, only when <paramref name="release"/> completes.</summary>
    private sealed class HeldStream(Task release) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await release.WaitAsync(cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static StringContent Multipart(string body, string contentType)
    {
        var content = new StringContent(body, Encoding.ASCII);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
