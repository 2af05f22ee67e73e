// Runs a state machine definition locally with aws-local-stepfunctions, every Task replaced by a
// scripted handler. Reads JSON from stdin:
//   {"definition": {...}, "input": {...}, "tasks": {"StateName": [response, ...]}}
// A response is {"result": {...}}, {"error": "Name", "cause": "..."}, or {"python": "path/index.py"}:
// the Lambda handler in that file runs on the task's Payload (a lambda:invoke answer comes back).
// In a result, "{{call:State.Path}}" is replaced by that value of the latest input of State (e.g.
// the run's name, drawn at run time). Each call to a Task takes the next scripted response (the
// last one repeats); a Task without a script fails the run ("unscripted task"). Retry and Wait
// pauses are 0. Writes JSON: {"status", "output", "error", "cause", "calls": {"StateName": [input, ...]},
// "path": [...], "transitions"}.
import { execFileSync } from "node:child_process";
// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); Node 20 needs the polyfill.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};
const { StateMachine, ExecutionError } = await import("aws-local-stepfunctions");

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const spec = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const calls = {};
const handlers = {};
const retryIntervalOverrides = {};
const waitTimeOverrides = {};
const PYTHON = process.env.SAGESTACK_PYTHON || "python3";
const RUN_PYTHON = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("handler", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(module.handler(json.load(sys.stdin), None)))
`;

function lookup(reference) {
  const [state, ...path] = reference.split(".");
  let value = (calls[state] || []).at(-1);
  for (const key of path) value = value?.[key];
  if (value === undefined) throw new Error(`no value for {{call:${reference}}}`);
  return value;
}

function fill(value) {
  if (typeof value === "string") {
    const whole = value.match(/^\{\{call:([^}]+)\}\}$/);
    if (whole) return lookup(whole[1]);
    return value.replace(/\{\{call:([^}]+)\}\}/g, (_, reference) => String(lookup(reference)));
  }
  if (Array.isArray(value)) return value.map(fill);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}

for (const [name, state] of Object.entries(spec.definition.States)) {
  if (state.Retry) retryIntervalOverrides[name] = 0;
  if (state.Type === "Wait") waitTimeOverrides[name] = 0;
  if (state.Type === "Task" && !(name in (spec.tasks || {}))) {
    handlers[name] = async () => {
      const error = new Error(`unscripted task ${name}`);
      error.name = "Harness.UnscriptedTask";
      throw error;
    };
  }
}
for (const [name, responses] of Object.entries(spec.tasks || {})) {
  calls[name] = [];
  handlers[name] = async (input) => {
    calls[name].push(input);
    const response = responses[Math.min(calls[name].length - 1, responses.length - 1)];
    if (response.error) {
      const error = new Error(response.cause || "");
      error.name = response.error;
      throw error;
    }
    if (response.python) {
      const output = execFileSync(PYTHON, ["-c", RUN_PYTHON, response.python], { input: JSON.stringify(input.Payload), encoding: "utf8" });
      return { StatusCode: 200, Payload: JSON.parse(output) };
    }
    return fill(response.result);
  };
}

const machine = new StateMachine(spec.definition, { validationOptions: { checkArn: true, checkPaths: true } });
const execution = machine.run(spec.input ?? {}, {
  overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides, waitTimeOverrides },
  context: spec.context,
});
const path = [];
let transitions = 0;
const collect = (async () => {
  for await (const event of execution.eventLogs) {
    if (event.type === "StateEntered") {
      transitions += 1;
      path.push(event.state.name);
    }
  }
})();
let out;
try {
  const output = await execution.result;
  out = { status: "SUCCEEDED", output };
} catch (error) {
  if (error instanceof ExecutionError || error?.name) {
    const inner = error.cause ?? error;
    out = { status: "FAILED", error: inner.name, cause: inner.message };
  } else {
    throw error;
  }
}
await collect.catch(() => {});
process.stdout.write(JSON.stringify({ ...out, calls, path, transitions }) + "\n");
