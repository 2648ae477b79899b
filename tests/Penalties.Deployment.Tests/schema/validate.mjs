// Reads a JSON array of Kubernetes objects on stdin and validates each against its OpenAPI schema from the
// kubernetes-models package (required fields, types, formats). Prints one line per problem; exit 0 either way.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(0, "utf8"));
const problems = [];
for (const obj of objects) {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  let model;
  try {
    model = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`))[obj.kind];
  } catch {
    problems.push(`${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
    continue;
  }
  try {
    new model(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}`);
  }
}
process.stdout.write(problems.map((p) => p.replaceAll("\n", " ") + "\n").join(""));
