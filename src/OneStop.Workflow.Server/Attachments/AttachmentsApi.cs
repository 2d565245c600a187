using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Applications;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Attachments;

public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Size, string Sha256, string? Department,
    string UploadedBy, DateTimeOffset UploadedAt);

/// <summary>
/// Materials a citizen uploads with an application: PDF, JPEG or PNG only — recognised by their first bytes, not by
/// the name or the declared type — up to a size limit, under a plain file name (no path, no "..", no control
/// characters). Stored as blobs in the database, so every server node serves them.
/// </summary>
public static class AttachmentsApi
{
    /// <summary>The largest material accepted; "Attachments:MaxBytes" overrides it.</summary>
    public const long DefaultMaxBytes = 10L * 1024 * 1024;

    private static readonly (string ContentType, string[] Extensions, byte[] Magic)[] Allowed =
    [
        ("application/pdf", [".pdf"], "%PDF-"u8.ToArray()),
        ("image/jpeg", [".jpg", ".jpeg"], [0xFF, 0xD8, 0xFF]),
        ("image/png", [".png"], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    ];

    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder app)
    {
        var attachments = app.MapGroup("/api/applications/{id:guid}/attachments").WithTags("Applications");
        attachments.MapPost("/", UploadAsync).RequireAuthorization(Policies.Citizen).DisableAntiforgery();
        attachments.MapGet("/", ListAsync).RequireAuthorization(Policies.Authenticated);
        attachments.MapGet("/{attachmentId:guid}", DownloadAsync).RequireAuthorization(Policies.Authenticated);
        return app;
    }

    private static async Task<Created<AttachmentView>> UploadAsync(Guid id, HttpContext context, ClaimsPrincipal user, ApplicationReader reader,
        IDbContextFactory<WorkflowDbContext> contexts, AuditTrail audit, ScenarioCatalog catalog, IConfiguration configuration, TimeProvider clock,
        CancellationToken ct)
    {
        var (instance, _) = await reader.LoadVisibleAsync(id, user, ct);
        if (!ApplicationReader.IsOwner(user, instance))
            throw ApiProblemException.NotFound($"No application has id {id}.");
        if (instance.Status != InstanceStatus.Running)
            throw ApiProblemException.Conflict("The application is closed; materials can no longer be added.");

        var maxBytes = configuration.GetValue("Attachments:MaxBytes", DefaultMaxBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes + 64 * 1024;
        if (context.Request.ContentLength > maxBytes + 64 * 1024)
            throw TooLarge(maxBytes);
        if (!context.Request.HasFormContentType)
            throw RequestValidationException.For("file", "Upload the material as multipart/form-data with one part named \"file\".");
        var form = await MultipartForms.ReadAsync(context, maxBytes + 64 * 1024, "file", () => TooLarge(maxBytes), ct);
        if (form.Files.Count != 1 || form.Files[0].Name != "file")
            throw RequestValidationException.For("file", "Send exactly one file, in the part named \"file\".");
        var file = form.Files[0];
        if (file.Length > maxBytes)
            throw TooLarge(maxBytes);
        if (file.Length == 0)
            throw RequestValidationException.For("file", "The file is empty.");
        var name = SafeFileName(file.FileName);
        var department = form["department"].ToString() is { Length: > 0 } given ? given : null;
        // The scenario's departments, not the current tasks: material for a department whose task comes later is normal.
        var departments = (await catalog.GetAsync(instance.DefinitionId, ct)).Form?.Departments ?? [];
        if (department is not null && !departments.Contains(department, StringComparer.Ordinal))
            throw RequestValidationException.For("department",
                $"Department '{department}' takes no part in this scenario; one of: {string.Join(", ", departments)}.");

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(content, ct);
        var type = Allowed.FirstOrDefault(a => content.AsSpan().StartsWith(a.Magic));
        if (type.ContentType is null)
            throw RequestValidationException.For("file", "Only PDF, JPEG and PNG files are accepted; this file's content is none of them.");
        if (!type.Extensions.Contains(Path.GetExtension(name).ToLowerInvariant()))
            throw RequestValidationException.For("file", $"The file's content is {type.ContentType}; its name must end with {string.Join(" or ", type.Extensions)}.");

        var row = new AttachmentRow
        {
            Id = Guid.CreateVersion7(),
            InstanceId = id,
            Department = department,
            FileName = name,
            ContentType = type.ContentType,
            Size = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Content = content,
            UploadedBy = user.Name(),
            UploadedAt = clock.GetUtcNow(),
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Attachments.Add(row);
        audit.Record(db, id, null, user.Name(), AuditActions.AttachmentUploaded,
            new JsonObject { ["attachmentId"] = row.Id.ToString(), ["fileName"] = name, ["sha256"] = row.Sha256, ["department"] = department });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/applications/{id}/attachments/{row.Id}", View(row));
    }

    private static async Task<Ok<List<AttachmentView>>> ListAsync(Guid id, ClaimsPrincipal user, ApplicationReader reader,
        IDbContextFactory<WorkflowDbContext> contexts, CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Attachments.AsNoTracking().Where(a => a.InstanceId == id)
            .Select(a => new AttachmentRow
            {
                Id = a.Id,
                InstanceId = a.InstanceId,
                Department = a.Department,
                FileName = a.FileName,
                ContentType = a.ContentType,
                Size = a.Size,
                Sha256 = a.Sha256,
                Content = Array.Empty<byte>(),
                UploadedBy = a.UploadedBy,
                UploadedAt = a.UploadedAt,
            })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Where(r => MaySee(user, instance, tasks, r)).OrderBy(r => r.UploadedAt).Select(View).ToList());
    }

    private static async Task<FileContentHttpResult> DownloadAsync(Guid id, Guid attachmentId, HttpContext context, ClaimsPrincipal user,
        ApplicationReader reader, IDbContextFactory<WorkflowDbContext> contexts, CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.InstanceId == id, ct);
        if (row is null || !MaySee(user, instance, tasks, row))
            throw ApiProblemException.NotFound($"Application {id} has no material {attachmentId}.");
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(row.Content, row.ContentType, row.FileName);
    }

    /// <summary>Staff see the materials for their departments and those for every department.</summary>
    private static bool MaySee(ClaimsPrincipal user, ProcessInstance instance, IReadOnlyList<TaskRecord> tasks, AttachmentRow row) =>
        user.IsSupervisorOrAdmin() || ApplicationReader.IsOwner(user, instance) || row.Department is null
        || ApplicationReader.InvolvedDepartments(user, tasks).Contains(row.Department);

    /// <summary>The name as given when it is a plain file name; a path, "..", control or reserved characters are refused
    /// rather than repaired, so the citizen knows what was stored.</summary>
    internal static string SafeFileName(string? given)
    {
        var name = given?.Trim() ?? "";
        if (name.Length == 0)
            throw RequestValidationException.For("file", "The file has no name.");
        if (name.Length > 200)
            throw RequestValidationException.For("file", "The file name is longer than 200 characters.");
        if (name.Contains('/') || name.Contains('\\') || name.Contains("..") || name.Any(c => char.IsControl(c) || "<>:\"|?*".Contains(c)))
            throw RequestValidationException.For("file", $"The file name '{name}' is not a plain file name: no folders, \"..\", or the characters <>:\"|?* are allowed.");
        return name;
    }

    private static AttachmentView View(AttachmentRow r) =>
        new(r.Id, r.FileName, r.ContentType, r.Size, r.Sha256, r.Department, r.UploadedBy, r.UploadedAt);

    private static ApiProblemException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "File too large", $"A material may have at most {maxBytes:N0} bytes.");
}
