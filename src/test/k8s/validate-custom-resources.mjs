// Checks custom resources (the Prometheus Operator's ServiceMonitor and PrometheusRule) against the
// operator's API models from npm (@kubernetes-models/prometheus-operator), offline: a field of the
// wrong type, a missing required field or a bad value is an error, by the models' own validation;
// and a field the models do not declare (a misspelling) is an error too, by the models' TypeScript
// declarations, which the validation does not look at. Prints one line per resource.
// Usage: node validate-custom-resources.mjs <node_modules directory> <manifest.yaml>...
import { readdirSync, readFileSync } from 'node:fs';
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

// The fields each declared interface has, by every name it is exported under, and their types.
const declared = new Map();
function readDeclarations(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      readDeclarations(path);
      continue;
    }
    if (!entry.name.endsWith('.d.ts')) continue;
    const text = readFileSync(path, 'utf8');
    const local = new Map();
    for (const [, name, body] of text.matchAll(/^export interface (\w+)[^{]*\{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map();
      for (const [, field, type] of body.matchAll(/^ {4}"([^"]+)"\??: ([^\n]*)$/gm)) {
        fields.set(field, type);
      }
      local.set(name, fields);
      declared.set(name, fields);
    }
    for (const [, list] of text.matchAll(/^export type \{([^}]*)\}/gm)) {
      for (const [, name, alias] of list.matchAll(/(\w+) as (\w+)/g)) {
        if (local.has(name)) declared.set(alias, local.get(name));
      }
    }
  }
}
readDeclarations(join(modules, '@kubernetes-models'));

// Every field of `value` must be declared by its type; fields of declared types are checked in turn.
function unknownFields(value, type, path, found) {
  const fields = declared.get(type);
  if (!fields || value === null || typeof value !== 'object') return found;
  for (const [field, child] of Object.entries(value)) {
    if (!fields.has(field)) {
      found.push(path + '/' + field);
      continue;
    }
    const referenced = fields.get(field).match(/\bI[A-Z]\w*/);
    if (!referenced) continue;
    if (Array.isArray(child)) {
      child.forEach((element, index) => unknownFields(element, referenced[0], path + '/' + field + '/' + index, found));
    } else {
      unknownFields(child, referenced[0], path + '/' + field, found);
    }
  }
  return found;
}

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
      const unknown = unknownFields(object, 'I' + object.kind, '', []);
      if (unknown.length) throw new Error('fields the API does not have: ' + unknown.join(', '));
      console.log(`ok ${key} ${object.metadata.name}`);
    } catch (error) {
      console.log(`${file}: ${key} ${object.metadata && object.metadata.name}: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
