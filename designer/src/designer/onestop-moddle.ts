// The onestop BPMN extension as a moddle descriptor, so that bpmn-js reads, keeps and writes its attributes.
// Names and the elements they sit on follow the server's BpmnReader (docs/bpmn-support.md, "Extension attributes").

export const ONESTOP_NAMESPACE = "https://onestop-workflow.org/schema/bpmn/1.0";

const attr = (name: string) => ({ name, isAttr: true, type: "String" });

export const onestopModdle = {
  name: "OneStop",
  uri: ONESTOP_NAMESPACE,
  prefix: "onestop",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    {
      name: "ScenarioProcess",
      isAbstract: true,
      extends: ["bpmn:Process"],
      properties: [attr("lifeEvent"), attr("calendar"), attr("title"), attr("timeLimit")],
    },
    {
      name: "DepartmentTask",
      isAbstract: true,
      extends: ["bpmn:UserTask"],
      properties: [attr("department"), attr("timeLimit"), attr("formRef"), attr("outcome")],
    },
    {
      name: "ManualDepartmentTask",
      isAbstract: true,
      extends: ["bpmn:ManualTask"],
      properties: [attr("department")],
    },
    {
      name: "HandledTask",
      isAbstract: true,
      extends: ["bpmn:ServiceTask", "bpmn:SendTask", "bpmn:BusinessRuleTask"],
      properties: [attr("type")],
    },
    {
      name: "MessageCorrelation",
      isAbstract: true,
      extends: ["bpmn:ReceiveTask", "bpmn:IntermediateCatchEvent", "bpmn:BoundaryEvent"],
      properties: [attr("correlationKey")],
    },
  ],
  enumerations: [],
};
