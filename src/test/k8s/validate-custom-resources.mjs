// Checks custom resources (the Prometheus Operator's ServiceMonitor and PrometheusRule) against the
// operator's API models from npm (@kubernetes-models/prometheus-operator), offline: a field of the
// wrong type, a missing required field or a bad value is an error. Prints one line per resource.
// Usage: node validate-custom-resources.mjs <node_modules directory> <manifest.yaml>...
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, ...files] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const { parseAllDocuments } = await load('yaml/dist/index.js');
const models = {
  'monitoring.coreos.com/v1 ServiceMonitor':
    (await load('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js')).ServiceMonitor,
  'monitoring.coreos.com/v1 PrometheusRule':
    (await load('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule.js')).PrometheusRule,
};

let failed = false;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const object = document.toJS();
    if (object === null) continue;
    const key = object.apiVersion + ' ' + object.kind;
    const Model = models[key];
    if (!Model) {
      console.log(`${file}: no model for ${key}`);
      failed = true;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok ${key} ${object.metadata.name}`);
    } catch (error) {
      console.log(`${file}: ${key} ${object.metadata && object.metadata.name}: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
