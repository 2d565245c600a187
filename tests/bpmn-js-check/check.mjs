// Checks that every shipped scenario opens cleanly in bpmn-js (the designer) and is fully drawn.
//
// bpmn-js reads a file through bpmn-moddle, so an import warning here is a warning (or a silently
// dropped element) in the designer. With the onestop namespace registered, a misspelt onestop
// attribute is an import warning too, instead of being carried along unnoticed.
//
// Usage: node check.mjs [FILE.bpmn | WORKFLOWS_DIR ...]   (default: <repo>/workflows/*/scenario.bpmn)
// Exit code 1 when any file has a problem, or when no scenario was found at all.

import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const ONESTOP_URI = 'https://onestop-workflow.org/schema/bpmn/1.0';

const attr = (name) => ({ name, isAttr: true, type: 'String' });

// The onestop extension as a moddle package: the same attributes the engine's BPMN reader understands.
const onestopPackage = {
  name: 'OneStop',
  prefix: 'onestop',
  uri: ONESTOP_URI,
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  enumerations: [],
  types: [
    {
      name: 'Scenario',
      isAbstract: true,
      extends: ['bpmn:Process'],
      properties: [attr('lifeEvent'), attr('calendar'), attr('timeLimit'), attr('title')],
    },
    {
      name: 'DepartmentTask',
      isAbstract: true,
      extends: ['bpmn:UserTask'],
      properties: [attr('department'), attr('timeLimit'), attr('formRef'), attr('outcome')],
    },
    {
      name: 'DepartmentManualTask',
      isAbstract: true,
      extends: ['bpmn:ManualTask'],
      properties: [attr('department')],
    },
    {
      name: 'HandlerTask',
      isAbstract: true,
      extends: ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'],
      properties: [attr('type')],
    },
    {
      name: 'Correlated',
      isAbstract: true,
      extends: ['bpmn:MessageEventDefinition', 'bpmn:ReceiveTask'],
      properties: [attr('correlationKey')],
    },
  ],
};

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const WORKING_DAYS = /^[1-9][0-9]*WD$/;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

const isTimeLimit = (value) => WORKING_DAYS.test(value) || ISO_DURATION.test(value);

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultWorkflowsDir = path.resolve(here, '..', '..', 'workflows');

async function scenarioFilesIn(dir) {
  const files = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const candidate = path.join(dir, entry.name, 'scenario.bpmn');
    if (await stat(candidate).then((s) => s.isFile(), () => false)) files.push(candidate);
  }
  return files;
}

async function collectFiles(args) {
  if (args.length === 0) return scenarioFilesIn(defaultWorkflowsDir);
  const files = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => null);
    if (info === null) throw new Error(`No such file or directory: ${arg}`);
    files.push(...(info.isDirectory() ? await scenarioFilesIn(arg) : [path.resolve(arg)]));
  }
  return files;
}

/** Every moddle object reachable from root, each once. */
function allObjects(root) {
  const seen = new Set();
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const values = Array.isArray(current) ? current : Object.entries(current)
      .filter(([key]) => key !== '$parent' && key !== '$model' && key !== '$descriptor')
      .map(([, value]) => value);
    for (const value of values) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return [...seen].filter((o) => !Array.isArray(o) && typeof o.$type === 'string');
}

/** Flow elements of a process and of its sub-processes, depth first. */
function flowElementsOf(scope) {
  const result = [];
  for (const element of scope.flowElements ?? []) {
    result.push(element);
    if (element.$instanceOf('bpmn:SubProcess')) result.push(...flowElementsOf(element));
  }
  return result;
}

const describe = (element) => `${element.$type.replace(/^bpmn:/, '')} '${element.id ?? '?'}'`;

const overlaps = (a, b) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// A waypoint that starts or ends an edge must lie on (or within a pixel of) its shape.
const touches = (point, bounds) =>
  point.x >= bounds.x - 1 && point.x <= bounds.x + bounds.width + 1 &&
  point.y >= bounds.y - 1 && point.y <= bounds.y + bounds.height + 1;

