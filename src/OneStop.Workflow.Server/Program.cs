using OneStop.Workflow.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOneStopServer();

var app = builder.Build();
await app.PrepareAsync();
app.MapOneStopServer();
app.Run();

/// <summary>The server's entry point; public so that integration tests can host it.</summary>
public partial class Program;
