namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>The XML namespaces a BPMN file uses and the extension namespaces the reader understands.</summary>
public static class BpmnNamespaces
{
    /// <summary>BPMN 2.0 semantic model: process, tasks, events, gateways, sequence flows.</summary>
    public const string Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    /// <summary>Our extension attributes (prefix <c>onestop</c>): department, time limit, form, outcome, calendar.</summary>
    public const string OneStop = "https://onestop-workflow.org/schema/bpmn/1.0";

    /// <summary>Camunda 7 extension attributes (Camunda Modeler 4/5, "Camunda Platform 7" diagrams).</summary>
    public const string Camunda = "http://camunda.org/schema/1.0/bpmn";

    /// <summary>Activiti's namespace, which Camunda 7 still accepts for the same attributes (older Activiti/Camunda exports).</summary>
    public const string Activiti = "http://activiti.org/bpmn";

    /// <summary>Flowable's namespace; the attributes we read have the same names as Camunda 7's.</summary>
    public const string Flowable = "http://flowable.org/bpmn";

    /// <summary>Camunda 8 (Zeebe) extension elements.</summary>
    public const string Zeebe = "http://camunda.org/schema/zeebe/1.0";

    /// <summary>BPMN diagram interchange (shapes and edges; ignored by the engine).</summary>
    public const string BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";

    public const string Dc = "http://www.omg.org/spec/DD/20100524/DC";

    public const string Di = "http://www.omg.org/spec/DD/20100524/DI";

    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
}
