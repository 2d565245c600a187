using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OneStop.Workflow.Infrastructure.Notifications;

namespace OneStop.Workflow.Tests.Notifications;

/// <summary>The SMTP channel against a small SMTP receiver on loopback that records what it is sent.</summary>
public sealed class SmtpNotificationSenderTests
{
    private static readonly Notification Overdue = new(Guid.NewGuid(), "task.red", "Overdue: newborn registration, health commission",
        "Task Issue birth certificate is overdue since 2026-03-06.", Guid.NewGuid(), Guid.NewGuid(), "health-commission", ToSupervisors: true);

    [Fact]
    public async Task Send_DeliversOneMailToTheDepartmentAndTheSupervisors()
    {
        using var receiver = new SmtpReceiver();
        var sender = Sender(receiver.Port);

        await sender.SendAsync(Overdue, CancellationToken.None);

        var mail = await receiver.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("<onestop@example.gov>", mail.From);
        Assert.Equal(["<hc@example.gov>", "<chief@example.gov>"], mail.To);
        Assert.Contains("Subject: Overdue: newborn registration, health commission", mail.Data);
        Assert.Contains($"Message-ID: <{Overdue.Id:N}@onestop-workflow>", mail.Data);
        Assert.Contains("X-OneStop-Kind: task.red", mail.Data);
        Assert.Contains("is overdue since 2026-03-06", mail.Data);
    }

    [Fact]
    public async Task Send_ASubjectWithLineBreaks_GoesOutOnOneLine()
    {
        using var receiver = new SmtpReceiver();

        await Sender(receiver.Port).SendAsync(Overdue with { Subject = "Overdue: Issue birth\ncertificate" }, CancellationToken.None);

        var mail = await receiver.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Subject: Overdue: Issue birth certificate", mail.Data);
    }

    [Fact]
    public async Task Send_WithNobodyConfigured_SendsNothing_AndDoesNotFail()
    {
        using var receiver = new SmtpReceiver();
        var sender = Sender(receiver.Port, departments: false, supervisors: false);

        await sender.SendAsync(Overdue, CancellationToken.None);

        Assert.Equal(0, receiver.Connections);
    }

    [Fact]
    public async Task Send_WhenTheServerRefuses_Throws_SoTheNoticeIsTriedAgain()
    {
        using var receiver = new SmtpReceiver(refuseRecipients: true);
        var sender = Sender(receiver.Port);

        await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(Overdue, CancellationToken.None));
    }

    [Fact]
    public async Task Send_WithoutAHost_SaysWhichSettingIsMissing()
    {
        var sender = new SmtpNotificationSender(Options.Create(new NotificationOptions()), NullLogger<SmtpNotificationSender>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SendAsync(Overdue, CancellationToken.None));

        Assert.Contains("Notifications:Smtp:Host", error.Message);
    }

    private static SmtpNotificationSender Sender(int port, bool departments = true, bool supervisors = true) =>
        new(Options.Create(new NotificationOptions
        {
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, EnableSsl = false, From = "onestop@example.gov", TimeoutSeconds = 20 },
            Departments = departments ? new() { ["health-commission"] = ["hc@example.gov"] } : new(),
            Supervisors = supervisors ? ["chief@example.gov", "HC@example.gov"] : [],
        }), NullLogger<SmtpNotificationSender>.Instance);

    private sealed record ReceivedMail(string From, List<string> To, string Data);

    /// <summary>Speaks just enough SMTP (RFC 5321) for one message per connection.</summary>
    private sealed class SmtpReceiver : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly bool _refuseRecipients;
        private int _connections;

        public SmtpReceiver(bool refuseRecipients = false)
        {
            _refuseRecipients = refuseRecipients;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public TaskCompletionSource<ReceivedMail> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(client);
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 receiver ready");
            string from = "";
            var to = new List<string>();
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 receiver");
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf(':') + 1)..].Trim();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        if (_refuseRecipients)
                        {
                            await writer.WriteLineAsync("550 mailbox unavailable");
                            break;
                        }
                        to.Add(line[(line.IndexOf(':') + 1)..].Trim());
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with .");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                            data.AppendLine(dataLine);
                        await writer.WriteLineAsync("250 queued");
                        Received.TrySetResult(new ReceivedMail(from, to, data.ToString()));
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