function checkProcess(scenarioProcess, scenarioKey, problems) {
  const where = `process '${scenarioProcess.id}'`;
  if (scenarioProcess.id !== scenarioKey) {
    problems.push(`${where}: id must be the scenario key '${scenarioKey}' (the folder name)`);
  }
  if (scenarioProcess.isExecutable !== true) problems.push(`${where}: isExecutable="true" is missing`);
  for (const name of ['lifeEvent', 'calendar', 'timeLimit', 'title']) {
    if (!scenarioProcess.get(`onestop:${name}`)) problems.push(`${where}: onestop:${name} is missing`);
  }
  const limit = scenarioProcess.get('onestop:timeLimit');
  if (limit && !isTimeLimit(limit)) {
    problems.push(`${where}: onestop:timeLimit '${limit}' is neither working days (e.g. 20WD) nor an ISO 8601 duration (e.g. P30D)`);
  }

  for (const task of flowElementsOf(scenarioProcess).filter((e) => e.$instanceOf('bpmn:UserTask'))) {
    const at = describe(task);
    if (!task.name) problems.push(`${at}: has no name`);
    for (const name of ['department', 'formRef', 'outcome']) {
      const value = task.get(`onestop:${name}`);
      if (!value) problems.push(`${at}: onestop:${name} is missing`);
      else if (!KEBAB.test(value)) problems.push(`${at}: onestop:${name} '${value}' must be a kebab-case id`);
    }
    const taskLimit = task.get('onestop:timeLimit');
    if (!taskLimit) problems.push(`${at}: onestop:timeLimit is missing`);
    else if (!isTimeLimit(taskLimit)) {
      problems.push(`${at}: onestop:timeLimit '${taskLimit}' is neither working days (e.g. 5WD) nor an ISO 8601 duration (e.g. P30D)`);
    }
  }
}

function checkDiagram(definitions, scenarioProcess, problems) {
  const plane = (definitions.diagrams ?? []).map((d) => d.plane).find((p) => p?.bpmnElement === scenarioProcess);
  if (!plane) {
    problems.push(`process '${scenarioProcess.id}': no BPMNDiagram/BPMNPlane draws it`);
    return;
  }

  const shapes = new Map();
  const edges = new Map();
  for (const di of plane.planeElement ?? []) {
    const element = di.bpmnElement;
    if (!element) {
      problems.push(`${di.$type} '${di.id}': bpmnElement is missing or does not resolve`);
      continue;
    }
    const target = di.$instanceOf('bpmndi:BPMNShape') ? shapes : edges;
    if (target.has(element)) problems.push(`${describe(element)}: drawn twice (${target.get(element).id}, ${di.id})`);
    target.set(element, di);
  }

  const elements = flowElementsOf(scenarioProcess);
  const nodes = elements.filter((e) => e.$instanceOf('bpmn:FlowNode'));
  const flows = elements.filter((e) => e.$instanceOf('bpmn:SequenceFlow'));

  for (const node of nodes) {
    const shape = shapes.get(node);
    if (!shape) problems.push(`${describe(node)}: has no BPMNShape`);
    else if (!shape.bounds || !(shape.bounds.width > 0 && shape.bounds.height > 0)) {
      problems.push(`${describe(node)}: its BPMNShape '${shape.id}' has no bounds`);
    }
  }

  for (const flow of flows) {
    const edge = edges.get(flow);
    const at = describe(flow);
    if (!edge) {
      problems.push(`${at}: has no BPMNEdge`);
      continue;
    }
    const points = edge.waypoint ?? [];
    if (points.length < 2) {
      problems.push(`${at}: its BPMNEdge '${edge.id}' needs at least two waypoints, has ${points.length}`);
      continue;
    }
    const source = shapes.get(flow.sourceRef)?.bounds;
    const target = shapes.get(flow.targetRef)?.bounds;
    const [first, last] = [points[0], points[points.length - 1]];
    if (source && !touches(first, source)) {
      problems.push(`${at}: first waypoint (${first.x},${first.y}) is not on its source ${describe(flow.sourceRef)}`);
    }
    if (target && !touches(last, target)) {
      problems.push(`${at}: last waypoint (${last.x},${last.y}) is not on its target ${describe(flow.targetRef)}`);
    }
  }

  // Shapes of one scope must not cover each other; a boundary event sits on its host on purpose.
  const drawn = nodes
    .filter((n) => shapes.get(n)?.bounds && !n.$instanceOf('bpmn:BoundaryEvent'))
    .map((n) => ({ node: n, bounds: shapes.get(n).bounds }));
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      const [a, b] = [drawn[i], drawn[j]];
      if (a.node.$parent === b.node.$parent && overlaps(a.bounds, b.bounds)) {
        problems.push(`${describe(a.node)} and ${describe(b.node)}: their shapes overlap`);
      }
    }
  }

  // A flow must not run through a shape it does not connect. Only straight horizontal or vertical
  // segments are checked: the box around a diagonal one would cover far more than the line.
  for (const flow of flows) {
    const points = edges.get(flow)?.waypoint ?? [];
    for (let i = 1; i < points.length; i++) {
      const [p, q] = [points[i - 1], points[i]];
      if (p.x !== q.x && p.y !== q.y) continue;
      const segment = { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: Math.abs(p.x - q.x) || 0.1, height: Math.abs(p.y - q.y) || 0.1 };
      for (const { node, bounds } of drawn) {
        if (node === flow.sourceRef || node === flow.targetRef || node.$instanceOf('bpmn:SubProcess')) continue;
        if (overlaps(segment, bounds)) problems.push(`${describe(flow)}: runs through the shape of ${describe(node)}`);
      }
    }
  }

  // Labels must stay readable: not on a shape, not on another label.
  const labels = [...shapes.values(), ...edges.values()]
    .filter((di) => di.label?.bounds)
    .map((di) => ({ owner: di.bpmnElement, bounds: di.label.bounds }));
  for (const label of labels) {
    for (const { node, bounds } of drawn) {
      if (overlaps(label.bounds, bounds)) {
        problems.push(`label of ${describe(label.owner)}: covers the shape of ${describe(node)}`);
      }
    }
  }
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (overlaps(labels[i].bounds, labels[j].bounds)) {
        problems.push(`labels of ${describe(labels[i].owner)} and ${describe(labels[j].owner)}: overlap`);
      }
    }
  }
}

