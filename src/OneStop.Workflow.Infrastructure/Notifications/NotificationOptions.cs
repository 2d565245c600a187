namespace OneStop.Workflow.Infrastructure.Notifications;

/// <summary>The "Notifications" section of appsettings.json.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The channels to deliver on: "log" (the server log) and/or "smtp" (e-mail).</summary>
    public string[] Channels { get; set; } = ["log"];

    /// <summary>How often the server looks for notices to deliver, in seconds.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Delivery attempts before a notice is given up (and logged as an error).</summary>
    public int MaxAttempts { get; set; } = 8;

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>E-mail addresses per department key (e.g. "tax": ["tax-office@example.gov"]).</summary>
    public Dictionary<string, string[]> Departments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>E-mail addresses of the supervisors.</summary>
    public string[] Supervisors { get; set; } = [];
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS (port 587) or TLS from the start (port 465).</summary>
    public bool EnableSsl { get; set; } = true;
    public string? UserName { get; set; }

    /// <summary>Set from the environment (ONESTOP_Notifications__Smtp__Password), never in the repository.</summary>
    public string? Password { get; set; }
    public string From { get; set; } = "onestop@localhost";
    public int TimeoutSeconds { get; set; } = 30;
}
