// Runs a state machine definition locally with aws-local-stepfunctions, every Task replaced by a
// scripted handler. Reads JSON from stdin:
//   {"definition": {...}, "input": {...}, "tasks": {"StateName": [{"result": {...}} | {"error": "Name", "cause": "..."}]}}
// Each call to a Task takes the next scripted response (the last one repeats). Retry pauses are 0.
// Writes JSON: {"status", "output", "error", "cause", "calls": {"StateName": [input, ...]}, "path": [...], "transitions"}.
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
for (const [name, state] of Object.entries(spec.definition.States)) {
  if (state.Retry) retryIntervalOverrides[name] = 0;
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
    return response.result;
  };
}

const machine = new StateMachine(spec.definition, { validationOptions: { checkArn: true, checkPaths: true } });
const execution = machine.run(spec.input ?? {}, {
  overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
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