async function checkFile(moddle, file) {
  const problems = [];
  const scenarioKey = path.basename(path.dirname(file));

  let result;
  try {
    result = await moddle.fromXML(await readFile(file, 'utf8'), 'bpmn:Definitions');
  } catch (error) {
    return [`cannot be read: ${error.message.replace(/\s+/g, ' ').trim()}`];
  }

  for (const warning of result.warnings) {
    problems.push(`import warning: ${warning.message.replace(/\s+/g, ' ').trim()}`);
  }

  const definitions = result.rootElement;
  for (const object of allObjects(definitions)) {
    if (object.$descriptor?.isGeneric) {
      problems.push(`unknown element <${object.$type}> (its namespace is not BPMN, DI or onestop)`);
    }
    for (const name of Object.keys(object.$attrs ?? {})) {
      // Namespace declarations and xsi:type (how bpmn-js writes a condition's type) are expected;
      // an unknown attribute of a registered namespace (a misspelt onestop:...) is already an import warning.
      if (name === 'xmlns' || name.startsWith('xmlns:') || name === 'xsi:type') continue;
      if (name.includes(':') && moddle.getPackage(name.split(':')[0])) continue;
      problems.push(`${object.id ? describe(object) : `<${object.$type}>`}: unknown attribute ${name}`);
    }
  }

  const processes = (definitions.rootElements ?? []).filter((e) => e.$instanceOf('bpmn:Process'));
  if (processes.length !== 1) {
    problems.push(`a scenario file holds exactly one process; found ${processes.length}`);
  }
  for (const scenarioProcess of processes) {
    checkProcess(scenarioProcess, scenarioKey, problems);
    checkDiagram(definitions, scenarioProcess, problems);
  }
  return [...new Set(problems)];
}

async function main() {
  const files = await collectFiles(process.argv.slice(2));
  if (files.length === 0) {
    console.error('No scenario found: expected workflows/<scenario>/scenario.bpmn files.');
    return 1;
  }

  const moddle = new BpmnModdle({ onestop: onestopPackage });
  let failed = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const problems = await checkFile(moddle, file);
    if (problems.length === 0) {
      console.log(`ok    ${shown}`);
    } else {
      failed++;
      console.log(`FAIL  ${shown}`);
      for (const problem of problems) console.log(`      ${problem}`);
    }
  }
  console.log(`scenarios: ${files.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error) => {
  console.error(error.message);
  return 1;
});
