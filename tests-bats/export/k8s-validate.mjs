// Validates Kubernetes objects (YAML files) offline against the API schemas of npm's kubernetes-models.
// Usage: NODE_PATH-free: node k8s-validate.mjs MODULES_DIR FILE...; exit 0 when all are valid, 1 (naming each error) when not.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [modules, ...files] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const yaml = (await load('js-yaml/dist/js-yaml.mjs')).default;
const kinds = {
    'v1/Pod': (await load('kubernetes-models/v1/Pod.mjs')).Pod,
    'batch/v1/Job': (await load('kubernetes-models/batch/v1/Job.mjs')).Job,
};
let bad = 0;
for (const file of files) {
    for (const doc of yaml.loadAll(readFileSync(file, 'utf8'))) {
        const Kind = kinds[`${doc.apiVersion}/${doc.kind}`];
        try {
            if (!Kind) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
            new Kind(doc).validate();
            console.log(`${file}: ${doc.kind} ${doc.metadata?.name}: valid`);
        } catch (e) {
            bad++;
            console.log(`${file}: ${doc.kind} ${doc.metadata?.name}: ${e.message.split('\n')[0]}`);
        }
    }
}
process.exit(bad ? 1 : 0);
