using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Simulation;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Scenarios;

/// <summary>A model under design and the steps to drive it: the deploy body plus a simulation script
/// (<c>variables</c> start the instance; <c>steps</c> as <c>onestop simulate</c> reads them).</summary>
public sealed record SimulateScenarioRequest(string? Bpmn, JsonObject? Forms, JsonObject? Variables, JsonArray? Steps, DateTimeOffset? Start);

/// <summary>Where a simulation ended. <paramref name="Notes"/> says what the simulation did that real operation would not
/// (service tasks completed without a handler).</summary>
public sealed record SimulationResponse(string Status, DateTimeOffset Start, DateTimeOffset? DueAt, IReadOnlyList<string> Completed,
    IReadOnlyList<string> Active, IReadOnlyList<SimulatedTask> Tasks, IReadOnlyList<SimulatedIncident> Incidents, JsonObject Variables,
    IReadOnlyList<string> Notes);

/// <summary>The model's problems when it cannot be simulated: the same list the validate endpoint gives.</summary>
public sealed class ScenarioNotValidException(ScenarioValidationResult validation) : Exception("The scenario is not valid.")
{
    public ScenarioValidationResult Validation { get; } = validation;
}

/// <summary>
/// Runs a model that is not deployed on the engine's simulator (virtual clock, in-memory store). The input is a
/// user's, so the run is bounded: a number of steps, a span of virtual time, a wall-clock budget, and a few at a time.
/// </summary>
public sealed class ScenarioSimulation(ScenarioValidator validator, ScenarioCalendars calendars, TimeProvider clock, ILogger<ScenarioSimulation> logger)
{
    public const int MaxSteps = 200;
    public static readonly TimeSpan MaxVirtualSpan = TimeSpan.FromDays(3653); // ten years
    public static readonly TimeSpan WallClockBudget = TimeSpan.FromSeconds(10);
    public const int MaxConcurrent = 2;

    private readonly SemaphoreSlim _running = new(MaxConcurrent, MaxConcurrent);

    /// <exception cref="RequestValidationException">A field of the request is wrong, or a step cannot apply.</exception>
    /// <exception cref="ScenarioNotValidException">The model or its forms would not deploy.</exception>
    public async Task<SimulationResponse> RunAsync(SimulateScenarioRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Bpmn))
            throw RequestValidationException.For("bpmn", "Give the scenario's BPMN 2.0 XML.");
        var script = Script(request);
        var start = request.Start ?? clock.GetUtcNow();
        CheckVirtualSpan(script, start);

        var forms = request.Forms ?? [];
        var validation = validator.Validate(request.Bpmn, forms);
        if (!validation.Valid)
            throw new ScenarioNotValidException(validation);

        if (!await _running.WaitAsync(TimeSpan.Zero, ct))
            throw new ApiProblemException(StatusCodes.Status429TooManyRequests, "Too many requests",
                $"{MaxConcurrent} simulations are running; try again when one has finished.");
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            budget.CancelAfter(WallClockBudget);
            var notes = new List<string>();
            var simulator = new Simulator(new WorkflowEngineOptions
            {
                Calendars = calendars.Registry,
                CompleteUnhandledServiceTasks = true,
                UnhandledServiceTask = task => notes.Add(
                    $"Service task '{task.Id}' (type '{task.HandlerType ?? "none"}') has no handler in a simulation; it was completed without doing anything."),
            });
            try
            {
                var result = await simulator.RunAsync(request.Bpmn, ScenarioValidator.SourceName, forms.Count == 0 ? null : forms.ToJsonString(),
                    script, start, budget.Token);
                return new SimulationResponse(result.Status, start, result.DueAt, result.Completed, result.Active, result.Tasks, result.Incidents,
                    result.Variables, notes);
            }
            catch (SimulationStepException e)
            {
                // Step 0 is the model itself (a file with several executable processes).
                throw RequestValidationException.For(e.StepNumber > 0 ? StepField(e.StepNumber) : "bpmn", e.Message);
            }
            catch (WorkflowCommandException e)
            {
                // A step the engine refused (variables of the wrong shape, a task in the wrong state): the script is at fault.
                throw RequestValidationException.For("steps", e.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                logger.LogInformation("A simulation ran out of its {Budget} budget", WallClockBudget);
                throw RequestValidationException.For("steps",
                    $"The simulation did not finish within {WallClockBudget.TotalSeconds:0} seconds; advance the clock by less or use fewer repeating timers.");
            }
        }
        finally
        {
            _running.Release();
        }
    }

    private static SimulationScript Script(SimulateScenarioRequest request)
    {
        var steps = request.Steps ?? [];
        if (steps.Count > MaxSteps)
            throw RequestValidationException.For("steps", $"A simulation may have at most {MaxSteps} steps; this one has {steps.Count}.");
        var script = new JsonObject
        {
            ["variables"] = request.Variables?.DeepClone() ?? new JsonObject(),
            ["steps"] = steps.DeepClone(),
        };
        try
        {
            return SimulationScript.Parse(script.ToJsonString());
        }
        catch (SimulationStepException e)
        {
            throw RequestValidationException.For(StepField(e.StepNumber), e.Message);
        }
    }

    /// <summary>Refuses clock advances that leave the calendar's range or span more than ten years of virtual time.</summary>
    private static void CheckVirtualSpan(SimulationScript script, DateTimeOffset start)
    {
        var now = start;
        foreach (var advance in script.Steps.OfType<AdvanceStep>())
        {
            try
            {
                now = advance.By.AddTo(now);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw RequestValidationException.For(StepField(advance.Number), $"Step {advance.Number}: advancing by {advance.By} leaves the calendar's range.");
            }
            if (now - start > MaxVirtualSpan)
                throw RequestValidationException.For(StepField(advance.Number),
                    $"Step {advance.Number}: the steps advance the clock by more than ten years in total.");
        }
    }

    /// <summary>Step numbers count from 1; the field names the step's index in the request's array.</summary>
    private static string StepField(int stepNumber) => stepNumber > 0 ? $"steps[{stepNumber - 1}]" : "steps";
}
