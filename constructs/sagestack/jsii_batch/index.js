"use strict";
// Runs calls on CDK objects that Python sends as data (sagestack.jsii_batch), so that many calls
// cost one jsii request instead of a round trip each. An expression is a target and a path:
// each step of the path is a property name (a string), a method call ([name, ...arguments]) or
// a constructor call (["new", ...arguments]). A target is an object jsii passed (a construct, a
// token), "aws-cdk-lib:<name>" for one of aws-cdk-lib's exports ("aws-cdk-lib:aws_iam.Role"),
// or a result. Arguments are evaluated first: {"sagestack:value": [target, ...path]} is an
// expression, {"sagestack:result": i} the result of the i-th expression of the same request.
const VALUE = "sagestack:value";
const RESULT = "sagestack:result";
const OBJECT = "sagestack:object";

function evaluate(target, path, results) {
  let value = typeof target === "string" ? library(target) : argument(target, results);
  for (const step of path) {
    if (typeof step === "string") {
      value = value[step];
      continue;
    }
    const [name, ...args] = step;
    const values = args.map((a) => argument(a, results));
    if (name === "new") {
      value = new value(...values);
    } else if (value != null && typeof value[name] === "function") {
      value = value[name](...values);
    } else {
      throw new Error(`sagestack: ${name} is not a method of ${describe(value)}`);
    }
  }
  return value;
}

function argument(value, results) {
  if (Array.isArray(value)) return value.map((v) => argument(v, results));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    if (VALUE in value) {
      const [target, ...path] = value[VALUE];
      return evaluate(target, path, results);
    }
    if (RESULT in value) {
      if (!(value[RESULT] < results.length)) throw new Error(`sagestack: no result ${value[RESULT]} yet`);
      return results[value[RESULT]];
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, argument(v, results)]));
  }
  return value;
}

// Each export looked up once: require() and aws-cdk-lib's lazy exports cost more than the call.
const exported = new Map();

function library(name) {
  let value = exported.get(name);
  if (value !== undefined) return value;
  const [module, member] = name.split(":");
  if (module !== "aws-cdk-lib" || !member) throw new Error(`sagestack: unknown target ${name}`);
  value = require("aws-cdk-lib");
  for (const part of member.split(".")) {
    value = value[part];
    if (value === undefined) throw new Error(`sagestack: aws-cdk-lib has no ${member}`);
  }
  exported.set(name, value);
  return value;
}

function describe(value) {
  return value == null ? String(value) : (value.constructor && value.constructor.name) || typeof value;
}

// The expressions come as JSON text, each object jsii passed replaced by {"sagestack:object": i},
// its index in `objects`: jsii then (de)serializes one string and a list of references, not every
// value of every expression. A null is undefined, as jsii passes Python's None (a key whose value
// is None is left out).
function parse(text, objects) {
  return JSON.parse(text, (_key, value) => {
    if (value === null) return undefined;
    return typeof value === "object" && OBJECT in value ? objects[value[OBJECT]] : value;
  });
}

function evaluateAll(expressions) {
  const results = [];
  for (const [target, ...path] of expressions) results.push(evaluate(target, path, results));
  return results;
}

class Batch {
  /** Evaluates each expression in order; returns how many ran (their results are not sent back). */
  static run(text, objects) {
    return evaluateAll(parse(text, objects)).length;
  }

  /** Evaluates each expression in order and returns their results. */
  static evaluate(text, objects) {
    return evaluateAll(parse(text, objects));
  }
}

exports.Batch = Batch;
